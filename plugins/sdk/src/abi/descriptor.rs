use std::ffi::c_void;

use super::{UpByteSink, UpChunkSource, UpErrorSlot, UpHost, UpItem, UpNeeds, UpStr};

/// `b"UPPL"` little-endian: tells a plugin descriptor from random memory.
pub const MAGIC: u32 = u32::from_le_bytes(*b"UPPL");
/// The ABI major version. Bumped only for incompatible changes, which also get a new entry
/// symbol suffix (`_entry_v2`), so one library can serve old and new hosts.
pub const ABI_VERSION: u32 = 1;

pub const KIND_STORAGE: u32 = 1;
pub const KIND_STAGE: u32 = 2;

/// Every call of this plugin may run on many threads at once.
pub const FLAG_THREAD_SAFE: u64 = 1;
/// Built with `panic = "unwind"`: panics are caught and reported instead of aborting.
pub const FLAG_PANIC_UNWIND: u64 = 2;

/// `upstage_plugin_<id>_entry_v1`. The host passes its ABI version; the plugin returns its
/// descriptor (never null for a v1 plugin).
pub type EntryFn = unsafe extern "C" fn(host_abi_version: u32) -> *const UpPluginDescriptor;
pub type CreateFn = unsafe extern "C" fn(
    config: UpStr,
    out_instance: *mut *mut c_void,
    err: *const UpErrorSlot,
) -> i32;
/// `create` with the host's services (`host` is valid for the life of the process).
pub type CreateWithHostFn = unsafe extern "C" fn(
    config: UpStr,
    host: *const UpHost,
    out_instance: *mut *mut c_void,
    err: *const UpErrorSlot,
) -> i32;
pub type DestroyFn = unsafe extern "C" fn(instance: *mut c_void);

/// The size of the descriptor as ABI 1 first shipped it (up to and including `stage`). A
/// plugin built then says so in `struct_size`; the host reads the fields after it as absent.
pub const DESCRIPTOR_V1_SIZE: usize = std::mem::offset_of!(UpPluginDescriptor, build_profile);
/// The size of the storage function table as ABI 1 first shipped it (`put` … `exists`).
pub const STORAGE_VTABLE_V1_SIZE: usize = std::mem::offset_of!(UpStorageVTable, get_range);

/// What a library is. Static, immutable, valid for the life of the process. Append-only: a
/// reader uses only the fields that fit in `struct_size` and treats the rest as zero (absent).
#[repr(C)]
pub struct UpPluginDescriptor {
    pub magic: u32,
    pub abi_version: u32,
    /// `size_of::<UpPluginDescriptor>()` as the plugin was compiled.
    pub struct_size: u32,
    /// `KIND_STORAGE` or `KIND_STAGE`.
    pub kind: u32,
    pub flags: u64,
    pub name: UpStr,
    pub version: UpStr,
    pub description: UpStr,
    /// The `upstage-sdk` version the plugin was built with (diagnostics only).
    pub sdk_version: UpStr,
    /// Make an instance from its configuration (a JSON text; `null` when none is configured).
    pub create: Option<CreateFn>,
    pub destroy: Option<DestroyFn>,
    /// Non-null exactly when `kind == KIND_STORAGE`.
    pub storage: *const UpStorageVTable,
    /// Non-null exactly when `kind == KIND_STAGE`.
    pub stage: *const UpStageVTable,
    // ---- appended after the first ABI 1 release; absent (zero) in older plugins ----
    /// `"debug"` or `"release"`: how the plugin was built (diagnostics only).
    pub build_profile: UpStr,
    /// Preferred over `create` when present: also receives the host's services (logging).
    pub create_with_host: Option<CreateWithHostFn>,
}

// The descriptor is immutable static data; the raw pointers point to more immutable statics.
unsafe impl Sync for UpPluginDescriptor {}

/// Storage calls. `key`s are `/`-separated relative paths the host has already validated.
#[repr(C)]
pub struct UpStorageVTable {
    pub struct_size: u32,
    /// Store the body under `key`. Writes the stored object's id into `id_out` and, when the
    /// backend serves objects itself, a public URL into `url_out` (nothing written = none).
    pub put: Option<
        unsafe extern "C" fn(
            instance: *mut c_void,
            key: UpStr,
            content_type: UpStr,
            body: *const UpChunkSource,
            mode: u32,
            id_out: *const UpByteSink,
            url_out: *const UpByteSink,
            err: *const UpErrorSlot,
        ) -> i32,
    >,
    /// The object's bytes into `out`; `NOT_FOUND` when absent.
    pub get: Option<
        unsafe extern "C" fn(
            instance: *mut c_void,
            key: UpStr,
            out: *const UpByteSink,
            err: *const UpErrorSlot,
        ) -> i32,
    >,
    /// Remove the object; `NOT_FOUND` when absent.
    pub delete: Option<
        unsafe extern "C" fn(instance: *mut c_void, key: UpStr, err: *const UpErrorSlot) -> i32,
    >,
    /// `*out = 1` when the object exists, `0` otherwise.
    pub exists: Option<
        unsafe extern "C" fn(
            instance: *mut c_void,
            key: UpStr,
            out: *mut u8,
            err: *const UpErrorSlot,
        ) -> i32,
    >,
    // ---- appended after the first ABI 1 release; absent (zero) in older plugins ----
    /// At most `len` bytes of the object from byte `offset` into `out` (fewer at its end, none
    /// when `offset` is past it); `NOT_FOUND` when absent.
    pub get_range: Option<
        unsafe extern "C" fn(
            instance: *mut c_void,
            key: UpStr,
            offset: u64,
            len: u64,
            out: *const UpByteSink,
            err: *const UpErrorSlot,
        ) -> i32,
    >,
    /// The object's size in bytes into `*size_out`; `NOT_FOUND` when absent.
    pub stat: Option<
        unsafe extern "C" fn(
            instance: *mut c_void,
            key: UpStr,
            size_out: *mut u64,
            err: *const UpErrorSlot,
        ) -> i32,
    >,
}

/// Stage calls.
#[repr(C)]
pub struct UpStageVTable {
    pub struct_size: u32,
    /// What the stage needs for this item (asked before any decode; `item` has no pixels and no
    /// original bytes yet). The host decodes once for all stages.
    pub needs: Option<
        unsafe extern "C" fn(
            instance: *mut c_void,
            item: *const UpItem,
            out: *mut UpNeeds,
            err: *const UpErrorSlot,
        ) -> i32,
    >,
    /// Process the item: pixels are edited in place; other changes go through `item.host`.
    pub process: Option<
        unsafe extern "C" fn(
            instance: *mut c_void,
            item: *mut UpItem,
            err: *const UpErrorSlot,
        ) -> i32,
    >,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sizes of what ABI 1 first shipped, on 64-bit targets: a change here breaks every
    /// plugin built before it.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn first_release_sizes_are_frozen() {
        assert_eq!(DESCRIPTOR_V1_SIZE, 120);
        assert_eq!(STORAGE_VTABLE_V1_SIZE, 40);
        assert!(std::mem::size_of::<UpPluginDescriptor>() > DESCRIPTOR_V1_SIZE);
    }
}
