//! The write-ahead hook of [`crate::store_item_journaled`]: before anything is written under a
//! set of keys, a journal records them durably, so a crash at any instant leaves either a
//! complete item or leftovers a reconciler can find by their journal entries.

use crate::StorageError;

pub trait KeyJournal {
    /// Record `keys` as about to be written. `Ok(false)` means the journal knows one of them as
    /// taken (another writer's claim, or a name it has recorded): the caller tries another name,
    /// as for a key the backend refuses.
    fn claim(&mut self, keys: &[String]) -> Result<bool, StorageError>;
    /// Forget the claim on `keys` after the attempt's files were removed again.
    fn release(&mut self, keys: &[String]) -> Result<(), StorageError>;
}

/// For callers without a record of their own (`upstage process` writing a plain folder).
pub struct NoJournal;

impl KeyJournal for NoJournal {
    fn claim(&mut self, _keys: &[String]) -> Result<bool, StorageError> {
        Ok(true)
    }

    fn release(&mut self, _keys: &[String]) -> Result<(), StorageError> {
        Ok(())
    }
}
