//! Expired images are deleted in the background (never at request time), in batches, every
//! `sweep_seconds`: files first, then rows, so a crash between the two leaves a row whose files
//! are gone (404) rather than files nobody can delete.

use std::time::Duration;

use crate::state::Shared;

pub fn spawn(state: Shared) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(state.cfg.sweep_seconds.max(1)));
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

/// Delete up to one batch of expired images; returns how many were removed.
pub async fn sweep_once(state: &Shared) -> Result<usize, crate::db::DbError> {
    let now = crate::db::now_gmt();
    let expired = state.db.expired(&now, state.cfg.sweep_batch).await?;
    for row in &expired {
        crate::web::delete_image(state, row).await?;
    }
    Ok(expired.len())
}
