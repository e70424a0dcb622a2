//! Writing a file before its name is known. An upload's original is usually stored as received,
//! and its name waits for the pixel work (the filing date may come from EXIF, and the claims are
//! committed after it). A backend that can write a file under a temporary name and give it its
//! stored name later lets the biggest write and its sync run on an idle core during that work,
//! instead of after it. [`crate::store_item_ahead`] uses the file only if it holds exactly the
//! bytes to be stored.

use crate::{StorageError, Stored};

/// A file written and synced under a temporary name. Dropping it removes the temporary name;
/// a crash leaves it to [`crate::Storage::remove_stale_temp`].
pub trait StagedFile: Send + Sync {
    /// Gives the file the stored name `key`, create-only: `AlreadyExists` when the name is
    /// taken, after which another key may be tried. The name is durable once this returns.
    fn link(&self, key: &str) -> Result<Stored, StorageError>;
}

/// Bytes written ahead, with the file that holds them.
pub struct Ahead {
    bytes: Vec<u8>,
    file: Box<dyn StagedFile>,
}

impl Ahead {
    pub fn new(bytes: Vec<u8>, file: Box<dyn StagedFile>) -> Self {
        Ahead { bytes, file }
    }

    /// The staged file, when it holds exactly `bytes`: a stage may have rewritten the original
    /// after it was staged, and a different file must never be stored in its place.
    pub(crate) fn holding(&self, bytes: &[u8]) -> Option<&dyn StagedFile> {
        (self.bytes.len() == bytes.len() && self.bytes == bytes).then_some(self.file.as_ref())
    }
}

impl std::fmt::Debug for Ahead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ahead")
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}
