//! Opens the storage backend the configuration names. Every driver (serve, import, process)
//! goes through here, so a backend added once is available everywhere.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use upstage_storage::Storage;
use upstage_storage_local::LocalStorage;

use crate::config::Config;

/// The library's storage: `storage.backend` (`"local"` by default, rooted at `root`).
pub fn open(cfg: &Config, root: &Path) -> Result<Arc<dyn Storage>> {
    match cfg.storage.backend.as_str() {
        "local" => {
            Ok(Arc::new(LocalStorage::new(root).with_context(|| {
                format!("storage root {}", root.display())
            })?))
        }
        "s3" => Ok(Arc::new(
            upstage_storage_s3::S3Storage::new(&cfg.storage.s3).context("storage.s3")?,
        )),
        plugin if plugin.starts_with("plugin:") => {
            crate::plugins::open_storage(cfg, plugin.trim_start_matches("plugin:"))
        }
        other => anyhow::bail!(
            "unknown storage backend {other:?} (storage.backend): expected \"local\", \"s3\" or \"plugin:NAME\""
        ),
    }
}
