use std::path::PathBuf;
use std::sync::Arc;

use upstage_core::Limits;
use upstage_storage::Storage;
use upstage_storage::StorageMode;

use crate::auth::KeyCache;
use crate::config::ServerConfig;
use crate::db::Db;
use crate::ids::IdCodec;
use crate::processing::Processor;

/// Everything a request handler needs, shared behind an `Arc`.
pub struct AppState {
    pub cfg: ServerConfig,
    pub db: Db,
    pub ids: IdCodec,
    pub keys: KeyCache,
    /// Failed key and delete-token checks per client address.
    pub failures: crate::failures::FailureLimit,
    pub storage: Arc<dyn Storage>,
    pub processor: Processor,
    /// `public_url` without a trailing slash, and its path part (`""` at a domain root).
    pub base_url: String,
    pub base_path: String,
    pub tz: chrono_tz::Tz,
    pub storage_mode: StorageMode,
    pub medium_size: u32,
    pub thumb_size: (u32, u32),
    pub temp_dir: PathBuf,
    /// Where a shutdown stands (draining, then stopping).
    pub lifecycle: crate::http::Lifecycle,
}

pub type Shared = Arc<AppState>;

impl AppState {
    pub fn limits(&self) -> &Limits {
        self.processor.limits()
    }

    pub fn max_bytes_text(&self) -> String {
        crate::api::format_bytes(self.limits().max_bytes)
    }

    /// Budget for text fields: a base64 source of a maximal file plus ordinary fields.
    pub fn text_limit(&self) -> usize {
        let b = self.limits().max_bytes;
        usize::try_from(b / 3 * 4 + 1_048_576).unwrap_or(usize::MAX)
    }
}
