//! Walking the storage tree for [`crate::LocalStorage::list_objects`] and the temp-file sweep.

use std::fs;
use std::io;
use std::path::Path;
use std::time::SystemTime;

use upstage_storage::{StorageError, StorageErrorKind};

use crate::TEMP_PREFIX;

/// What `visit` gets per regular file: its key, its mtime, and whether it is one of our temp
/// files.
type Visit<'a> = dyn FnMut(&str, Option<SystemTime>, bool) -> Result<(), StorageError> + 'a;

/// Every regular file under `root/prefix` (symlinks are not followed). A folder that vanishes
/// while walked (removed by a concurrent delete) is skipped, not an error.
pub(crate) fn files(root: &Path, prefix: &str, visit: &mut Visit<'_>) -> Result<(), StorageError> {
    let prefix = prefix.trim_end_matches('/');
    let start = if prefix.is_empty() {
        root.to_path_buf()
    } else {
        root.join(prefix)
    };
    let mut stack = vec![(start, prefix.to_owned())];
    while let Some((dir, key_dir)) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(walk_error(&dir, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| walk_error(&dir, e))?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                // Not UTF-8: no key can name it, so it is not ours to judge.
                continue;
            };
            let key = if key_dir.is_empty() {
                name.clone()
            } else {
                format!("{key_dir}/{name}")
            };
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push((entry.path(), key));
            } else if kind.is_file() {
                let modified = entry.metadata().ok().and_then(|m| m.modified().ok());
                visit(&key, modified, name.starts_with(TEMP_PREFIX))?;
            }
        }
    }
    Ok(())
}

fn walk_error(dir: &Path, e: io::Error) -> StorageError {
    StorageError::new(
        StorageErrorKind::Io,
        format!("listing {}: {e}", dir.display()),
    )
}
