//! Expired images are deleted in the background (never at request time), in batches, every
//! `sweep_seconds`: files first, then rows, so a crash between the two leaves a row whose files
//! are gone (404) rather than files nobody can delete.
//!
//! Every instance runs the sweeper. On PostgreSQL a batch is claimed with `FOR UPDATE SKIP
//! LOCKED` in a transaction held while its files are deleted, so each expired image is handled
//! by exactly one instance and the others take the next rows instead of waiting. SQLite is a
//! single-machine database; there one instance sweeps at a time anyway (one writer).

use std::time::Duration;

use std::sync::Arc;

use crate::db::DbKind;
use crate::delete::{delete_files, delete_image, DeleteError};
use crate::Library;

pub fn spawn(state: Arc<Library>) {
    tokio::spawn(async move {
        let mut tick =
            tokio::time::interval(Duration::from_secs(state.settings.sweep_seconds.max(1)));
        loop {
            tick.tick().await;
            match sweep_once(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "expired images removed"),
                Err(e) => tracing::warn!("expiration sweep failed: {e}"),
            }
        }
    });
}

/// Delete up to one batch of expired images; returns how many were removed. An image whose
/// files cannot be deleted (storage down) keeps its row and is retried on the next sweep.
pub async fn sweep_once(state: &Library) -> Result<usize, DeleteError> {
    let now = crate::db::now_gmt();
    if state.db.kind == DbKind::Postgres {
        return sweep_claimed(state, &now).await;
    }
    let expired = state.db.expired(&now, state.settings.sweep_batch).await?;
    let mut removed = 0;
    for row in &expired {
        match delete_image(state, row).await {
            Ok(()) => removed += 1,
            Err(DeleteError::Storage(e)) => tracing::warn!(id = row.id, "kept for retry: {e}"),
            Err(e) => return Err(e),
        }
    }
    Ok(removed)
}

async fn sweep_claimed(state: &Library, now: &str) -> Result<usize, DeleteError> {
    let mut w = state.db.writer().await?;
    let r: Result<usize, crate::db::DbError> = async {
        let mut tx = w.begin().await?;
        let claimed = crate::db::claim_expired(&mut tx, now, state.settings.sweep_batch).await?;
        let mut removed = 0;
        for row in &claimed {
            match delete_files(state, row).await {
                Ok(()) => {
                    crate::db::delete_image_row_in(&mut tx, row.id).await?;
                    removed += 1;
                }
                Err(e) => tracing::warn!(id = row.id, "kept for retry: {e}"),
            }
        }
        tx.commit().await?;
        Ok(removed)
    }
    .await;
    Ok(w.finish(r)?)
}
