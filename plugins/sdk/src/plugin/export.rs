//! Descriptor builders and the `export_*_plugin!` macros.

use std::ffi::c_void;

use super::guard;
use super::{parse_config, Logger, PluginError, Stage, StorageBackend};
use crate::abi::{
    UpErrorSlot, UpHost, UpPluginDescriptor, UpStageVTable, UpStorageVTable, UpStr, ABI_VERSION,
    FLAG_PANIC_UNWIND, FLAG_THREAD_SAFE, KIND_STAGE, KIND_STORAGE, MAGIC,
};

const FLAGS: u64 = FLAG_THREAD_SAFE
    | if cfg!(panic = "unwind") {
        FLAG_PANIC_UNWIND
    } else {
        0
    };

fn new_storage<T: StorageBackend>(text: &str, log: Logger) -> Result<T, PluginError> {
    T::new(parse_config(text)?, log)
}

fn new_stage<T: Stage>(text: &str, log: Logger) -> Result<T, PluginError> {
    T::new(parse_config(text)?, log)
}

unsafe extern "C" fn create_storage<T: StorageBackend>(
    config: UpStr,
    out: *mut *mut c_void,
    err: *const UpErrorSlot,
) -> i32 {
    guard::create::<T>(config, std::ptr::null(), out, err, new_storage::<T>)
}

unsafe extern "C" fn create_storage_with_host<T: StorageBackend>(
    config: UpStr,
    host: *const UpHost,
    out: *mut *mut c_void,
    err: *const UpErrorSlot,
) -> i32 {
    guard::create::<T>(config, host, out, err, new_storage::<T>)
}

unsafe extern "C" fn create_stage<T: Stage>(
    config: UpStr,
    out: *mut *mut c_void,
    err: *const UpErrorSlot,
) -> i32 {
    guard::create::<T>(config, std::ptr::null(), out, err, new_stage::<T>)
}

unsafe extern "C" fn create_stage_with_host<T: Stage>(
    config: UpStr,
    host: *const UpHost,
    out: *mut *mut c_void,
    err: *const UpErrorSlot,
) -> i32 {
    guard::create::<T>(config, host, out, err, new_stage::<T>)
}

unsafe extern "C" fn destroy<T>(inst: *mut c_void) {
    guard::destroy::<T>(inst)
}

/// What the export macros know about the crate they expand in.
#[derive(Clone, Copy)]
pub struct CrateInfo {
    /// `CARGO_CRATE_NAME`: the library's name, so the plugin's name, its entry symbol and its
    /// file name all come from `[lib] name` and cannot disagree.
    pub name: &'static str,
    pub version: &'static str,
    pub description: &'static str,
    /// `"debug"` or `"release"`, from the plugin crate's own `debug_assertions`.
    pub profile: &'static str,
}

const fn base(kind: u32, info: CrateInfo) -> UpPluginDescriptor {
    UpPluginDescriptor {
        magic: MAGIC,
        abi_version: ABI_VERSION,
        struct_size: std::mem::size_of::<UpPluginDescriptor>() as u32,
        kind,
        flags: FLAGS,
        name: UpStr::from_static(info.name),
        version: UpStr::from_static(info.version),
        description: UpStr::from_static(info.description),
        sdk_version: UpStr::from_static(env!("CARGO_PKG_VERSION")),
        create: None,
        destroy: None,
        storage: std::ptr::null(),
        stage: std::ptr::null(),
        build_profile: UpStr::from_static(info.profile),
        create_with_host: None,
    }
}

pub const fn storage_descriptor<T: StorageBackend>(
    info: CrateInfo,
    vtable: &'static UpStorageVTable,
) -> UpPluginDescriptor {
    UpPluginDescriptor {
        create: Some(create_storage::<T>),
        create_with_host: Some(create_storage_with_host::<T>),
        destroy: Some(destroy::<T>),
        storage: vtable,
        ..base(KIND_STORAGE, info)
    }
}

pub const fn stage_descriptor<T: Stage>(
    info: CrateInfo,
    vtable: &'static UpStageVTable,
) -> UpPluginDescriptor {
    UpPluginDescriptor {
        create: Some(create_stage::<T>),
        create_with_host: Some(create_stage_with_host::<T>),
        destroy: Some(destroy::<T>),
        stage: vtable,
        ..base(KIND_STAGE, info)
    }
}

/// Export a [`StorageBackend`](crate::plugin::StorageBackend) as a plugin library.
///
/// The plugin's name is the library's name (`[lib] name`, with `_` shown as `-`): it is what
/// users write in `upstage.toml` (`storage.backend = "plugin:<name>"`, `[plugins.<name>]`), and
/// the host finds the entry symbol from the file name, so the three always agree. The
/// description is the package's `description` unless given.
///
/// ```ignore
/// upstage_sdk::export_storage_plugin!(MyStore);
/// upstage_sdk::export_storage_plugin!(MyStore, description = "Keeps files somewhere");
/// ```
/// Also defines `pub fn plugin_descriptor()`, so tests can use the plugin linked statically.
#[macro_export]
macro_rules! export_storage_plugin {
    ($ty:ty $(,)?) => {
        $crate::export_storage_plugin!($ty, description = env!("CARGO_PKG_DESCRIPTION"));
    };
    ($ty:ty, description = $desc:expr $(,)?) => {
        static __UPSTAGE_VTABLE: $crate::abi::UpStorageVTable =
            $crate::plugin::__private::storage_vtable::<$ty>();
        static __UPSTAGE_DESCRIPTOR: $crate::abi::UpPluginDescriptor =
            $crate::plugin::__private::storage_descriptor::<$ty>(
                $crate::__upstage_crate_info!($desc),
                &__UPSTAGE_VTABLE,
            );
        $crate::__upstage_entry!(__UPSTAGE_DESCRIPTOR);
    };
}

/// Export a plugin [`Stage`](crate::plugin::Stage); arguments as
/// [`export_storage_plugin!`](crate::export_storage_plugin). The name is what users put in the
/// `pipeline` list.
#[macro_export]
macro_rules! export_stage_plugin {
    ($ty:ty $(,)?) => {
        $crate::export_stage_plugin!($ty, description = env!("CARGO_PKG_DESCRIPTION"));
    };
    ($ty:ty, description = $desc:expr $(,)?) => {
        static __UPSTAGE_VTABLE: $crate::abi::UpStageVTable =
            $crate::plugin::__private::stage_vtable::<$ty>();
        static __UPSTAGE_DESCRIPTOR: $crate::abi::UpPluginDescriptor =
            $crate::plugin::__private::stage_descriptor::<$ty>(
                $crate::__upstage_crate_info!($desc),
                &__UPSTAGE_VTABLE,
            );
        $crate::__upstage_entry!(__UPSTAGE_DESCRIPTOR);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __upstage_crate_info {
    ($desc:expr) => {
        $crate::plugin::__private::CrateInfo {
            name: env!("CARGO_CRATE_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            description: $desc,
            profile: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __upstage_entry {
    ($desc:ident) => {
        /// The library's entry symbol: returns the plugin descriptor.
        #[unsafe(export_name = concat!("upstage_plugin_", env!("CARGO_CRATE_NAME"), "_entry_v1"))]
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
