//! The plugin host: finds plugin libraries (`--plugin-dir`, `UPSTAGE_PLUGIN_PATH`,
//! `<data_dir>/plugins/`), loads a private copy of each (so installed files can be replaced while
//! a process runs), checks their descriptors before trusting anything in them, and adapts loaded
//! plugins to the host's own extension points: a stage plugin becomes a
//! [`StageFactory`](upstage_sdk::StageFactory) in the [`StageRegistry`](upstage_core::StageRegistry),
//! a storage plugin a [`Storage`](upstage_storage::Storage). Libraries are never unloaded.

mod call;
mod catalog;
mod copy;
mod descriptor;
mod error;
mod hostapi;
mod instance;
mod item;
mod library;
mod live;
mod search;
mod stage;
mod storage;
mod storage_read;

pub use catalog::{AllowEntry, AllowList, Catalog, EntryStatus, PluginEntry, ScanMode};
pub use descriptor::validate;
pub use error::{CallError, LoadError};
pub use library::{
    library_id, load_library, load_library_in, PluginInfo, PluginKind, PluginLibrary,
};
pub use live::PANIC_LIMIT;
pub use search::{SearchPath, PLUGIN_PATH_ENV};
pub use stage::{PluginStage, PluginStageFactory};
pub use storage::{PluginStorage, PutOutcome};
