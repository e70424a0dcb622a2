//! Request parameters the way PHP's `$_REQUEST` + `$_FILES` see them: query string, then an
//! urlencoded or multipart body on top (body wins). JSON bodies are not parsed. The `source` file
//! part streams to a temp file with the size limit enforced while reading.
//!
//! A body over the limits is not an error here: the oversize part is dropped and the rest of the
//! body is read and discarded (up to a bound), so the reference's order of checks still decides
//! the answer (a bad key is reported before the size) and the client, still sending, gets the
//! response instead of a reset connection.

use std::collections::HashMap;

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use futures_util::StreamExt;

use super::disposition::raw_file_name;
use super::error::ApiError;
use super::spool::{drain, drain_allowance, drain_fields, spool, SpoolFailure};
use super::spooled::Spooled;
use crate::state::AppState;

/// The `source` multipart file.
#[derive(Debug)]
pub struct UploadedFile {
    pub body: Spooled,
    pub client_name: String,
    /// Taken while receiving when asked for (always for a body in a temp file); else the library
    /// hashes the body in memory before processing it.
    pub md5: Option<String>,
}

/// The body went over the size limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Oversize {
    /// The oversize part was dropped and the rest of the body read: every other parameter is known.
    Drained,
    /// Reading stopped at the oversize part: parameters after it are unknown.
    Cut,
}

const MAX_FIELDS: usize = 1000;

/// Every parameter the upload endpoint reads, in the documented order. [`Params::raw`] (the only
/// way a value is read) refuses any other name in debug builds, so a parameter cannot be read
/// without being listed here, and the OpenAPI test holds the document to this list.
pub const NAMES: [&str; 14] = [
    "source",
    "key",
    "title",
    "name",
    "description",
    "tags",
    "album_id",
    "category_id",
    "width",
    "expiration",
    "nsfw",
    "format",
    "use_file_date",
    "image",
];

#[derive(Debug, Default)]
pub struct Params {
    values: HashMap<String, String>,
    pub file: Option<UploadedFile>,
    pub oversize: Option<Oversize>,
}

impl Params {
    /// The raw value, present even when empty.
    pub fn raw(&self, key: &str) -> Option<&str> {
        debug_assert!(
            NAMES.contains(&key),
            "{key:?} is read but not in params::NAMES"
        );
        self.value(key)
    }

    fn value(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    fn merge_pairs(&mut self, bytes: &[u8]) {
        for (k, v) in url::form_urlencoded::parse(bytes) {
            self.set(k.into_owned(), v.into_owned());
        }
    }

    /// Like PHP's `max_input_vars`, at most [`MAX_FIELDS`] distinct names are kept, so a body of
    /// tiny fields cannot turn into millions of map entries.
    fn set(&mut self, key: String, value: String) {
        if self.values.len() < MAX_FIELDS || self.values.contains_key(&key) {
            self.values.insert(key, value);
        }
    }
}

pub fn too_big(state: &AppState) -> ApiError {
    ApiError::bad(
        format!("File too big - max {}", state.max_bytes_text()),
        400,
    )
}

/// `hash`: whether to take the file's md5 while the body arrives (`upload.rs` decides: the
/// duplicate check needs it before processing).
pub async fn collect(req: Request, state: &AppState, hash: bool) -> Result<Params, ApiError> {
    let mut params = Params::default();
    if let Some(q) = req.uri().query() {
        params.merge_pairs(q.as_bytes());
    }
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).to_ascii_lowercase())
        .unwrap_or_default();
    if content_type.starts_with("multipart/form-data") {
        // The part is shorter than the whole body; a body that did not say is spooled to disk.
        let expected = req
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let multipart = Multipart::from_request(req, &())
            .await
            .map_err(|_| ApiError::bad("Invalid multipart body: no boundary", 400))?;
        read_multipart(multipart, state, &mut params, expected, hash).await?;
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        read_urlencoded(req, state, &mut params).await;
    }
    Ok(params)
}

