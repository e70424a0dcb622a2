//! A storage plugin as an `upstage_storage::Storage`.

use std::io::{Read, Write};

use std::sync::Arc;
use upstage_sdk::abi::{put_mode, UpChunkSource, UpStorageVTable, UpStr};
use upstage_sdk::plugin::PluginErrorKind;

use upstage_storage::{validate_key, PutMode, Storage, StorageError, StorageErrorKind, Stored};

use crate::call::{checked, vec_sink, ReaderChunks, SliceChunks};
use crate::live::{Failure, Live};
use crate::storage_read::{read_window, ReadFailure};
use crate::{CallError, LoadError, PluginKind, PluginLibrary};

/// Bodies are lent to the plugin in pieces of this size, so a backend can stream them on.
const CHUNK: usize = 256 * 1024;

/// What a plugin `put` returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutOutcome {
    /// The backend's own id of the object (e.g. `sha256:…`).
    pub id: String,
    pub public_url: Option<String>,
}

/// One configured storage plugin: the instance calls go to, replaced after a panic like a
/// stage's (see `live`).
pub struct PluginStorage {
    live: Arc<Live>,
    vt: &'static UpStorageVTable,
    label: String,
}

impl PluginStorage {
    /// Create an instance with its configuration (JSON text).
    pub fn new(lib: &PluginLibrary, config_json: &str) -> Result<PluginStorage, LoadError> {
        let vt = match (lib.info.kind, unsafe { lib.desc.storage.as_ref() }) {
            (PluginKind::Storage, Some(vt)) => vt,
            _ => {
                return Err(LoadError::WrongKind {
                    name: lib.info.name.clone(),
                    found: lib.info.kind.as_str(),
                    expected: "storage",
                })
            }
        };
        Ok(PluginStorage {
            label: format!("plugin:{}", lib.info.name),
            live: Arc::new(Live::create(lib, config_json)?),
            vt,
        })
    }

    /// Panics this backend has had.
    pub fn panics(&self) -> u32 {
        self.live.panics()
    }

    fn error(&self, f: Failure<CallError>) -> StorageError {
        plugin_error(&self.live, f)
    }

    /// A windowed read whose bytes go to `out` (see `storage_read`).
    fn read_into(
        &self,
        key: &str,
        offset: u64,
        len: u64,
        out: &mut dyn Write,
    ) -> Result<u64, StorageError> {
        validate_key(key)?;
        read_window(&self.live, self.vt, key, offset, len, out).map_err(|f| match f {
            ReadFailure::Plugin(f) => self.error(f),
            ReadFailure::Refused => StorageError::new(
                StorageErrorKind::Io,
                format!("reading {key}: the destination refused the bytes"),
            ),
        })
    }

    fn put_source(
        &self,
        key: &str,
        content_type: &str,
        source: &UpChunkSource,
        mode: PutMode,
    ) -> Result<PutOutcome, StorageError> {
        validate_key(key)?;
        let put = self.vt.put.ok_or_else(|| missing("put"))?;
        let mode = match mode {
            PutMode::CreateNew => put_mode::CREATE_NEW,
            PutMode::Overwrite => put_mode::OVERWRITE,
        };
        let (mut id, mut url) = (Vec::new(), Vec::new());
        self.live
            .run(|inst| {
                id.clear();
                url.clear();
                let (id_sink, url_sink) = (vec_sink(&mut id), vec_sink(&mut url));
                checked(|err| unsafe {
                    put(
                        inst.raw(),
                        UpStr::new(key),
                        UpStr::new(content_type),
                        source,
                        mode,
                        &id_sink,
                        &url_sink,
                        err,
                    )
                })
            })
            .map_err(|f| self.error(f))?;
        let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
        Ok(PutOutcome {
            id: text(id),
            public_url: (!url.is_empty()).then(|| text(url)),
        })
    }

    /// Store bytes (lent in chunks, never copied).
    pub fn put_bytes(
        &self,
        key: &str,
        content_type: &str,
        bytes: &[u8],
        mode: PutMode,
    ) -> Result<PutOutcome, StorageError> {
        let mut chunks = SliceChunks::new(bytes, CHUNK);
        let source = chunks.source();
        self.put_source(key, content_type, &source, mode)
    }

