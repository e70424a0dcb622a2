//! File claims in the database for `store_item_journaled`: each naming attempt's keys are
//! committed to `pending_uploads` before the storage backend sees them. The storage side is
//! synchronous (it runs on the blocking pool), so the async database calls are driven from
//! there with the runtime's handle.
//!
//! The storage interface carries a journal failure as text; the journal keeps the database's
//! own error, so a full disk or a busy database is told apart by its code, not its wording.

use tokio::runtime::Handle;
use upstage_storage::{KeyJournal, StorageError, StorageErrorKind};

use crate::db::{Db, DbError};

pub struct DbJournal {
    db: Db,
    upload: String,
    rt: Handle,
    failure: Option<DbError>,
}

impl DbJournal {
    /// Claims under the token `upload`. Must be made inside the runtime.
    pub fn new(db: Db, upload: String) -> Self {
        DbJournal {
            db,
            upload,
            rt: Handle::current(),
            failure: None,
        }
    }

    /// The database error behind the last failed claim or release.
    pub fn take_failure(&mut self) -> Option<DbError> {
        self.failure.take()
    }

    fn kept<T>(&mut self, r: Result<T, DbError>) -> Result<T, StorageError> {
        r.map_err(|e| {
            let text = StorageError::new(
                StorageErrorKind::Journal,
                format!("recording file claims: {e}"),
            );
            self.failure = Some(e);
            text
        })
    }
}

impl KeyJournal for DbJournal {
    fn claim(&mut self, keys: &[String]) -> Result<bool, StorageError> {
        let r = self.rt.block_on(self.db.claim_keys(&self.upload, keys));
        self.kept(r)
    }

    fn release(&mut self, keys: &[String]) -> Result<(), StorageError> {
        let r = self.rt.block_on(self.db.release_keys(&self.upload, keys));
        self.kept(r)
    }
}
