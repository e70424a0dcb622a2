//! The shims behind `UpStorageVTable`: from C calls to [`StorageBackend`] methods.

use std::ffi::c_void;
use std::io::Write;

use super::guard::{call, invalid};
use super::io::SinkWriter;
use super::{Body, PluginError, PluginErrorKind, PutMode, StorageBackend};
use crate::abi::{put_mode, UpByteSink, UpChunkSource, UpErrorSlot, UpStorageVTable, UpStr};

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
        let r = b.put(key, content_type, &mut Body::new(source), mode)?;
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

unsafe extern "C" fn get_range<T: StorageBackend>(
    inst: *mut c_void,
    key: UpStr,
    offset: u64,
    len: u64,
    out: *const UpByteSink,
    err: *const UpErrorSlot,
) -> i32 {
    call::<T>(inst, err, |b| {
        b.get_range(text(key, "key")?, offset, len, &mut sink(out)?)
    })
}

unsafe extern "C" fn stat<T: StorageBackend>(
    inst: *mut c_void,
    key: UpStr,
    size_out: *mut u64,
    err: *const UpErrorSlot,
) -> i32 {
    call::<T>(inst, err, |b| {
        if size_out.is_null() {
            return Err(invalid("null output pointer"));
        }
        *size_out = b.size(text(key, "key")?)?;
        Ok(())
    })
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
pub const fn storage_vtable<T: StorageBackend>() -> UpStorageVTable {
    UpStorageVTable {
        struct_size: std::mem::size_of::<UpStorageVTable>() as u32,
        put: Some(put::<T>),
        get: Some(get::<T>),
        delete: Some(delete::<T>),
        exists: Some(exists::<T>),
        get_range: Some(get_range::<T>),
        stat: Some(stat::<T>),
    }
}
