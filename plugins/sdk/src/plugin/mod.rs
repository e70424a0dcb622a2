//! The safe side of the plugin ABI: what a third-party plugin author writes against.
//!
//! Implement [`StorageBackend`] or [`Stage`] for a type, then call
//! [`export_storage_plugin!`](crate::export_storage_plugin) or
//! [`export_stage_plugin!`](crate::export_stage_plugin). The macros generate the descriptor, the
//! entry symbol and every `unsafe` shim: configuration is parsed into your own type, panics are
//! caught inside the plugin (the instance is then poisoned and refuses further calls; the host
//! replaces it), results are written into host-owned buffers, errors into the host's slot.

mod config;
mod error;
mod export;
mod guard;
mod io;
mod log;
mod stage;
mod storage;
mod storage_abi;

pub use config::parse_config;
pub use error::{PluginError, PluginErrorKind};
pub use io::Body;
pub use log::{Level, Logger};
pub use stage::{Item, ItemNeeds, OutputRef, RgbaPixels, Stage};
pub use storage::{PutMode, PutResult, StorageBackend};

#[doc(hidden)]
pub mod __private {
    pub use super::export::{stage_descriptor, storage_descriptor, CrateInfo};
    pub use super::stage::stage_vtable;
    pub use super::storage_abi::storage_vtable;
}
