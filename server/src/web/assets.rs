//! Same-origin static files, embedded in the binary: the stylesheet, the scripts, the string
//! catalogues the uploader reads, the favicon, and `robots.txt`. URLs carry a hash of the
//! content, so they are cached for a year and a new build is picked up at once.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::layout::Ctx;

/// `(name, content type, bytes)` of every static file.
const FILES: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/app.js"),
    ),
    (
        "upload.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/upload.js"),
    ),
    (
        "upload-ui.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/upload-ui.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("../../static/favicon.svg"),
    ),
    ("i18n/en.json", "application/json", super::i18n::EN_JSON),
    ("i18n/da.json", "application/json", super::i18n::DA_JSON),
];

/// The first 10 hex digits of each file's SHA-256, by name.
static VERSIONS: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(name, _, body)| (*name, hex::encode(&Sha256::digest(body.as_bytes())[..5])))
        .collect()
});

fn find(name: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    FILES.iter().find(|(n, _, _)| *n == name)
}

/// The URL of a static file, with its content version.
pub fn url(ctx: &Ctx, name: &str) -> String {
    let v = VERSIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, v)| v.as_str());
    ctx.href(&format!("/static/{name}?v={v}"))
}

pub async fn serve(Path(name): Path<String>) -> Response {
    match find(&name) {
        Some(&(_, mime, body)) => file(mime, body, "public, max-age=31536000, immutable"),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Browsers ask for `/favicon.ico` whatever the page says.
pub async fn favicon() -> Response {
    match find("favicon.svg") {
        Some(&(_, mime, body)) => file(mime, body, "public, max-age=86400"),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Pages are indexable except delete URLs (which also say `noindex`), the API and NSFW pages
/// (which say so themselves).
pub async fn robots() -> Response {
    file(
        "text/plain; charset=utf-8",
        "User-agent: *\nDisallow: /api/\nDisallow: /*/delete/\n",
        "public, max-age=86400",
    )
}

fn file(mime: &'static str, body: &'static str, cache: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response()
}
