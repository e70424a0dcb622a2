//! File claims in the database for `store_item_journaled`: each naming attempt's keys are
//! committed to `pending_uploads` before the storage backend sees them. The storage side is
//! synchronous (it runs on the blocking pool), so the async database calls are driven from
//! there with the runtime's handle.

use tokio::runtime::Handle;
use upstage_storage::{KeyJournal, StorageError, StorageErrorKind};

use crate::db::{Db, DbError};

pub struct DbJournal {
    db: Db,
    upload: String,
    rt: Handle,
}

impl DbJournal {
    /// Claims under the token `upload`. Must be made inside the runtime.
    pub fn new(db: Db, upload: String) -> Self {
        DbJournal {
            db,
            upload,
            rt: Handle::current(),
        }
    }
}

fn journal_error(e: DbError) -> StorageError {
    StorageError::new(
        StorageErrorKind::Journal,
        format!("recording file claims: {e}"),
    )
}

impl KeyJournal for DbJournal {
    fn claim(&mut self, keys: &[String]) -> Result<bool, StorageError> {
        self.rt
            .block_on(self.db.claim_keys(&self.upload, keys))
            .map_err(journal_error)
    }

    fn release(&mut self, keys: &[String]) -> Result<(), StorageError> {
        self.rt
            .block_on(self.db.release_keys(&self.upload, keys))
            .map_err(journal_error)
    }
}
