//! The storage side: the [`StorageBackend`] trait and the shims behind `UpStorageVTable`.

use std::ffi::c_void;
use std::io::{Read, Write};

use super::guard::{call, invalid};
use super::{PluginError, PluginErrorKind};
use crate::abi::{put_mode, status, UpByteSink, UpBytes, UpChunkSource, UpErrorSlot, UpStr};

/// How `put` treats an existing object under the same key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutMode {
    /// Fail with [`PluginErrorKind::AlreadyExists`]: the host claims names this way.
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
    /// Build an instance from its configuration: the `config` table of `[plugins.<name>]` as
    /// JSON text (`null` when there is none).
    fn new(config: &str) -> Result<Self, PluginError>;
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
    /// Remove the object; `NotFound` when absent.
    fn delete(&self, key: &str) -> Result<(), PluginError>;
    fn exists(&self, key: &str) -> Result<bool, PluginError>;
}

/// The body of a `put`: a [`Read`] over the host's chunks, without copying them up front.
pub struct Body<'a> {
    source: &'a UpChunkSource,
    chunk: &'a [u8],
    done: bool,
}

impl<'a> Body<'a> {
    /// Total length when the host knows it.
    pub fn len_hint(&self) -> Option<u64> {
        (self.source.total_len != u64::MAX).then_some(self.source.total_len)
    }

    /// The next chunk borrowed from the host, or `None` at the end.
    pub fn next_chunk(&mut self) -> std::io::Result<Option<&[u8]>> {
        let c = match std::mem::take(&mut self.chunk) {
            [] => self.pull()?,
            rest => rest,
        };
        Ok((!c.is_empty()).then_some(c))
    }

    /// Ask the host for the next chunk; empty at the end. The host keeps a chunk alive until the
    /// next call, and only this function makes that call.
    fn pull(&mut self) -> std::io::Result<&'a [u8]> {
        if self.done {
            return Ok(&[]);
        }
        let mut raw = UpBytes::EMPTY;
        // SAFETY: the source is valid for the whole `put` call.
        let code = unsafe { (self.source.next)(self.source.ctx, &mut raw) };
        if code != status::OK {
            self.done = true;
            return Err(std::io::Error::other(format!(
                "the host failed to supply the body (status {code})"
            )));
        }
        // SAFETY: valid until the next `next` call, i.e. the next `pull`.
        let chunk = unsafe { raw.as_slice() };
        self.done = chunk.is_empty();
        Ok(chunk)
    }
}

impl Read for Body<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.chunk.is_empty() {
            self.chunk = self.pull()?;
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        self.chunk = &self.chunk[n..];
        Ok(n)
    }
}

/// A host sink as a [`Write`].
struct SinkWriter<'a>(&'a UpByteSink);

impl Write for SinkWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // SAFETY: the host's sink is valid for the duration of the call.
        match unsafe { (self.0.write)(self.0.ctx, UpBytes::new(buf)) } {
            status::OK => Ok(buf.len()),
            code => Err(std::io::Error::other(format!(
                "the host refused the output (status {code})"
            ))),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn text<'a>(s: UpStr, what: &str) -> Result<&'a str, PluginError> {
    // SAFETY: borrowed for the call, per the ABI.
    unsafe { s.to_str() }.ok_or_else(|| invalid(&format!("{what} is not UTF-8")))
}

fn sink<'a>(p: *const UpByteSink) -> Result<SinkWriter<'a>, PluginError> {
    // SAFETY: null or valid for the call.
    unsafe { p.as_ref() }
        .map(SinkWriter)
        .ok_or_else(|| invalid("null output sink"))
}

fn write_all(w: &mut SinkWriter<'_>, s: &str) -> Result<(), PluginError> {
    w.write_all(s.as_bytes())
        .map_err(|e| PluginError::new(PluginErrorKind::Internal, e.to_string()))
}

#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn put<T: StorageBackend>(
    inst: *mut c_void,
    key: UpStr,
    content_type: UpStr,
    body: *const UpChunkSource,
    mode: u32,
    id_out: *const UpByteSink,
    url_out: *const UpByteSink,
    err: *const UpErrorSlot,
) -> i32 {
    call::<T>(inst, err, |b| {
        let key = text(key, "key")?;
        let content_type = text(content_type, "content type")?;
        let source = body.as_ref().ok_or_else(|| invalid("null body"))?;
        let mode = match mode {
            put_mode::CREATE_NEW => PutMode::CreateNew,
            put_mode::OVERWRITE => PutMode::Overwrite,
            other => return Err(invalid(&format!("unknown put mode {other}"))),
        };
        let mut body = Body {
            source,
            chunk: &[],
            done: false,
        };
        let r = b.put(key, content_type, &mut body, mode)?;
        write_all(&mut sink(id_out)?, &r.id)?;
        if let Some(url) = &r.public_url {
            write_all(&mut sink(url_out)?, url)?;
        }
        Ok(())
    })
}

unsafe extern "C" fn get<T: StorageBackend>(
    inst: *mut c_void,
    key: UpStr,
    out: *const UpByteSink,
    err: *const UpErrorSlot,
) -> i32 {
    call::<T>(inst, err, |b| b.get(text(key, "key")?, &mut sink(out)?))
}

unsafe extern "C" fn delete<T: StorageBackend>(
    inst: *mut c_void,
    key: UpStr,
    err: *const UpErrorSlot,
) -> i32 {
    call::<T>(inst, err, |b| b.delete(text(key, "key")?))
}

unsafe extern "C" fn exists<T: StorageBackend>(
    inst: *mut c_void,
    key: UpStr,
    out: *mut u8,
    err: *const UpErrorSlot,
) -> i32 {
    call::<T>(inst, err, |b| {
        if out.is_null() {
            return Err(invalid("null output pointer"));
        }
        let found = b.exists(text(key, "key")?)?;
        *out = u8::from(found);
        Ok(())
    })
}

/// The function table of a storage plugin of type `T` (used by `export_storage_plugin!`).
pub const fn storage_vtable<T: StorageBackend>() -> crate::abi::UpStorageVTable {
    crate::abi::UpStorageVTable {
        struct_size: std::mem::size_of::<crate::abi::UpStorageVTable>() as u32,
        put: Some(put::<T>),
        get: Some(get::<T>),
        delete: Some(delete::<T>),
        exists: Some(exists::<T>),
    }
}
