//! The host's side of the buffers and slots a plugin writes into. Everything here is owned by the
//! host and only lent to the plugin for one call.

use std::ffi::c_void;
use std::io::Read;

use upstage_sdk::abi::{status, UpByteSink, UpBytes, UpChunkSource, UpErrorSlot, UpStr};
use upstage_sdk::plugin::PluginErrorKind;

use crate::CallError;

struct ErrorCell {
    code: i32,
    message: String,
}

unsafe extern "C" fn set_error(ctx: *mut c_void, code: i32, message: UpStr) {
    if let Some(cell) = (ctx as *mut ErrorCell).as_mut() {
        cell.code = code;
        cell.message = String::from_utf8_lossy(message.as_bytes()).into_owned();
    }
}

/// Run one plugin call with an error slot, turning its status into a `Result`.
pub(crate) fn checked(f: impl FnOnce(*const UpErrorSlot) -> i32) -> Result<(), CallError> {
    let mut cell = ErrorCell {
        code: status::OK,
        message: String::new(),
    };
    let slot = UpErrorSlot {
        ctx: (&mut cell as *mut ErrorCell).cast(),
        set: set_error,
    };
    let code = f(&slot);
    if code == status::OK {
        return Ok(());
    }
    let message = if cell.message.is_empty() {
        format!("the plugin returned status {code} without a message")
    } else {
        cell.message
    };
    Err(CallError {
        kind: PluginErrorKind::from_code(code),
        message,
    })
}

unsafe extern "C" fn vec_write(ctx: *mut c_void, bytes: UpBytes) -> i32 {
    match (ctx as *mut Vec<u8>).as_mut() {
        Some(v) => {
            v.extend_from_slice(bytes.as_slice());
            status::OK
        }
        None => status::INVALID_ARGUMENT,
    }
}

/// A sink appending to `v`, valid while `v` is borrowed.
pub(crate) fn vec_sink(v: &mut Vec<u8>) -> UpByteSink {
    UpByteSink {
        ctx: (v as *mut Vec<u8>).cast(),
        write: vec_write,
    }
}

/// The body of a `put` from memory: lent in chunks, without copying.
pub(crate) struct SliceChunks<'a> {
    rest: &'a [u8],
    chunk: usize,
}

unsafe extern "C" fn slice_next(ctx: *mut c_void, out: *mut UpBytes) -> i32 {
    let (Some(s), Some(out)) = ((ctx as *mut SliceChunks<'_>).as_mut(), out.as_mut()) else {
        return status::INVALID_ARGUMENT;
    };
    let n = s.rest.len().min(s.chunk);
    let (head, tail) = s.rest.split_at(n);
    *out = UpBytes::new(head);
    s.rest = tail;
    status::OK
}

impl<'a> SliceChunks<'a> {
    pub(crate) fn new(data: &'a [u8], chunk: usize) -> Self {
        SliceChunks {
            rest: data,
            chunk: chunk.max(1),
        }
    }

    pub(crate) fn source(&mut self) -> UpChunkSource {
        UpChunkSource {
            total_len: self.rest.len() as u64,
            ctx: (self as *mut Self).cast(),
            next: slice_next,
        }
    }
}

/// The body of a `put` from a reader, one buffer at a time.
pub(crate) struct ReaderChunks<'a> {
    reader: &'a mut dyn Read,
    buf: Vec<u8>,
    pub(crate) error: Option<std::io::Error>,
}

unsafe extern "C" fn reader_next(ctx: *mut c_void, out: *mut UpBytes) -> i32 {
    let (Some(r), Some(out)) = ((ctx as *mut ReaderChunks<'_>).as_mut(), out.as_mut()) else {
        return status::INVALID_ARGUMENT;
    };
    let cap = r.buf.capacity();
    r.buf.resize(cap, 0);
    loop {
        match r.reader.read(&mut r.buf) {
            Ok(n) => {
                *out = UpBytes::new(&r.buf[..n]);
                return status::OK;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                r.error = Some(e);
                return status::IO;
            }
        }
    }
}

impl<'a> ReaderChunks<'a> {
    pub(crate) fn new(reader: &'a mut dyn Read, chunk: usize) -> Self {
        ReaderChunks {
            reader,
            buf: Vec::with_capacity(chunk.max(1)),
            error: None,
        }
    }

    pub(crate) fn source(&mut self) -> UpChunkSource {
        UpChunkSource {
            total_len: u64::MAX,
            ctx: (self as *mut Self).cast(),
            next: reader_next,
        }
    }
}
