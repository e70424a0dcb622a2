/// How `put` treats an existing object under the same key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutMode {
    /// Fail with [`StorageErrorKind::AlreadyExists`]: how names are claimed without races.
    CreateNew,
    Overwrite,
}

/// Stable error kinds, so callers can react (retry another name, report 404) without parsing text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageErrorKind {
    AlreadyExists,
    NotFound,
    InvalidKey,
    Io,
    Backend,
    /// The backend cannot do this (e.g. a plugin backend asked to list its objects).
    Unsupported,
    /// The caller's [`crate::KeyJournal`] could not record a claim: nothing was written.
    Journal,
}

impl StorageErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StorageErrorKind::AlreadyExists => "already_exists",
            StorageErrorKind::NotFound => "not_found",
            StorageErrorKind::InvalidKey => "invalid_key",
            StorageErrorKind::Io => "io",
            StorageErrorKind::Backend => "backend",
            StorageErrorKind::Unsupported => "unsupported",
            StorageErrorKind::Journal => "journal",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("storage {}: {message}", kind.as_str())]
pub struct StorageError {
    pub kind: StorageErrorKind,
    pub message: String,
}

impl StorageError {
    pub fn new(kind: StorageErrorKind, message: impl Into<String>) -> Self {
        StorageError {
            kind,
            message: message.into(),
        }
    }
}

/// Where an object went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub key: String,
    /// A URL the backend serves the object at itself (object storage); `None` when the server
    /// must serve it (local disk).
    pub public_url: Option<String>,
}

/// What a HEAD tells about an object, without reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMeta {
    pub size: u64,
    /// Last write, when the backend knows it (a server's `Last-Modified`).
    pub modified: Option<std::time::SystemTime>,
}

/// One object found by [`Storage::list_objects`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedObject {
    pub key: String,
    /// Last write, when the backend knows it.
    pub modified: Option<std::time::SystemTime>,
}

