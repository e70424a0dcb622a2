//! Local-disk storage. Every write goes to a hidden temp file in the destination folder, is
//! fsynced, then renamed (or hard-linked, for create-only writes) into place and the folder is
//! fsynced: a crash leaves either the whole file or no file under its final name.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;
use upstage_storage::{
    validate_key, ListedObject, ObjectMeta, PutMode, StagedFile, Storage, StorageError,
    StorageErrorKind, Stored,
};

mod staged;
mod walk;

/// Prefix of in-flight temp files; never a valid stored name (names never start with a dot).
pub const TEMP_PREFIX: &str = ".upstage-tmp-";

#[derive(Debug, Clone)]
pub struct LocalStorage {
    root: PathBuf,
}

pub(crate) fn io_error(what: &str, key: &str, e: io::Error) -> StorageError {
    let kind = match e.kind() {
        // `a.jpg/x.jpg` where `a.jpg` is a file names nothing stored, like a missing file.
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => StorageErrorKind::NotFound,
        io::ErrorKind::AlreadyExists => StorageErrorKind::AlreadyExists,
        _ => StorageErrorKind::Io,
    };
    StorageError::new(kind, format!("{what} {key}: {e}"))
}

impl LocalStorage {
    /// Use `root` (created if missing) as the storage root.
    pub fn new(root: impl Into<PathBuf>) -> Result<Self, StorageError> {
        let root = root.into();
        fs::create_dir_all(&root)
            .map_err(|e| io_error("create root", &root.display().to_string(), e))?;
        Ok(LocalStorage { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file a key maps to (the key is validated first).
    pub fn path_of(&self, key: &str) -> Result<PathBuf, StorageError> {
        validate_key(key)?;
        Ok(self.root.join(key))
    }
}

pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    // Directory fsync makes the rename itself durable; not supported on every platform.
    match File::open(dir).and_then(|d| d.sync_all()) {
        Err(e) if e.kind() != io::ErrorKind::PermissionDenied && cfg!(unix) => Err(e),
        _ => Ok(()),
    }
}

impl Storage for LocalStorage {
    fn name(&self) -> &str {
        "local"
    }

    fn local_path(&self, key: &str) -> Option<PathBuf> {
        self.path_of(key).ok()
    }

    fn put(
        &self,
        key: &str,
        _content_type: &str,
        bytes: &[u8],
        mode: PutMode,
    ) -> Result<Stored, StorageError> {
        let path = self.path_of(key)?;
        let dir = path
            .parent()
            .ok_or_else(|| StorageError::new(StorageErrorKind::InvalidKey, key))?;
        fs::create_dir_all(dir).map_err(|e| io_error("create folder for", key, e))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)
            .map_err(|e| io_error("create temp file for", key, e))?;
        write_synced(&mut tmp, bytes).map_err(|e| io_error("write", key, e))?;
        // On any error below the temp file is removed when `tmp` (or the persist error) drops.
        match mode {
            PutMode::CreateNew => tmp
                .persist_noclobber(&path)
                .map_err(|e| io_error("store", key, e.error))?,
            PutMode::Overwrite => tmp
                .persist(&path)
                .map_err(|e| io_error("store", key, e.error))?,
        };
        sync_dir(dir).map_err(|e| io_error("sync folder of", key, e))?;
        Ok(Stored {
            key: key.to_owned(),
            public_url: None,
        })
    }

    fn can_stage(&self) -> bool {
        true
    }

    /// The temp file sits in `folder`: a hard link gives it its key later, which needs the same
    /// filesystem, and an operator may mount `images/` (or one of its folders) on its own disk.
    fn stage(&self, bytes: &[u8], folder: &str) -> Result<Box<dyn StagedFile>, StorageError> {
        staged::write(self.clone(), bytes, folder).map(|f| Box::new(f) as Box<dyn StagedFile>)
    }

    fn get(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        fs::read(self.path_of(key)?).map_err(|e| io_error("read", key, e))
    }

    fn get_range(&self, key: &str, offset: u64, len: u64) -> Result<Vec<u8>, StorageError> {
        let mut out = Vec::new();
        self.open_range(key, offset, len)?
            .read_to_end(&mut out)
            .map_err(|e| io_error("read", key, e))?;
        Ok(out)
    }

    fn size(&self, key: &str) -> Result<u64, StorageError> {
        self.stat(key).map(|m| m.size)
    }

    fn stat(&self, key: &str) -> Result<ObjectMeta, StorageError> {
        let meta = fs::metadata(self.path_of(key)?).map_err(|e| io_error("stat", key, e))?;
        // A folder is no object: `images/2026` answers like a missing file.
        if !meta.is_file() {
            return Err(StorageError::new(
                StorageErrorKind::NotFound,
                format!("stat {key}: not a file"),
            ));
        }
        Ok(ObjectMeta {
            size: meta.len(),
            modified: meta.modified().ok(),
        })
    }

    /// A seek and a bounded read of the file itself: nothing is read ahead.
    fn open_range(
        &self,
        key: &str,
        offset: u64,
        len: u64,
    ) -> Result<Box<dyn Read + Send>, StorageError> {
        let mut f = File::open(self.path_of(key)?).map_err(|e| io_error("open", key, e))?;
        if !f.metadata().is_ok_and(|m| m.is_file()) {
            return Err(StorageError::new(
                StorageErrorKind::NotFound,
                format!("open {key}: not a file"),
            ));
        }
        f.seek(SeekFrom::Start(offset))
            .map_err(|e| io_error("seek", key, e))?;
        Ok(Box::new(f.take(len)))
    }

    fn delete(&self, key: &str) -> Result<(), StorageError> {
        fs::remove_file(self.path_of(key)?).map_err(|e| io_error("delete", key, e))
    }

    fn exists(&self, key: &str) -> Result<bool, StorageError> {
        let path = self.path_of(key)?;
        path.try_exists().map_err(|e| io_error("check", key, e))
    }

    fn list_objects(
        &self,
        prefix: &str,
        visit: &mut dyn FnMut(ListedObject) -> Result<(), StorageError>,
    ) -> Result<(), StorageError> {
        walk::files(&self.root, prefix, &mut |key, modified, temp| {
            if temp {
                return Ok(());
            }
            visit(ListedObject {
                key: key.to_owned(),
                modified,
            })
        })
    }

    fn remove_stale_temp(
        &self,
        older_than: std::time::SystemTime,
    ) -> Result<Vec<String>, StorageError> {
        let mut removed = Vec::new();
        walk::files(&self.root, "", &mut |key, modified, temp| {
            // Unknown age counts as fresh: a write in flight must never lose its temp file.
            if temp && modified.is_some_and(|m| m < older_than) {
                match fs::remove_file(self.root.join(key)) {
                    Ok(()) => removed.push(key.to_owned()),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io_error("remove temp file", key, e)),
                }
            }
            Ok(())
        })?;
        Ok(removed)
    }
}

pub(crate) fn write_synced(tmp: &mut NamedTempFile, bytes: &[u8]) -> io::Result<()> {
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()
}
