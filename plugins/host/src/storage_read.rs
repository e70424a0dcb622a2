//! Reading from a storage plugin without collecting the object: the plugin writes into a
//! host sink that passes on only a window of the bytes, straight to where they go (a counter,
//! a buffer of at most the window, or a download's reader on another thread).

use std::ffi::c_void;
use std::io::Write;
use std::sync::Arc;

use upstage_sdk::abi::{status, UpByteSink, UpBytes, UpStorageVTable, UpStr};
use upstage_sdk::plugin::PluginErrorKind;
use upstage_storage::{push_reader, StorageError, StorageErrorKind};

use crate::call::checked;
use crate::live::{Failure, Live};
use crate::CallError;

/// Passes on bytes `[skip, skip + left)` of what the plugin writes, then stops it.
pub(crate) struct Window<'a> {
    out: &'a mut dyn Write,
    skip: u64,
    left: u64,
    /// Bytes passed on.
    pub(crate) passed: u64,
    /// Where the bytes go refused them (a download whose client went away).
    refused: bool,
}

unsafe extern "C" fn window_write(ctx: *mut c_void, bytes: UpBytes) -> i32 {
    let Some(w) = (ctx as *mut Window<'_>).as_mut() else {
        return status::INVALID_ARGUMENT;
    };
    if w.left == 0 {
        // Everything asked for has arrived: a non-OK status makes the plugin stop writing.
        return status::IO;
    }
    let b = bytes.as_slice();
    let skipped = usize::try_from(w.skip).unwrap_or(usize::MAX).min(b.len());
    w.skip -= skipped as u64;
    let rest = &b[skipped..];
    let take = usize::try_from(w.left)
        .unwrap_or(usize::MAX)
        .min(rest.len());
    if w.out.write_all(&rest[..take]).is_err() {
        w.refused = true;
        return status::IO;
    }
    w.left -= take as u64;
    w.passed += take as u64;
    status::OK
}

impl<'a> Window<'a> {
    pub(crate) fn new(out: &'a mut dyn Write, skip: u64, len: u64) -> Self {
        Window {
            out,
            skip,
            left: len,
            passed: 0,
            refused: false,
        }
    }

    /// A sink writing into this window, valid while it is borrowed.
    fn sink(&mut self) -> UpByteSink {
        UpByteSink {
            ctx: (self as *mut Self).cast(),
            write: window_write,
        }
    }
}

/// Why a windowed read failed.
pub(crate) enum ReadFailure {
    Plugin(Failure<CallError>),
    /// The destination refused the bytes; the plugin was stopped on purpose.
    Refused,
}

/// Bytes `[offset, offset + len)` of `key` into `out`: the plugin's `get_range` when it has
/// one, else its `get` with everything outside the window dropped (ABI 1 as first shipped).
/// A plugin stopped because the window is full has succeeded, whatever it reports.
pub(crate) fn read_window(
    live: &Live,
    vt: &UpStorageVTable,
    key: &str,
    offset: u64,
    len: u64,
    out: &mut dyn Write,
) -> Result<u64, ReadFailure> {
    // Without `get_range` the whole object streams past and the window skips to `offset`.
    let skip = if vt.get_range.is_some() { 0 } else { offset };
    let mut w = Window::new(out, skip, len);
    let r = live.run(|inst| {
        let sink = w.sink();
        let k = UpStr::new(key);
        match (vt.get_range, vt.get) {
            (Some(get_range), _) => {
                checked(|err| unsafe { get_range(inst.raw(), k, offset, len, &sink, err) })
            }
            (None, Some(get)) => checked(|err| unsafe { get(inst.raw(), k, &sink, err) }),
            (None, None) => Err(CallError {
                kind: PluginErrorKind::Unsupported,
                message: "the plugin has no get".into(),
            }),
        }
    });
    match r {
        Ok(()) => Ok(w.passed),
        Err(_) if w.refused => Err(ReadFailure::Refused),
        Err(_) if w.left == 0 => Ok(w.passed),
        Err(f) => Err(ReadFailure::Plugin(f)),
    }
}

/// A download: the plugin call runs on a thread of its own and its bytes reach the reader
/// a few chunks at a time (see [`push_reader`]), so the object never sits whole in memory.
pub(crate) fn open(
    live: Arc<Live>,
    vt: &'static UpStorageVTable,
    key: &str,
    offset: u64,
    len: u64,
    error: fn(&Live, Failure<CallError>) -> StorageError,
) -> Result<Box<dyn std::io::Read + Send>, StorageError> {
    let key = key.to_owned();
    push_reader("upstage-plugin-read", move |out| {
        match read_window(&live, vt, &key, offset, len, out) {
            Ok(_) => Ok(()),
            Err(ReadFailure::Plugin(f)) => Err(error(&live, f)),
            Err(ReadFailure::Refused) => Err(StorageError::new(
                StorageErrorKind::Io,
                format!("reading {key}: the download ended"),
            )),
        }
    })
}
