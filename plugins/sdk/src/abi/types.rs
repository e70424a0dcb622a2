use std::ffi::c_void;

/// A borrowed UTF-8 string: valid only for the duration of the call it is passed to (or, in a
/// descriptor, for the life of the process).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct UpStr {
    pub ptr: *const u8,
    pub len: usize,
}

impl UpStr {
    pub const EMPTY: UpStr = UpStr {
        ptr: std::ptr::null(),
        len: 0,
    };

    pub const fn from_static(s: &'static str) -> UpStr {
        UpStr {
            ptr: s.as_ptr(),
            len: s.len(),
        }
    }

    pub fn new(s: &str) -> UpStr {
        UpStr {
            ptr: s.as_ptr(),
            len: s.len(),
        }
    }

    /// # Safety
    /// `ptr` must be null (with `len == 0`) or point to `len` readable bytes that outlive `'a`.
    pub unsafe fn as_bytes<'a>(self) -> &'a [u8] {
        if self.ptr.is_null() || self.len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(self.ptr, self.len)
        }
    }

    /// The text, or `None` when it is not UTF-8.
    ///
    /// # Safety
    /// As [`UpStr::as_bytes`].
    pub unsafe fn to_str<'a>(self) -> Option<&'a str> {
        std::str::from_utf8(self.as_bytes()).ok()
    }
}

/// Borrowed bytes, same rules as [`UpStr`] without the UTF-8 guarantee.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct UpBytes {
    pub ptr: *const u8,
    pub len: usize,
}

impl UpBytes {
    pub const EMPTY: UpBytes = UpBytes {
        ptr: std::ptr::null(),
        len: 0,
    };

    pub fn new(b: &[u8]) -> UpBytes {
        UpBytes {
            ptr: b.as_ptr(),
            len: b.len(),
        }
    }

    /// # Safety
    /// As [`UpStr::as_bytes`].
    pub unsafe fn as_slice<'a>(self) -> &'a [u8] {
        UpStr {
            ptr: self.ptr,
            len: self.len,
        }
        .as_bytes()
    }
}

/// A host-owned growable buffer: the plugin appends with `write`; the host keeps the memory.
#[repr(C)]
pub struct UpByteSink {
    pub ctx: *mut c_void,
    pub write: unsafe extern "C" fn(ctx: *mut c_void, bytes: UpBytes) -> i32,
}

/// A host-owned error slot: the plugin reports a status and message, the host copies them.
#[repr(C)]
pub struct UpErrorSlot {
    pub ctx: *mut c_void,
    pub set: unsafe extern "C" fn(ctx: *mut c_void, code: i32, message: UpStr),
}

/// A host-owned stream of chunks (the body of a `put`). Each call lends the next chunk until the
/// following call; an empty chunk with status `OK` is the end.
#[repr(C)]
pub struct UpChunkSource {
    pub ctx: *mut c_void,
    /// Total length when known, `u64::MAX` otherwise.
    pub total_len: u64,
    pub next: unsafe extern "C" fn(ctx: *mut c_void, chunk: *mut UpBytes) -> i32,
}
