//! The local import and the in-process uploader (`upstage import`, the batch uploader's local
//! target) over the library service, opened from the same options as `upstage serve`. Failures
//! read as the API would answer them, so a local upload reports like a remote one.

use std::path::Path;

use upstage_library::ingest;
pub use upstage_library::ingest::{
    album_encoded_id, album_id, albums, import_caller, imported_before, Imported,
};

use crate::api::ApiError;
use crate::state::AppState;
use crate::{ServeOptions, Shared};
use upstage_library::auth::Caller;

/// Open the library (database, storage, pipeline) without listening.
pub async fn open_library(opts: ServeOptions) -> anyhow::Result<Shared> {
    let bound = opts.cfg.listen;
    crate::build_state(opts, bound).await
}

/// [`ingest::import_file`], failing with the API's error.
pub async fn import_file(
    state: &AppState,
    caller: &Caller,
    path: &Path,
    album_id: Option<i64>,
    mtime_fallback: bool,
) -> Result<Imported, ApiError> {
    ingest::import_file(state, caller, path, album_id, mtime_fallback)
        .await
        .map_err(|e| ApiError::from_library(e, state.limits().max_bytes))
}

/// [`ingest::upload_file`], failing with the API's error.
pub async fn upload_file(
    state: &AppState,
    caller: &Caller,
    path: &Path,
    params: &[(&str, String)],
) -> Result<serde_json::Value, ApiError> {
    ingest::upload_file(state, caller, path, params)
        .await
        .map_err(|e| ApiError::from_library(e, state.limits().max_bytes))
}
