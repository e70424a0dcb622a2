//! The library service, with no HTTP in it: upload options → processing on the core pipeline →
//! all-or-nothing storage → the recorded row and tags, plus what keeps the library consistent
//! (file claims, the reconciler, the expiration sweeper), API keys, public ids and the image view
//! (the public image object and its URLs). The HTTP adapter (`upstage-server`) and the local
//! import both drive it.

pub mod auth;
pub mod db;
pub mod delete;
mod error;
pub mod expiration;
pub mod ids;
pub mod ingest;
mod journal;
pub mod options;
pub mod processing;
pub mod reconcile;
mod record;
mod settings;
pub mod store;
pub mod sweeper;
pub mod tags;
pub mod text;
pub mod view;

use std::path::PathBuf;
use std::sync::Arc;

use upstage_core::Limits;
use upstage_storage::{Storage, StorageMode};

pub use error::LibraryError;
pub use settings::{RouteConfig, Settings};

/// An open library: its database, storage and pipeline, and the site settings that shape rows
/// and URLs. Shared (behind an `Arc`) by every upload, the sweeper and the reconciler.
pub struct Library {
    pub db: db::Db,
    pub ids: ids::IdCodec,
    pub keys: auth::KeyCache,
    pub storage: Arc<dyn Storage>,
    pub processor: processing::Processor,
    /// `public_url` without a trailing slash, and its path part (`""` at a domain root).
    pub base_url: String,
    pub base_path: String,
    pub tz: chrono_tz::Tz,
    pub storage_mode: StorageMode,
    pub medium_size: u32,
    pub thumb_size: (u32, u32),
    /// Where uploads wait (spooled bodies, downloads) before processing.
    pub temp_dir: PathBuf,
    pub settings: Settings,
}

impl Library {
    pub fn limits(&self) -> &Limits {
        self.processor.limits()
    }

    /// The upload size limit as people read it (`10 MB`).
    pub fn max_bytes_text(&self) -> String {
        text::format_bytes(self.limits().max_bytes)
    }

    /// Create the first admin and its key when the database has no user yet. Returns the new
    /// key, which is shown once and never stored in clear.
    pub async fn ensure_admin(&self) -> Result<Option<String>, db::DbError> {
        if self.db.user_count().await? > 0 {
            return Ok(None);
        }
        // The admin and its key commit together: a failure between them must not leave an
        // admin whose key was never shown.
        let mut w = self.db.writer().await?;
        let r = async {
            let mut tx = w.begin().await?;
            let user = db::create_user_in(&mut tx, "admin", true).await?;
            let key = auth::create_key_in(&mut tx, &self.ids, user.id, "first start").await?;
            tx.commit().await?;
            Ok(key)
        }
        .await;
        Ok(Some(w.finish(r)?))
    }
}
