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
    let Ok(file) = state.storage.path_of(&key) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let ext = path.rsplit('.').next().unwrap_or("");
    let meta = match tokio::fs::metadata(&file).await {
        Ok(m) if m.is_file() => m,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    let etag = format!("\"{:x}-{:x}\"", meta.len(), mtime);
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| etag_matches(v, &etag));
    let mut resp = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        // ServeFile does Range, If-Modified-Since and HEAD.
        match ServeFile::new_with_mime(
            &file,
            &crate::urls::mime_of(ext).parse().unwrap_or(mime_octet()),
        )
        .oneshot(req)
        .await
        {
            Ok(r) => r.into_response(),
            Err(e) => match e {},
        }
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
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

fn mime_octet() -> mime::Mime {
    mime::APPLICATION_OCTET_STREAM
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
