//! Stored files: served from the storage root with the right type, validators and a long cache
//! (names never change content: a new upload gets a new name).

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::state::Shared;

mod range;

/// Remote objects are sent in pieces of this size, each read with one `get_range`, so memory
/// per download stays bounded whatever the object's size.
const PIECE: u64 = 1 << 20;

pub async fn serve(
    State(state): State<Shared>,
    Path(path): Path<String>,
    req: Request,
) -> Response {
    // Names never start with a dot: such a segment is an in-flight temp file or not ours.
    if path.split('/').any(|seg| seg.starts_with('.')) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let key = format!("images/{path}");
    let ext = path.rsplit('.').next().unwrap_or("");
    let mime = upstage_library::view::mime_of(ext)
        .parse()
        .unwrap_or(mime::APPLICATION_OCTET_STREAM);
    let mut resp = match state.storage.local_path(&key) {
        Some(file) => match serve_path(&file, &mime, req).await {
            Some(r) => r,
            None => return StatusCode::NOT_FOUND.into_response(),
        },
        None => match serve_object(&state, key, &mime, req).await {
            Ok(r) => r,
            Err(status) => return status.into_response(),
        },
    };
    let h = resp.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// `If-None-Match` uses the weak comparison (RFC 9110 §13.1.2): `W/` prefixes are ignored.
fn etag_matches(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|t| {
        t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag.strip_prefix("W/").unwrap_or(etag)
    })
}

/// A file on local disk: `ServeFile` does Range, If-Modified-Since and HEAD; the ETag comes
/// from size and mtime, so validating never reads the file.
async fn serve_path(file: &std::path::Path, mime: &mime::Mime, req: Request) -> Option<Response> {
    let meta = match tokio::fs::metadata(file).await {
        Ok(m) if m.is_file() => m,
        _ => return None,
    };
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    let etag = format!("\"{:x}-{:x}\"", meta.len(), mtime);
    if not_modified(&req, &etag) {
        return Some(with_etag(StatusCode::NOT_MODIFIED.into_response(), &etag));
    }
    let resp = match ServeFile::new_with_mime(file, mime).oneshot(req).await {
        Ok(r) => r.into_response(),
        Err(e) => match e {},
    };
    Some(with_etag(resp, &etag))
}

/// An object in a remote backend (object storage, a plugin): its size first, then only the
/// bytes asked for (`Range` gets 206), streamed piece by piece as the client takes them. Names
/// never change content, so a hash of the key and size is a strong validator.
async fn serve_object(
    state: &Shared,
    key: String,
    mime: &mime::Mime,
    req: Request,
) -> Result<Response, StatusCode> {
    let storage = state.storage.clone();
    let k = key.clone();
    let size = tokio::task::spawn_blocking(move || storage.size(&k))
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let size = match size {
        Ok(n) => n,
        Err(e) if e.kind == upstage_storage::StorageErrorKind::NotFound => {
            return Err(StatusCode::NOT_FOUND)
        }
        Err(e) => {
            tracing::warn!("reading {key}: {e}");
            return Err(StatusCode::BAD_GATEWAY);
        }
    };
    let etag = object_etag(&key, size);
    if not_modified(&req, &etag) {
        return Ok(with_etag(StatusCode::NOT_MODIFIED.into_response(), &etag));
    }
    let h = req.headers();
    // `If-Range` with another validator: the client's part is stale, so it gets everything.
    let range_applies = h
        .get(header::IF_RANGE)
        .is_none_or(|v| v.to_str().is_ok_and(|v| v == etag));
    let asked = h.get(header::RANGE).and_then(|v| v.to_str().ok());
    let wanted = if range_applies {
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
            return Ok(with_etag(resp, &etag));
        }
    };
    let body = if req.method() == axum::http::Method::HEAD {
        axum::body::Body::empty()
    } else {
        pieces(state.storage.clone(), key, start, len)
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if status == StatusCode::PARTIAL_CONTENT {
        let r = format!("bytes {start}-{}/{size}", start + len - 1);
        if let Ok(v) = HeaderValue::from_str(&r) {
            h.insert(header::CONTENT_RANGE, v);
        }
    }
    Ok(with_etag(resp, &etag))
}

/// Bytes `start..start + len` of `key`, read one piece at a time off the async workers.
fn pieces(
    storage: std::sync::Arc<dyn upstage_storage::Storage>,
    key: String,
    start: u64,
    len: u64,
) -> axum::body::Body {
    let stream = futures_util::stream::try_unfold((start, len), move |(at, left)| {
        let (storage, key) = (storage.clone(), key.clone());
        async move {
            if left == 0 {
                return Ok(None);
            }
            let n = left.min(PIECE);
            let k = key.clone();
            let read = tokio::task::spawn_blocking(move || storage.get_range(&k, at, n))
                .await
                .map_err(std::io::Error::other)?;
            let mut bytes = match read {
                // Shorter than its size said: stop rather than loop or send less than promised.
                Ok(b) if b.is_empty() => Err(format!("{key} ended at byte {at}")),
                Ok(b) => Ok(b),
                Err(e) => Err(format!("reading {key} at byte {at}: {e}")),
            }
            .map_err(|why| {
                tracing::warn!("{why}");
                std::io::Error::other(why)
            })?;
            bytes.truncate(usize::try_from(left).unwrap_or(usize::MAX));
            let got = bytes.len() as u64;
            Ok::<_, std::io::Error>(Some((
                axum::body::Bytes::from(bytes),
                (at + got, left - got),
            )))
        }
    });
    axum::body::Body::from_stream(stream)
}

fn object_etag(key: &str, len: u64) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    format!("\"{:x}-{:x}\"", len, h.finish())
}

fn not_modified(req: &Request, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| etag_matches(v, etag))
}

fn with_etag(mut resp: Response, etag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(etag) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    #[test]
    fn if_none_match_is_weak() {
        let e = "\"1f-2a\"";
        assert!(super::etag_matches("\"1f-2a\"", e));
        assert!(super::etag_matches("W/\"1f-2a\"", e));
        assert!(super::etag_matches("\"x\", \"1f-2a\"", e));
        assert!(super::etag_matches("*", e));
        assert!(!super::etag_matches("\"1f-2b\"", e));
    }
}