/// A place objects live, addressed by `/`-separated keys such as `images/2026/11/26/cat.th.jpeg`.
/// Writes are all-or-nothing: a reader never sees a partial object under its final key.
pub trait Storage: Send + Sync {
    fn name(&self) -> &str;
    fn put(
        &self,
        key: &str,
        content_type: &str,
        bytes: &[u8],
        mode: PutMode,
    ) -> Result<Stored, StorageError>;
    fn get(&self, key: &str) -> Result<Vec<u8>, StorageError>;
    /// At most `len` bytes of the object from byte `offset` (fewer at its end, none past it), so
    /// a server can answer range requests and stream large objects piece by piece. The default
    /// reads the whole object: backends that can seek override it.
    fn get_range(&self, key: &str, offset: u64, len: u64) -> Result<Vec<u8>, StorageError> {
        Ok(byte_window(self.get(key)?, offset, len))
    }
    /// The object's size in bytes (`NotFound` when absent). The default reads the object:
    /// backends that know sizes override it.
    fn size(&self, key: &str) -> Result<u64, StorageError> {
        self.get(key).map(|b| b.len() as u64)
    }
    /// Size and last write of the object (`NotFound` when absent), asked the way a HEAD asks:
    /// never by reading the object. The default knows only the size.
    fn stat(&self, key: &str) -> Result<ObjectMeta, StorageError> {
        Ok(ObjectMeta {
            size: self.size(key)?,
            modified: None,
        })
    }
    /// Bytes `[offset, offset + len)` of the object as a reader that fetches them as it is read
    /// (one streamed request, a seek), so a caller can send an object of any size in bounded
    /// memory. Backends that cannot stream keep the default, which answers
    /// [`StorageErrorKind::Unsupported`]: [`crate::range_reader`] then reads `get_range` pieces.
    fn open_range(
        &self,
        key: &str,
        _offset: u64,
        _len: u64,
    ) -> Result<Box<dyn std::io::Read + Send>, StorageError> {
        Err(StorageError::new(
            StorageErrorKind::Unsupported,
            format!("storage {} cannot stream {key}", self.name()),
        ))
    }
    fn delete(&self, key: &str) -> Result<(), StorageError>;
    fn exists(&self, key: &str) -> Result<bool, StorageError>;
    /// The file behind a key when the backend is a local filesystem, so a server can hand it to
    /// the kernel (range requests, sendfile) instead of reading it into memory.
    fn local_path(&self, _key: &str) -> Option<std::path::PathBuf> {
        None
    }
    /// The URL clients fetch a key from when the backend is served by something else (a bucket
    /// behind a CDN); `None` when the server serves it through its own file route.
    fn public_url(&self, _key: &str) -> Option<String> {
        None
    }
    /// Call `visit` with every object under `prefix` (`""` = all), in no particular order, so a
    /// reconciler can find objects no record claims. Backends that cannot enumerate their
    /// objects keep the default, which answers [`StorageErrorKind::Unsupported`].
    fn list_objects(
        &self,
        _prefix: &str,
        _visit: &mut dyn FnMut(ListedObject) -> Result<(), StorageError>,
    ) -> Result<(), StorageError> {
        Err(StorageError::new(
            StorageErrorKind::Unsupported,
            format!("storage {} cannot list its objects", self.name()),
        ))
    }
    /// Whether [`Storage::stage`] can work here: callers copy the bytes to stage them, and ask
    /// first so that a backend that cannot costs nothing.
    fn can_stage(&self) -> bool {
        false
    }
    /// Write `bytes` and sync them under a temporary name, to be given a stored name later (see
    /// [`crate::Ahead`]). `folder` (`images/2026/11/30/`) is where that name will most likely
    /// be: a backend may write the file there, so that naming it is cheap. Backends that cannot
    /// keep the default, which answers [`StorageErrorKind::Unsupported`]: the bytes are then
    /// written by `put` when stored.
    fn stage(
        &self,
        _bytes: &[u8],
        _folder: &str,
    ) -> Result<Box<dyn crate::StagedFile>, StorageError> {
        Err(StorageError::new(
            StorageErrorKind::Unsupported,
            format!("storage {} cannot write ahead of a name", self.name()),
        ))
    }
    /// Remove the backend's own in-flight leftovers (temp files of writes a crash interrupted)
    /// last touched before `older_than`; returns what was removed. Backends without any keep
    /// the default.
    fn remove_stale_temp(
        &self,
        _older_than: std::time::SystemTime,
    ) -> Result<Vec<String>, StorageError> {
        Ok(Vec::new())
    }
}

/// Bytes `[offset, offset + len)` of a whole object, clamped to its end: how a backend that
/// cannot seek answers `get_range`.
pub fn byte_window(mut bytes: Vec<u8>, offset: u64, len: u64) -> Vec<u8> {
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    let end = start.saturating_add(usize::try_from(len).unwrap_or(usize::MAX));
    bytes.truncate(end.min(bytes.len()));
    bytes.drain(..start);
    bytes
}

/// Keys are relative, `/`-separated, with no empty, `.` or `..` segment and no backslash or NUL,
/// so no backend can be tricked into writing outside its root.
pub fn validate_key(key: &str) -> Result<(), StorageError> {
    let bad = key.is_empty()
        || key.len() > 1024
        || key.contains(['\\', '\0'])
        || key
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..");
    if bad {
        return Err(StorageError::new(
            StorageErrorKind::InvalidKey,
            format!("invalid object key {key:?}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_clamp_to_the_object() {
        let b: Vec<u8> = (0..10).collect();
        for (offset, len, want) in [
            (0, 3, 0..3),
            (8, 5, 8..10),
            (10, 1, 10..10),
            (99, 1, 10..10),
            (2, u64::MAX, 2..10),
        ] {
            assert_eq!(
                byte_window(b.clone(), offset, len),
                b[want],
                "{offset}+{len}"
            );
        }
    }

    #[test]
    fn keys_cannot_escape() {
        for k in ["", "/etc/passwd", "a/../b", "a//b", "a\\b", "./a", "a/"] {
            assert!(validate_key(k).is_err(), "{k:?}");
        }
        assert!(validate_key("images/2026/01/02/cat.th.jpeg").is_ok());
    }
}
