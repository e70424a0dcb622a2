//! The C ABI between the host and a plugin library. Only `#[repr(C)]` types, borrowed pointers
//! and `extern "C"` functions cross it, so a plugin built with any Rust compiler (or any language
//! with a C FFI) works with any host of the same ABI major version.
//!
//! Rules (see `docs/plugins.md`):
//! - one entry symbol per library, `upstage_plugin_<id>_entry_v1`, where `<id>` is the file stem
//!   without `lib` and with `-` as `_`; it returns a `'static` [`UpPluginDescriptor`];
//! - structs are only ever extended at the end; `struct_size` tells the reader how much exists;
//! - whoever allocates frees: results are written into host-owned sinks, errors into a host-owned
//!   slot; the plugin frees only its own instances (`destroy`);
//! - every call returns a status (`status::OK` or an error code);
//! - libraries are never unloaded; the host loads a private copy of each file, so the file can
//!   be replaced while a process runs.

mod descriptor;
mod host;
mod item;
mod types;

pub use descriptor::{
    CreateFn, CreateWithHostFn, DestroyFn, EntryFn, UpPluginDescriptor, UpStageVTable,
    UpStorageVTable, ABI_VERSION, DESCRIPTOR_V1_SIZE, FLAG_PANIC_UNWIND, FLAG_THREAD_SAFE,
    KIND_STAGE, KIND_STORAGE, MAGIC, STORAGE_VTABLE_V1_SIZE,
};
pub use host::{log_level, UpHost};
pub use item::{
    format_code, format_from_code, output_kind_code, UpItem, UpItemHost, UpNeeds, UpOutputView,
    NEEDS_ENCODED, NEEDS_RGBA8, OUTPUT_KINDS,
};
pub use types::{UpByteSink, UpBytes, UpChunkSource, UpErrorSlot, UpStr};

/// The entry symbol a library with this id exports.
pub fn entry_symbol(id: &str) -> String {
    format!("upstage_plugin_{id}_entry_v1")
}

/// Status codes every call returns. Values are part of the ABI: add, never renumber.
pub mod status {
    pub const OK: i32 = 0;
    pub const INVALID_ARGUMENT: i32 = 1;
    pub const NOT_FOUND: i32 = 2;
    pub const ALREADY_EXISTS: i32 = 3;
    pub const IO: i32 = 4;
    pub const BACKEND: i32 = 5;
    pub const UNSUPPORTED: i32 = 6;
    pub const CONFIG: i32 = 7;
    /// The call panicked inside the plugin; the instance is now poisoned.
    pub const PANICKED: i32 = 8;
    /// The instance panicked earlier and refuses every call.
    pub const POISONED: i32 = 9;
    pub const INTERNAL: i32 = 10;
    /// A stage could not process this item.
    pub const FAILED: i32 = 11;
}

/// `put` modes (`mode` argument of [`UpStorageVTable::put`]).
pub mod put_mode {
    /// Fail with `ALREADY_EXISTS` when the key is taken.
    pub const CREATE_NEW: u32 = 0;
    pub const OVERWRITE: u32 = 1;
}
