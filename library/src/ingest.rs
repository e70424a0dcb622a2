//! Local imports (`upstage import` without `--to`): files go through exactly the upload path —
//! pipeline, storage, row — into the library `upstage serve` uses, as the first admin, filed by
//! the date they were taken.

use std::path::Path;

use chrono::NaiveDateTime;
use upstage_core::Input;
use upstage_sdk::UploadOptions;

use crate::auth::Caller;
use crate::db::DbError;
use crate::options::{resolve, Options, Requested};
use crate::store::record_upload;
use crate::view::ImageUrls;
use crate::{Library, LibraryError};

/// What one imported file became.
#[derive(Clone, Debug)]
pub struct Imported {
    pub url: String,
    pub url_viewer: String,
    pub date_gmt: String,
    /// `DateTimeOriginal`, `DateTimeDigitized`, `DateTime`, `mtime` or `upload`.
    pub date_used: &'static str,
}

/// Why the importing user could not be found.
#[derive(Debug, thiserror::Error)]
pub enum CallerError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("the library has no admin user")]
    NoAdmin,
}

/// The importing user: the first admin (created, with a printed key, if the library is new).
pub async fn import_caller(state: &Library) -> Result<(Caller, Option<String>), CallerError> {
    let new_key = state.ensure_admin().await?;
    let admin = state.db.first_admin().await?.ok_or(CallerError::NoAdmin)?;
    Ok((Caller::User(admin), new_key))
}

/// The id of `name` among the owner's albums, created if missing (once, even when asked
/// concurrently).
pub async fn album_id(state: &Library, user_id: i64, name: &str) -> Result<i64, DbError> {
    Ok(state.db.album_named(user_id, name).await?.id)
}

fn mtime_utc(path: &Path) -> Option<NaiveDateTime> {
    let t = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(chrono::DateTime::<chrono::Utc>::from(t).naive_utc())
}

/// The main URL of an earlier local import of this file by `caller`: the same file name and the
/// same bytes (`md5` of the file as read). `None` when there is none, or for a caller without
/// an id.
pub async fn imported_before(
    state: &Library,
    caller: &Caller,
    path: &Path,
    md5: &str,
) -> Result<Option<String>, DbError> {
    let (Some(user_id), Some(name)) = (caller.user_id(), path.file_name()) else {
        return Ok(None);
    };
    let name = name.to_string_lossy();
    let row = state.db.imported_before(user_id, md5, &name).await?;
    Ok(row.map(|row| ImageUrls::new(&row, state).main_url))
}

/// Import one file, filed by its date taken (or its mtime with `mtime_fallback`, else today).
/// Its md5 is taken from the one read that is processed and stored (the file may have changed
/// since the caller looked at it).
pub async fn import_file(
    state: &Library,
    caller: &Caller,
    path: &Path,
    album_id: Option<i64>,
    mtime_fallback: bool,
) -> Result<Imported, LibraryError> {
    let opts = Options {
        upload: UploadOptions {
            use_file_date: state.storage_mode == upstage_storage::StorageMode::Datefolder,
            album: album_id.map(|a| a.to_string()),
            ..UploadOptions::default()
        },
        album_id,
        category_id: None,
        expiration_gmt: None,
    };
    let fallback = if mtime_fallback {
        mtime_utc(path)
    } else {
        None
    };
    let rec = record_upload(
        state,
        Input::from_path(path),
        &opts,
        caller,
        crate::db::LOCAL_IMPORT,
        fallback,
        None,
    )
    .await?;
    let urls = ImageUrls::new(&rec.row, state);
    Ok(Imported {
        url: urls.main_url.clone(),
        url_viewer: urls.url_viewer.clone(),
        date_gmt: rec.row.date_gmt.clone(),
        date_used: rec.date_used.as_str(),
    })
}

/// Upload one file in-process exactly as `POST /api/1/upload` with `params` would (same option
/// rules for the caller, same pipeline, storage and row), returning the response's `image`
/// object. The local target of the batch uploader uses it.
pub async fn upload_file(
    state: &Library,
    caller: &Caller,
    path: &Path,
    params: &[(&str, String)],
) -> Result<serde_json::Value, LibraryError> {
    // A name given twice keeps its last value, as in a request body.
    let requested = Requested::from_lookup(|name| {
        params
            .iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    });
    let now = chrono::Utc::now().naive_utc();
    let opts = resolve(&requested, caller, state, now).await?;
    let rec = record_upload(
        state,
        Input::from_path(path),
        &opts,
        caller,
        "local-upload",
        None,
        None,
    )
    .await?;
    let image = crate::view::build(&rec.row, &rec.tags, state, Some(&rec.token));
    serde_json::to_value(image).map_err(|e| LibraryError::Internal(e.to_string()))
}

/// The owner's albums as (name, encoded id), oldest first.
pub async fn albums(state: &Library, user_id: i64) -> Result<Vec<(String, String)>, DbError> {
    Ok(state
        .db
        .albums_of(user_id)
        .await?
        .into_iter()
        .map(|a| (a.name, state.ids.encode(a.id as u64)))
        .collect())
}

/// The encoded id of the owner's album `name`, created if missing.
pub async fn album_encoded_id(
    state: &Library,
    user_id: i64,
    name: &str,
) -> Result<String, DbError> {
    let id = album_id(state, user_id, name).await?;
    Ok(state.ids.encode(id as u64))
}
