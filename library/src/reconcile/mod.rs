//! Crash leftovers, found and removed. Uploads claim their storage keys in `pending_uploads`
//! (committed) before writing, and drop the claims in the transaction that inserts the image
//! row, so a crash at any instant leaves either a complete upload or claims older than the
//! grace period. The reconciler runs on every instance at start and every
//! `reconcile_seconds`:
//!
//! - stale claims: their files are removed unless a row owns them, then the claims;
//! - temp files of interrupted writes (local disk) older than the grace period;
//! - at start only, orphans: files under `images/` that no row and no claim owns and that are
//!   older than the grace period (left by versions without claims, or by hand). Backends that
//!   cannot list their objects (plugin backends) skip this walk, with a log line.
//!
//! The grace period keeps in-flight uploads of other instances (and of `upstage import` on
//! the same library) out of reach: it must exceed the longest time an upload takes to write
//! its files. An upload that outlives it anyway finds its claims gone and fails, unrecorded.

mod claims;
mod orphans;

use std::time::{Duration, SystemTime};

use upstage_storage::StorageError;

use crate::db::DbError;
use std::sync::Arc;

use crate::Library;

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// What one pass removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Stale claims dropped.
    pub claims: usize,
    /// Files of stale claims removed.
    pub claimed_files: Vec<String>,
    /// Temp files of interrupted writes removed.
    pub temp_files: Vec<String>,
    /// Files no row or claim owned, removed (start pass only).
    pub orphans: Vec<String>,
    /// The orphan walk did not run: the backend cannot list its objects.
    pub orphan_walk_skipped: bool,
}

impl Report {
    pub fn removed_anything(&self) -> bool {
        self.claims > 0
            || !self.claimed_files.is_empty()
            || !self.temp_files.is_empty()
            || !self.orphans.is_empty()
    }

    /// Logs what was removed (at `warn`, the keys at `info`), nothing when nothing was.
    pub fn log(&self, pass: &str) {
        if self.removed_anything() {
            tracing::warn!(
                pass,
                claims = self.claims,
                claimed_files = self.claimed_files.len(),
                temp_files = self.temp_files.len(),
                orphans = self.orphans.len(),
                "removed leftovers of interrupted uploads"
            );
            tracing::info!(pass, keys = ?self.claimed_files, "removed files of stale claims");
            tracing::info!(pass, keys = ?self.temp_files, "removed temp files");
            tracing::info!(pass, keys = ?self.orphans, "removed orphan files");
        }
    }
}

/// Run a pass now and then every `reconcile_seconds`; the first pass also walks for orphans.
pub fn spawn(state: Arc<Library>) {
    tokio::spawn(async move {
        let period = Duration::from_secs(state.settings.reconcile_seconds.max(1));
        let grace = Duration::from_secs(state.settings.reconcile_grace_seconds);
        let mut tick = tokio::time::interval(period);
        let mut at_start = true;
        loop {
            tick.tick().await;
            let pass = if at_start { "start" } else { "periodic" };
            let walk = at_start && state.settings.reconcile_orphan_walk;
            match run(&state, walk, grace).await {
                Ok(report) => {
                    report.log(pass);
                    if at_start {
                        tracing::info!(
                            orphan_walk = walk && !report.orphan_walk_skipped,
                            "storage reconciled at start"
                        );
                    }
                }
                Err(e) => tracing::warn!(pass, "reconciling storage failed: {e}"),
            }
            at_start = false;
        }
    });
}

/// One pass over leftovers older than `grace`: stale claims, then temp files, then (with
/// `walk`) orphans. Claims go first so their files are counted as what they are, not as orphans.
pub async fn run(state: &Library, walk: bool, grace: Duration) -> Result<Report, ReconcileError> {
    let cutoff = SystemTime::now()
        .checked_sub(grace)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let before = crate::db::fmt_date(
        (chrono::Utc::now() - chrono::Duration::from_std(grace).unwrap_or_default()).naive_utc(),
    );
    let mut report = Report::default();
    (report.claims, report.claimed_files) = claims::remove_stale(state, &before).await?;
    let storage = state.storage.clone();
    report.temp_files = tokio::task::spawn_blocking(move || storage.remove_stale_temp(cutoff))
        .await
        .map_err(|e| join_error(&e))??;
    if walk {
        match orphans::remove(state, cutoff).await? {
            Some(removed) => report.orphans = removed,
            None => {
                tracing::info!(
                    storage = state.storage.name(),
                    "orphan walk skipped: the storage backend cannot list its objects"
                );
                report.orphan_walk_skipped = true;
            }
        }
    }
    Ok(report)
}

fn join_error(e: &tokio::task::JoinError) -> StorageError {
    StorageError::new(
        upstage_storage::StorageErrorKind::Io,
        format!("storage worker: {e}"),
    )
}

/// Delete `keys` off the async workers; a missing file is already what we want. Returns the
/// keys whose file was there.
async fn delete_keys(state: &Library, keys: Vec<String>) -> Result<Vec<String>, StorageError> {
    if keys.is_empty() {
        return Ok(keys);
    }
    let storage = state.storage.clone();
    tokio::task::spawn_blocking(move || {
        let mut gone = Vec::with_capacity(keys.len());
        for key in keys {
            // Object stores answer a delete of a missing key with success: ask first, so the
            // report names only files that were there.
            if !storage.exists(&key)? {
                continue;
            }
            match storage.delete(&key) {
                Ok(()) => gone.push(key),
                Err(e) if e.kind == upstage_storage::StorageErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(gone)
    })
    .await
    .map_err(|e| join_error(&e))?
}
