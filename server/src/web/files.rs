//! Stored files, answered as a CDN origin should: the right type, strong validators, 304s,
//! single byte ranges (`If-Range` honoured), bodies streamed from any backend in bounded memory,
//! and a cache lifetime that never outlives the image (see `lifetime`). Every backend goes
//! through the same code: size and date from a HEAD-like `stat`, bytes from a range reader.
//!
//! Anything that cannot be a stored name is 404 before the backend is asked, so odd paths can
//! neither reach a backend's own error paths nor show up as gateway errors.

use std::time::SystemTime;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use upstage_storage::{ObjectMeta, StorageError, StorageErrorKind};

use crate::state::Shared;

mod body;
mod conditional;
mod lifetime;
mod range;

use conditional::Validators;
use lifetime::Lifetime;

/// The longest file or folder name any filesystem or object store here takes.
const NAME_MAX: usize = 255;

pub async fn serve(
    State(state): State<Shared>,
    method: Method,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    // A path that does not decode (a non-UTF-8 percent sequence) names nothing we store.
    let Ok(Path(path)) = path else {
        return not_found();
    };
    let key = format!("images/{path}");
    if !could_be_stored(&key) {
        return not_found();
    }
    let now = SystemTime::now();
    let storage = state.storage.clone();
    let k = key.clone();
    let (life, meta) = tokio::join!(
        lifetime::of(&state, &key, now),
        tokio::task::spawn_blocking(move || storage.stat(&k))
    );
    let meta = match meta {
        Ok(Ok(m)) => m,
        Ok(Err(e)) => return storage_failure(&key, e),
        Err(e) => {
            return storage_failure(&key, StorageError::new(StorageErrorKind::Io, e.to_string()))
        }
    };
    if life == Lifetime::Expired {
        return not_found();
    }
    let v = Validators::of(&key, &meta);
    let mut resp = answer(&state, key, &method, &headers, &meta, &v).await;
    let status = resp.status();
    let h = resp.headers_mut();
    if status == StatusCode::NOT_FOUND || status.is_server_error() {
        return resp;
    }
    v.write(h);
    if status == StatusCode::RANGE_NOT_SATISFIABLE {
        // An error about one request's range is nothing for a cache to keep.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    } else {
        life.write(now, h);
    }
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// Keys the naming can produce: valid storage keys (no empty, `.` or `..` segment, no
/// backslash or NUL), no hidden segment (in-flight temp files), no control character, no
/// over-long name. Everything else is 404 without asking the backend.
fn could_be_stored(key: &str) -> bool {
    upstage_storage::validate_key(key).is_ok()
        && !key.chars().any(char::is_control)
        && key
            .split('/')
            .all(|seg| !seg.starts_with('.') && seg.len() <= NAME_MAX)
}

async fn answer(
    state: &Shared,
    key: String,
    method: &Method,
    headers: &HeaderMap,
    meta: &ObjectMeta,
    v: &Validators,
) -> Response {
    if v.not_modified(headers) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let size = meta.size;
    // Several ranges, or a part of a stale copy (`If-Range`), get the whole file.
    let wanted = if v.range_applies(headers) {
        let asked = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
        range::parse(asked, size)
    } else {
        range::Wanted::Whole
    };
    let (status, start, len) = match wanted {
        range::Wanted::Whole => (StatusCode::OK, 0, size),
        range::Wanted::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
        range::Wanted::Unsatisfiable => {
            let mut resp = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                resp.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return resp;
        }
    };
    let body = if method == Method::HEAD || len == 0 {
        axum::body::Body::empty()
    } else {
        let storage = state.storage.clone();
        let k = key.clone();
        let opened = tokio::task::spawn_blocking(move || {
            upstage_storage::range_reader(storage, &k, start, len)
        })
        .await;
        match opened {
            Ok(Ok(reader)) => body::stream(reader, key.clone(), len),
            Ok(Err(e)) => return storage_failure(&key, e),
            Err(e) => {
                let e = StorageError::new(StorageErrorKind::Io, e.to_string());
                return storage_failure(&key, e);
            }
        }
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    let ext = key.rsplit('.').next().unwrap_or("");
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(upstage_library::view::mime_of(ext)),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if status == StatusCode::PARTIAL_CONTENT {
        let r = format!("bytes {start}-{}/{size}", start + len - 1);
        if let Ok(v) = HeaderValue::from_str(&r) {
            h.insert(header::CONTENT_RANGE, v);
        }
    }
    resp
}

fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

/// Missing (or gone between the size and the read) is 404; a backend that fails is 502,
/// logged as a warning: the storage is at fault, not this server.
fn storage_failure(key: &str, e: StorageError) -> Response {
    match e.kind {
        StorageErrorKind::NotFound | StorageErrorKind::InvalidKey => not_found(),
        _ => {
            tracing::warn!("reading {key}: {e}");
            StatusCode::BAD_GATEWAY.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_names_the_naming_can_make_reach_a_backend() {
        // NAME_MAX bytes per segment, extension included.
        let long = format!("images/{}.jpg", "x".repeat(super::NAME_MAX - 4));
        let too_long = format!("images/{}.jpg", "x".repeat(super::NAME_MAX - 3));
        for (key, ok) in [
            ("images/2026/01/02/cat.jpg", true),
            ("images/cat.th.jpeg", true),
            (long.as_str(), true),
            (too_long.as_str(), false),
            ("images/2026/", false),
            ("images//cat.jpg", false),
            ("images/../cat.jpg", false),
            ("images/.upstage-tmp-1", false),
            ("images/a\\b.jpg", false),
            ("images/a\0.jpg", false),
            ("images/a\n.jpg", false),
        ] {
            assert_eq!(super::could_be_stored(key), ok, "{key:?}");
        }
    }
}
