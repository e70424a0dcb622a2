//! The local-library target as the client sees it: something that stores a file the way the
//! upload endpoint would. The binary implements it over the library it opens, so this crate
//! never links the server.

use std::path::Path;

/// The future type the trait's methods return (re-exported so implementers need no extra crate).
pub use futures_util::future::BoxFuture;

use super::UploadError;

pub trait LocalLibrary: Send + Sync {
    /// Store the file at `path` with these API parameters (`title`, `album_id`, …): the `image`
    /// object the API would answer with, or its error as a [`UploadError::Server`].
    fn ingest<'a>(
        &'a self,
        path: &'a Path,
        params: &'a [(&'static str, String)],
    ) -> BoxFuture<'a, Result<serde_json::Value, UploadError>>;

    /// An album name (created if missing) as the encoded id the `album_id` parameter takes.
    fn album_param<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, UploadError>>;

    /// A stable name for the library in journals and titles (`local:<data dir>`).
    fn describe(&self) -> String;
}