    /// Store everything `reader` yields, streamed to the plugin in chunks.
    pub fn put_stream(
        &self,
        key: &str,
        content_type: &str,
        reader: &mut dyn Read,
        mode: PutMode,
    ) -> Result<PutOutcome, StorageError> {
        let mut chunks = ReaderChunks::new(reader, CHUNK);
        let source = chunks.source();
        let r = self.put_source(key, content_type, &source, mode);
        match chunks.error.take() {
            Some(e) => Err(StorageError::new(
                StorageErrorKind::Io,
                format!("reading the body for {key}: {e}"),
            )),
            None => r,
        }
    }
}

fn plugin_error(live: &Live, f: Failure<CallError>) -> StorageError {
    let name = live.name();
    let (e, note) = match f {
        Failure::Disabled(why) => {
            return StorageError::new(
                StorageErrorKind::Backend,
                format!("plugin '{name}' is {why}"),
            )
        }
        Failure::Call { error, note, .. } => (error, note),
    };
    let kind = match e.kind {
        PluginErrorKind::NotFound => StorageErrorKind::NotFound,
        PluginErrorKind::AlreadyExists => StorageErrorKind::AlreadyExists,
        PluginErrorKind::InvalidArgument => StorageErrorKind::InvalidKey,
        PluginErrorKind::Io => StorageErrorKind::Io,
        _ => StorageErrorKind::Backend,
    };
    StorageError::new(
        kind,
        format!("plugin '{name}': {} [{}]{note}", e.message, e.kind.as_str()),
    )
}

fn missing(what: &str) -> StorageError {
    StorageError::new(StorageErrorKind::Backend, format!("plugin has no {what}"))
}

impl Storage for PluginStorage {
    fn name(&self) -> &str {
        &self.label
    }

    fn put(
        &self,
        key: &str,
        content_type: &str,
        bytes: &[u8],
        mode: PutMode,
    ) -> Result<Stored, StorageError> {
        let out = self.put_bytes(key, content_type, bytes, mode)?;
        Ok(Stored {
            key: key.to_owned(),
            public_url: out.public_url,
        })
    }

    fn get(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        validate_key(key)?;
        let get = self.vt.get.ok_or_else(|| missing("get"))?;
        let mut out = Vec::new();
        self.live
            .run(|inst| {
                out.clear();
                let sink = vec_sink(&mut out);
                checked(|err| unsafe { get(inst.raw(), UpStr::new(key), &sink, err) })
            })
            .map_err(|f| self.error(f))?;
        Ok(out)
    }

    /// Through the plugin's `get_range`; a plugin built before it existed streams its `get`
    /// past a window, so only `len` bytes are ever held.
    fn get_range(&self, key: &str, offset: u64, len: u64) -> Result<Vec<u8>, StorageError> {
        let mut out = Vec::new();
        self.read_into(key, offset, len, &mut out)?;
        Ok(out)
    }

    /// Through the plugin's `stat`; a plugin built before it existed has its `get` counted.
    fn size(&self, key: &str) -> Result<u64, StorageError> {
        validate_key(key)?;
        let Some(stat) = self.vt.stat else {
            return self.read_into(key, 0, u64::MAX, &mut std::io::sink());
        };
        let mut size = 0u64;
        self.live
            .run(|inst| checked(|err| unsafe { stat(inst.raw(), UpStr::new(key), &mut size, err) }))
            .map_err(|f| self.error(f))?;
        Ok(size)
    }

    /// One plugin call for the whole range, its bytes handed over as the reader takes them.
    fn open_range(
        &self,
        key: &str,
        offset: u64,
        len: u64,
    ) -> Result<Box<dyn Read + Send>, StorageError> {
        validate_key(key)?;
        crate::storage_read::open(self.live.clone(), self.vt, key, offset, len, plugin_error)
    }

    fn delete(&self, key: &str) -> Result<(), StorageError> {
        validate_key(key)?;
        let delete = self.vt.delete.ok_or_else(|| missing("delete"))?;
        self.live
            .run(|inst| checked(|err| unsafe { delete(inst.raw(), UpStr::new(key), err) }))
            .map_err(|f| self.error(f))
    }

    fn exists(&self, key: &str) -> Result<bool, StorageError> {
        validate_key(key)?;
        let exists = self.vt.exists.ok_or_else(|| missing("exists"))?;
        let mut found = 0u8;
        self.live
            .run(|inst| {
                checked(|err| unsafe { exists(inst.raw(), UpStr::new(key), &mut found, err) })
            })
            .map_err(|f| self.error(f))?;
        Ok(found != 0)
    }
}
