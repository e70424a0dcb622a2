use crate::db::{DbError, ImageRow};
use crate::state::AppState;

/// Every chain file of an image, as storage keys.
pub fn chain_keys(row: &ImageRow) -> Vec<String> {
    let derived = if row.kind == "video" {
        "jpeg"
    } else {
        row.extension.as_str()
    };
    let mut keys = vec![format!("{}{}.{}", row.folder, row.name, row.extension)];
    for (bit, infix, ext) in [(1, "th", derived), (2, "md", derived), (16, "fr", "jpeg")] {
        if row.chain & bit != 0 {
            keys.push(format!("{}{}.{infix}.{ext}", row.folder, row.name));
        }
    }
    keys
}

/// Remove all files of an image, then its rows. Missing files are not an error (a previous
/// attempt may have removed them).
pub async fn delete_image(state: &AppState, row: &ImageRow) -> Result<(), DbError> {
    let storage = state.storage.clone();
    let keys = chain_keys(row);
    let _ = tokio::task::spawn_blocking(move || {
        for k in keys {
            if let Err(e) = storage.delete(&k) {
                if e.kind != upstage_storage::StorageErrorKind::NotFound {
                    tracing::warn!(key = %k, "could not delete: {e}");
                }
            }
        }
    })
    .await;
    state.db.delete_image_row(row.id).await
}
