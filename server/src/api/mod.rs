//! `/api/1/upload`: the Chevereto API V1.1 endpoint.

pub(crate) mod albums;
mod base64;
pub(crate) mod cors;
mod disposition;
mod error;
mod expiration;
mod key_check;
pub mod options;
pub(crate) mod params;
mod record;
mod request_id;
mod respond;
mod response;
mod spool;
pub mod store;
mod tags;
mod upload;
mod url_guard;
pub mod url_source;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::routing::{any, get};
use axum::Router;

pub use error::ApiError;
pub use response::{build as build_image_json, format_bytes, html_escape, ImageJson};
pub use upload::missing_version;

use crate::state::Shared;

pub const JSON_UTF8: &str = "application/json; charset=UTF-8";

/// The OpenAPI document of the API (also rendered as the `/api` page).
pub const OPENAPI: &str = include_str!("openapi.json");

/// `format`: anything but `txt` and `redirect` is JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseFormat {
    Json,
    Txt,
    Redirect,
}

impl ResponseFormat {
    pub fn parse(v: Option<&str>) -> Self {
        match v {
            Some("txt") => ResponseFormat::Txt,
            Some("redirect") => ResponseFormat::Redirect,
            _ => ResponseFormat::Json,
        }
    }
}

/// The reference sends API responses uncacheable.
pub fn no_cache(h: &mut HeaderMap) {
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache, must-revalidate"),
    );
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    h.insert(header::EXPIRES, HeaderValue::from_static("0"));
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .merge(albums::routes())
        .route("/api/1/openapi.json", get(openapi))
        .route("/api", any(crate::web::api_root))
        .route("/api/", any(crate::web::api_root))
        .route("/api/{version}", any(upload::missing_action))
        .route("/api/{version}/", any(upload::missing_action))
        .route("/api/{version}/{action}", any(upload::handle))
        .route("/api/{version}/{action}/", any(upload::handle))
        .route("/api/{version}/{action}/{*rest}", any(upload::handle_extra))
        // Bodies are bounded while they stream (`params`): the file by the upload limit, text
        // fields by a budget. axum's 2 MB default would refuse ordinary photos.
        .layer(DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn(request_id::scope))
}

async fn openapi() -> impl axum::response::IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}
