//! Stored files: served from the storage root with the right type, validators and a long cache
//! (names never change content: a new upload gets a new name).

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::state::Shared;

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
    let mime = crate::urls::mime_of(ext)
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

/// An object in a remote backend, fetched whole (objects are bounded by the upload limits).
/// Names never change content, so a hash of the key and size is a strong validator.
async fn serve_object(
    state: &Shared,
    key: String,
    mime: &mime::Mime,
    req: Request,
) -> Result<Response, StatusCode> {
    let storage = state.storage.clone();
    let k = key.clone();
    let bytes = tokio::task::spawn_blocking(move || storage.get(&k))
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) if e.kind == upstage_storage::StorageErrorKind::NotFound => {
            return Err(StatusCode::NOT_FOUND)
        }
        Err(e) => {
            tracing::warn!("reading {key}: {e}");
            return Err(StatusCode::BAD_GATEWAY);
        }
    };
    let etag = object_etag(&key, bytes.len());
    if not_modified(&req, &etag) {
        return Ok(with_etag(StatusCode::NOT_MODIFIED.into_response(), &etag));
    }
    let len = bytes.len();
    let body = if req.method() == axum::http::Method::HEAD {
        axum::body::Body::empty()
    } else {
        axum::body::Body::from(bytes)
    };
    let mut resp = Response::new(body);
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    Ok(with_etag(resp, &etag))
}

fn object_etag(key: &str, len: usize) -> String {
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
