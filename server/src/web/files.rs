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
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
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

fn mime_octet() -> mime::Mime {
    mime::APPLICATION_OCTET_STREAM
}
