//! The binary's wiring: what every driver runs on, built from the configuration — the stage
//! registry (built-ins + allowed plugins), the pipeline, the storage backend, and the library
//! `upstage serve` and the local importer open. A backend or stage added here is available to
//! every subcommand.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use upstage_core::{Pipeline, StageRegistry};
use upstage_storage::Storage;
use upstage_storage_local::LocalStorage;

use crate::config::Config;

/// The built-in stages only (see `upstage-builtins`).
pub fn builtins() -> Result<StageRegistry> {
    Ok(upstage_builtins::registry()?)
}

/// Every stage the pipeline can be built from: built-ins plus the allowed plugins.
pub fn registry(cfg: &Config) -> Result<StageRegistry> {
    let mut registry = builtins()?;
    crate::plugins::register_stages(cfg, &mut registry)?;
    Ok(registry)
}

/// The `pipeline` list of the configuration, resolved through [`registry`].
pub fn pipeline(cfg: &Config) -> Result<Pipeline> {
    let stages = registry(cfg)?.build(&cfg.stage_specs()?)?;
    Ok(Pipeline::new(stages, cfg.limits))
}

/// The library's storage: `storage.backend` (`"local"` by default, rooted at `root`).
pub fn storage(cfg: &Config, root: &Path) -> Result<Arc<dyn Storage>> {
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

/// What the HTTP adapter and the local importer open the library with.
pub fn serve_options(cfg: &Config) -> Result<upstage_server::ServeOptions> {
    let mut server = cfg.server.clone();
    // `[site]` is a top-level table; the server carries it for its pages.
    server.site = cfg.site.clone();
    Ok(upstage_server::ServeOptions {
        cfg: server,
        data_dir: cfg.data_dir.clone(),
        pipeline: pipeline(cfg)?,
        storage_mode: cfg.storage.mode,
        storage: storage(cfg, &cfg.data_dir)?,
        medium_size: cfg.stage_u32("medium", "size", 750),
        thumb_size: (
            cfg.stage_u32("thumbnail", "width", 320),
            cfg.stage_u32("thumbnail", "height", 320),
        ),
    })
}
