//! The storage side: the [`StorageBackend`] trait a storage plugin implements.

use std::io::Write;

use serde::de::DeserializeOwned;

use super::io::{Counter, Window};
use super::{Body, Logger, PluginError};

/// How `put` treats an existing object under the same key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutMode {
    /// Fail with [`PluginErrorKind::AlreadyExists`](super::PluginErrorKind::AlreadyExists): the
    /// host claims names this way (see `docs/plugins.md`).
    CreateNew,
    Overwrite,
}

/// Where an object went: the backend's own id (e.g. a content hash) and, when the backend serves
/// objects itself, the URL they are public at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutResult {
    pub id: String,
    pub public_url: Option<String>,
}

/// A storage backend. One instance serves every thread: methods take `&self`.
pub trait StorageBackend: Send + Sync + Sized + 'static {
    /// The configuration: your own `#[derive(Deserialize)]` struct, read from
    /// `[plugins.<name>.config]`.
    type Config: DeserializeOwned;
    /// Build an instance. `log` writes to the host's log under the plugin's name.
    fn new(config: Self::Config, log: Logger) -> Result<Self, PluginError>;
    /// Store `body` under `key`. The body is streamed in chunks; read it to the end.
    fn put(
        &self,
        key: &str,
        content_type: &str,
        body: &mut Body<'_>,
        mode: PutMode,
    ) -> Result<PutResult, PluginError>;
    /// Write the object's bytes to `out`; `NotFound` when absent.
    fn get(&self, key: &str, out: &mut dyn Write) -> Result<(), PluginError>;
    /// Write at most `len` bytes of the object from byte `offset` (fewer at its end, none past
    /// it); `NotFound` when absent. The server answers every file download with one call,
    /// streaming what you write to the client: a write may block while the client is slow,
    /// and fails once it has gone (return then; the host expects that error).
    ///
    /// The default reads the object through [`get`](Self::get) and keeps the window: override
    /// it when the backend can seek.
    fn get_range(
        &self,
        key: &str,
        offset: u64,
        len: u64,
        out: &mut dyn Write,
    ) -> Result<(), PluginError> {
        let mut w = Window::new(out, offset, len);
        match self.get(key, &mut w) {
            // The window refuses bytes once full, which `get` may report as an error.
            Err(_) if w.is_full() => Ok(()),
            r => r,
        }
    }
    /// The object's size in bytes; `NotFound` when absent. The default counts the bytes of
    /// [`get`](Self::get): override it when the backend knows sizes.
    fn size(&self, key: &str) -> Result<u64, PluginError> {
        let mut c = Counter::default();
        self.get(key, &mut c)?;
        Ok(c.0)
    }
    /// Remove the object; `NotFound` when absent.
    fn delete(&self, key: &str) -> Result<(), PluginError>;
    fn exists(&self, key: &str) -> Result<bool, PluginError>;
}