/// An urlencoded body within the text budget is merged; a larger one is discarded whole (its
/// parameters are unknown: [`Oversize::Cut`]).
async fn read_urlencoded(req: Request, state: &AppState, params: &mut Params) {
    let limit = state.text_limit() as u64;
    let mut stream = req.into_body().into_data_stream();
    let mut body = Vec::new();
    let mut read = 0u64;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            // The client went away: keep nothing of a partial body.
            body.clear();
            break;
        };
        read += chunk.len() as u64;
        if read > limit {
            params.oversize = Some(Oversize::Cut);
            body = Vec::new();
            if read > limit + drain_allowance(state) {
                return;
            }
        } else {
            body.extend_from_slice(&chunk);
        }
    }
    if params.oversize.is_none() {
        params.merge_pairs(&body);
    }
}

async fn read_multipart(
    mut mp: Multipart,
    state: &AppState,
    params: &mut Params,
    expected: Option<u64>,
    hash: bool,
) -> Result<(), ApiError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        ApiError::bad(format!("Invalid multipart body: {}", e.body_text()), 400)
    };
    let max_bytes = state.limits().max_bytes;
    let mut text_budget = state.text_limit();
    let mut allowance = drain_allowance(state);
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            // After an oversize part, a broken rest of the body is the client giving up.
            Err(_) if params.oversize.is_some() => {
                params.oversize = Some(Oversize::Cut);
                break;
            }
            Err(e) => return Err(bad(e)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field
            .file_name()
            .map(str::to_owned)
            .or_else(|| raw_file_name(field.headers()));
        let is_file = file_name.as_deref().is_some_and(|f| !f.is_empty());
        let mut over = false;
        if is_file && name == "source" {
            match spool(&mut field, state, max_bytes, expected, hash).await {
                Ok(Some((body, md5))) => {
                    params.file = Some(UploadedFile {
                        body,
                        client_name: file_name.unwrap_or_default(),
                        md5,
                    });
                }
                Ok(None) => {
                    // The partial file is already removed.
                    params.file = None;
                    over = true;
                }
                Err(SpoolFailure::Body(e)) => return Err(bad(e)),
                Err(SpoolFailure::Disk(e)) => {
                    let answer = ApiError::from_spool(&e);
                    // The client is still sending: read the rest so it gets this answer
                    // rather than a reset connection.
                    let more = drain(&mut field, &mut allowance).await;
                    drop(field);
                    if more {
                        drain_fields(&mut mp, &mut allowance).await;
                    }
                    return Err(answer);
                }
            }
        } else {
            let mut value = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if chunk.len() > text_budget {
                    over = true;
                    break;
                }
                text_budget -= chunk.len();
                value.extend_from_slice(&chunk);
            }
            // Files other than `source` are not parameters (PHP puts them in `$_FILES` only).
            if !over && !is_file && !name.is_empty() {
                // Non-UTF-8 text is kept (lossily) rather than refused, as PHP would keep the
                // bytes.
                params.set(name, String::from_utf8_lossy(&value).into_owned());
            }
        }
        if over {
            params.oversize = Some(Oversize::Drained);
            if !drain(&mut field, &mut allowance).await {
                params.oversize = Some(Oversize::Cut);
                break;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "params_fuzz.rs"]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_values_keep_empty_and_last_wins() {
        let mut p = Params::default();
        p.merge_pairs(b"title=0&name=&tags=1&width=x%20y&tags=2");
        assert_eq!(p.raw("title"), Some("0"));
        assert_eq!(p.raw("name"), Some(""));
        assert_eq!(p.raw("tags"), Some("2"), "last value wins");
        assert_eq!(p.raw("width"), Some("x y"));
    }

    #[test]
    fn field_count_is_capped() {
        let mut p = Params::default();
        let body: Vec<String> = (0..5000).map(|i| format!("f{i}=x")).collect();
        p.merge_pairs(body.join("&").as_bytes());
        p.merge_pairs(b"f1=y&key=late");
        assert_eq!(p.values.len(), MAX_FIELDS);
        assert_eq!(p.value("f1"), Some("y"), "known names are still updated");
        assert_eq!(p.raw("key"), None);
    }
}
