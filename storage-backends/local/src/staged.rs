//! A file written ahead of its name ([`upstage_storage::Ahead`]): a synced temp file in the
//! folder it will most likely be stored in, hard-linked under its key once the key is claimed
//! (a key in another folder of the same filesystem works as well; on another filesystem the link
//! fails and the bytes are written the ordinary way). The link is create-only, as `put`
//! with `PutMode::CreateNew` is, and the folder is synced after it; the temp name goes when the
//! staged file is dropped, or, after a crash, with the stale temp files.

use std::fs;

use tempfile::TempPath;
use upstage_storage::{StagedFile, StorageError, StorageErrorKind, Stored};

use crate::{io_error, sync_dir, write_synced, LocalStorage, TEMP_PREFIX};

pub(crate) struct LocalStaged {
    storage: LocalStorage,
    tmp: TempPath,
}

pub(crate) fn write(
    storage: LocalStorage,
    bytes: &[u8],
    folder: &str,
) -> Result<LocalStaged, StorageError> {
    let folder = folder.trim_end_matches('/');
    let dir = match folder {
        "" => storage.root().to_path_buf(),
        _ => storage.path_of(folder)?,
    };
    fs::create_dir_all(&dir).map_err(|e| io_error("create folder", folder, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(&dir)
        .map_err(|e| io_error("create temp file in", folder, e))?;
    write_synced(&mut tmp, bytes).map_err(|e| io_error("write", "a staged file", e))?;
    Ok(LocalStaged {
        storage,
        tmp: tmp.into_temp_path(),
    })
}

impl StagedFile for LocalStaged {
    fn link(&self, key: &str) -> Result<Stored, StorageError> {
        let path = self.storage.path_of(key)?;
        let dir = path
            .parent()
            .ok_or_else(|| StorageError::new(StorageErrorKind::InvalidKey, key))?;
        fs::create_dir_all(dir).map_err(|e| io_error("create folder for", key, e))?;
        fs::hard_link(&self.tmp, &path).map_err(|e| io_error("store", key, e))?;
        sync_dir(dir).map_err(|e| io_error("sync folder of", key, e))?;
        Ok(Stored {
            key: key.to_owned(),
            public_url: None,
        })
    }
}
