//! The orphan walk: every object under `images/` is listed (off the async workers, streamed
//! through a bounded channel so a large bucket is never held in memory) and checked against the
//! rows and claims. A file written less than the grace period ago is left alone: a writer that
//! does not claim (an older version in a rolling upgrade) may be about to record it.

use std::time::SystemTime;

use upstage_storage::{ListedObject, StorageError, StorageErrorKind};

use super::{delete_keys, join_error, ReconcileError};
use crate::Library;

/// The removed orphans, or `None` when the backend cannot list its objects.
pub(super) async fn remove(
    state: &Library,
    cutoff: SystemTime,
) -> Result<Option<Vec<String>>, ReconcileError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<ListedObject>(512);
    let storage = state.storage.clone();
    let lister = tokio::task::spawn_blocking(move || {
        storage.list_objects("images/", &mut |o| {
            tx.blocking_send(o).map_err(|_| {
                StorageError::new(StorageErrorKind::Io, "the orphan walk stopped listening")
            })
        })
    });
    let mut candidates = Vec::new();
    while let Some(o) = rx.recv().await {
        let old = o.modified.is_some_and(|m| m < cutoff);
        if old && !state.db.key_owned(&o.key).await? {
            candidates.push(o.key);
        }
    }
    match lister.await.map_err(|e| join_error(&e))? {
        Ok(()) => {}
        Err(e) if e.kind == StorageErrorKind::Unsupported => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    // Asked again right before each delete: an upload may have claimed the name since it was
    // listed (after a reconciler removed the old file), and its file must stay.
    let mut removed = Vec::new();
    for key in candidates {
        if !state.db.key_owned(&key).await? {
            removed.extend(delete_keys(state, vec![key]).await?);
        }
    }
    Ok(Some(removed))
}
