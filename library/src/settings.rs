//! Site settings the library itself reads: URL shapes, and the pace of the background sweeper
//! and reconciler. The server fills them from its `[server]` table.

use serde::{Deserialize, Serialize};

/// The first path segment of viewer URLs (`/image/…`, `/video/…`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct RouteConfig {
    pub image: String,
    pub video: String,
}

impl Default for RouteConfig {
    fn default() -> Self {
        RouteConfig {
            image: "image".into(),
            video: "video".into(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub routes: RouteConfig,
    /// Put the title in viewer URLs (`/image/my-title.AbC`).
    pub seo_urls: bool,
    /// Expired images are deleted by `sweep_batch` per sweep, every `sweep_seconds`.
    pub sweep_seconds: u64,
    pub sweep_batch: i64,
    /// Leftovers of interrupted uploads older than `reconcile_grace_seconds` are removed at
    /// start and every `reconcile_seconds`; the first pass also walks for orphans when asked.
    pub reconcile_seconds: u64,
    pub reconcile_grace_seconds: u64,
    pub reconcile_orphan_walk: bool,
}
