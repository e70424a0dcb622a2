//! Descriptor builders and the `export_*_plugin!` macros.

use std::ffi::c_void;

use super::guard;
use super::{Stage, StorageBackend};
use crate::abi::{
    UpErrorSlot, UpPluginDescriptor, UpStageVTable, UpStorageVTable, UpStr, ABI_VERSION,
    FLAG_PANIC_UNWIND, FLAG_THREAD_SAFE, KIND_STAGE, KIND_STORAGE, MAGIC,
};

const FLAGS: u64 = FLAG_THREAD_SAFE
    | if cfg!(panic = "unwind") {
        FLAG_PANIC_UNWIND
    } else {
        0
    };

unsafe extern "C" fn create_storage<T: StorageBackend>(
    config: UpStr,
    out: *mut *mut c_void,
    err: *const UpErrorSlot,
) -> i32 {
    guard::create::<T>(config, out, err, T::new)
}

unsafe extern "C" fn create_stage<T: Stage>(
    config: UpStr,
    out: *mut *mut c_void,
    err: *const UpErrorSlot,
) -> i32 {
    guard::create::<T>(config, out, err, T::new)
}

unsafe extern "C" fn destroy<T>(inst: *mut c_void) {
    guard::destroy::<T>(inst)
}

const fn base(
    kind: u32,
    name: &'static str,
    version: &'static str,
    description: &'static str,
) -> UpPluginDescriptor {
    UpPluginDescriptor {
        magic: MAGIC,
        abi_version: ABI_VERSION,
        struct_size: std::mem::size_of::<UpPluginDescriptor>() as u32,
        kind,
        flags: FLAGS,
        name: UpStr::from_static(name),
        version: UpStr::from_static(version),
        description: UpStr::from_static(description),
        sdk_version: UpStr::from_static(env!("CARGO_PKG_VERSION")),
        create: None,
        destroy: None,
        storage: std::ptr::null(),
        stage: std::ptr::null(),
    }
}

pub const fn storage_descriptor<T: StorageBackend>(
    name: &'static str,
    version: &'static str,
    description: &'static str,
    vtable: &'static UpStorageVTable,
) -> UpPluginDescriptor {
    UpPluginDescriptor {
        create: Some(create_storage::<T>),
        destroy: Some(destroy::<T>),
        storage: vtable,
        ..base(KIND_STORAGE, name, version, description)
    }
}

pub const fn stage_descriptor<T: Stage>(
    name: &'static str,
    version: &'static str,
    description: &'static str,
    vtable: &'static UpStageVTable,
) -> UpPluginDescriptor {
    UpPluginDescriptor {
        create: Some(create_stage::<T>),
        destroy: Some(destroy::<T>),
        stage: vtable,
        ..base(KIND_STAGE, name, version, description)
    }
}

/// Export a [`StorageBackend`](crate::plugin::StorageBackend) as a plugin library.
///
/// `id` must be the library's name (`[lib] name`, i.e. the package name with `-` as `_`): the
/// host finds the entry symbol `upstage_plugin_<id>_entry_v1` from the file name. `name` is what
/// users write in `upstage.toml` (`storage.backend = "plugin:<name>"`).
///
/// ```ignore
/// upstage_sdk::export_storage_plugin!(MyStore, id = my_store, name = "my-store",
///     description = "Keeps files somewhere");
/// ```
/// Also defines `pub fn plugin_descriptor()`, so tests can use the plugin linked statically.
#[macro_export]
macro_rules! export_storage_plugin {
    ($ty:ty, id = $id:ident, name = $name:literal, description = $desc:literal $(,)?) => {
        static __UPSTAGE_VTABLE: $crate::abi::UpStorageVTable =
            $crate::plugin::__private::storage_vtable::<$ty>();
        static __UPSTAGE_DESCRIPTOR: $crate::abi::UpPluginDescriptor =
            $crate::plugin::__private::storage_descriptor::<$ty>(
                $name,
                env!("CARGO_PKG_VERSION"),
                $desc,
                &__UPSTAGE_VTABLE,
            );
        $crate::__upstage_entry!($id, __UPSTAGE_DESCRIPTOR);
    };
}

/// Export a plugin [`Stage`](crate::plugin::Stage); arguments as
/// [`export_storage_plugin!`](crate::export_storage_plugin). `name` is what users put in the
/// `pipeline` list.
#[macro_export]
macro_rules! export_stage_plugin {
    ($ty:ty, id = $id:ident, name = $name:literal, description = $desc:literal $(,)?) => {
        static __UPSTAGE_VTABLE: $crate::abi::UpStageVTable =
            $crate::plugin::__private::stage_vtable::<$ty>();
        static __UPSTAGE_DESCRIPTOR: $crate::abi::UpPluginDescriptor =
            $crate::plugin::__private::stage_descriptor::<$ty>(
                $name,
                env!("CARGO_PKG_VERSION"),
                $desc,
                &__UPSTAGE_VTABLE,
            );
        $crate::__upstage_entry!($id, __UPSTAGE_DESCRIPTOR);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __upstage_entry {
    ($id:ident, $desc:ident) => {
        /// The library's entry symbol: returns the plugin descriptor.
        #[unsafe(export_name = concat!("upstage_plugin_", stringify!($id), "_entry_v1"))]
        pub extern "C" fn __upstage_plugin_entry(
            _host_abi_version: u32,
        ) -> *const $crate::abi::UpPluginDescriptor {
            &$desc
        }

        /// The descriptor, for linking the plugin statically (tests, single binaries).
        pub fn plugin_descriptor() -> &'static $crate::abi::UpPluginDescriptor {
            &$desc
        }
    };
}
