use std::ffi::c_void;

use super::UpStr;

/// Services the host lends every instance it creates (through `create_with_host`). Host-owned
/// and valid for the life of the process. Append-only: check `struct_size` before reading a
/// field added later.
#[repr(C)]
pub struct UpHost {
    pub struct_size: u32,
    /// The host's context for this plugin (it knows which plugin is speaking).
    pub ctx: *mut c_void,
    /// Write `message` to the host's log at `level` (see [`log_level`]); callable from any
    /// thread at any time.
    pub log: Option<unsafe extern "C" fn(ctx: *mut c_void, level: u32, message: UpStr)>,
}

// Immutable, host-owned for the life of the process; `log` is thread-safe by contract.
unsafe impl Sync for UpHost {}
unsafe impl Send for UpHost {}

/// Levels of [`UpHost::log`]. Unknown levels are logged as `INFO`.
pub mod log_level {
    pub const ERROR: u32 = 1;
    pub const WARN: u32 = 2;
    pub const INFO: u32 = 3;
    pub const DEBUG: u32 = 4;
    pub const TRACE: u32 = 5;
}
