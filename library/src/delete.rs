//! Deleting an image: every file of its chain, then its row.

use upstage_storage::{StorageError, StorageErrorKind};

use crate::db::{DbError, ImageRow};
use crate::Library;

#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    #[error(transparent)]
    Db(#[from] DbError),
    /// A file could not be removed (storage unreachable): the row stays, so the deletion can be
    /// retried and no object is left behind without a row pointing at it.
    #[error("deleting files: {0}")]
    Storage(#[from] StorageError),
}

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

/// Remove all files of an image. Missing files are not an error (a previous attempt, or another
/// instance, may have removed them); any other failure is, after trying every file.
pub async fn delete_files(state: &Library, row: &ImageRow) -> Result<(), StorageError> {
    let storage = state.storage.clone();
    let keys = chain_keys(row);
    tokio::task::spawn_blocking(move || {
        let mut first = None;
        for k in keys {
            match storage.delete(&k) {
                Err(e) if e.kind != StorageErrorKind::NotFound => {
                    tracing::warn!(key = %k, "could not delete: {e}");
                    first.get_or_insert(e);
                }
                _ => {}
            }
        }
        first.map_or(Ok(()), Err)
    })
    .await
    .map_err(|e| StorageError::new(StorageErrorKind::Io, format!("delete task: {e}")))?
}

/// Remove all files of an image, then its rows: a crash between the two leaves a row whose
/// files are gone (404) rather than files nobody can delete.
pub async fn delete_image(state: &Library, row: &ImageRow) -> Result<(), DeleteError> {
    delete_files(state, row).await?;
    state.db.delete_image_row(row.id).await?;
    Ok(())
}
