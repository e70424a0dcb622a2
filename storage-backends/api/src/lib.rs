//! The storage extension point: a [`Storage`] trait every backend implements (local disk here,
//! S3 and plugin backends elsewhere), the reference's file naming, and [`store_item`], which
//! writes all files of a processed item or none of them.

mod ahead;
mod backend;
mod item;
mod journal;
mod naming;
mod stream;

pub use ahead::{Ahead, StagedFile};
pub use backend::{
    byte_window, validate_key, ListedObject, ObjectMeta, PutMode, Storage, StorageError,
    StorageErrorKind, Stored,
};
pub use item::{
    store_item, store_item_ahead, store_item_journaled, StoreOptions, StoredFile, StoredItem,
};
pub use journal::{KeyJournal, NoJournal};
pub use naming::{chain_key, date_folder, mixed_name, original_name, StorageMode};
pub use stream::{push_reader, range_reader, PIECE};
