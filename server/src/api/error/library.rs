//! Library failures as the client sees them. This is the only place the library's error becomes
//! the Chevereto shape.

use upstage_core::ItemError;
use upstage_library::text::format_bytes;
use upstage_library::LibraryError;
use upstage_sdk::ErrorCode;

use super::ApiError;

impl ApiError {
    /// `max_bytes` is the upload limit, named in the "file too big" message.
    pub fn from_library(e: LibraryError, max_bytes: u64) -> Self {
        match e {
            LibraryError::Busy => ApiError::busy(),
            LibraryError::ShuttingDown => ApiError::shutting_down(),
            LibraryError::Item(item) => ApiError::from_item(&item, &format_bytes(max_bytes)),
            // Read like a storage failure reported by the pipeline: full disk, or unavailable.
            LibraryError::Storage(s) => ApiError::from_item(
                &ItemError::new(ErrorCode::Storage, s.to_string()),
                &format_bytes(max_bytes),
            ),
            // A full disk is 507 wherever it struck, the claims' commit included; any other
            // failure to record is the database's, and worth a retry.
            LibraryError::NotRecorded(db) => {
                ApiError::from_db(db).unwrap_or_else(ApiError::not_saved)
            }
            LibraryError::Db(db) => ApiError::from(db),
            LibraryError::Internal(cause) => ApiError::internal(cause),
        }
    }
}

#[cfg(test)]
#[path = "library_tests.rs"]
mod tests;
