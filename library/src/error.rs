//! Why the library could not take an item. The HTTP adapter turns each variant into the client's
//! error shape in one place; the local import reports them as they are.

use upstage_core::ItemError;
use upstage_storage::StorageError;

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// Every worker is busy and the queue is full, or the wait for a worker ran out.
    #[error("busy: too many items are being processed")]
    Busy,
    /// The shutdown grace period ended while the item waited for a worker.
    #[error("shutting down: the item was not processed")]
    ShuttingDown,
    /// The pipeline refused or failed on this item.
    #[error(transparent)]
    Item(ItemError),
    /// The storage backend failed while writing the files; nothing of them was kept.
    #[error("storage: {0}")]
    Storage(StorageError),
    /// The files could not be claimed or the row could not be recorded: nothing of the item
    /// stays visible.
    #[error("not recorded: {0}")]
    NotRecorded(DbError),
    /// A lookup while reading the options failed.
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("internal: {0}")]
    Internal(String),
}

impl LibraryError {
    /// A stable name for logs and reports, whatever the message says.
    pub fn code(&self) -> &'static str {
        match self {
            LibraryError::Busy => "busy",
            LibraryError::ShuttingDown => "shutting_down",
            LibraryError::Item(_) => "item",
            LibraryError::Storage(_) => "storage",
            LibraryError::NotRecorded(_) => "not_recorded",
            LibraryError::Db(_) => "database",
            LibraryError::Internal(_) => "internal",
        }
    }
}
