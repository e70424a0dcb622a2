//! `/api/1/upload`: the Chevereto API V1.1 endpoint. It parses the request, calls the library
//! service and answers in the asked format; library failures become the Chevereto error shape in
//! `error` only. Submodules name each other directly (never through this module), so the
//! dependencies between them form no cycle.

pub(crate) mod albums;
mod base64;
pub(crate) mod cors;
mod disposition;
mod error;
mod format;
mod key_check;
mod options;
pub(crate) mod params;
mod request_id;
mod respond;
mod spool;
pub mod spooled;
mod upload;
mod url_guard;
pub mod url_source;

use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::routing::{any, get};
use axum::Router;

pub use error::ApiError;
pub use format::{no_cache, ResponseFormat, JSON_UTF8};
/// Every parameter the upload endpoint reads (the OpenAPI document must list the same).
pub use params::NAMES as PARAMETERS;

pub use upload::missing_version;

use crate::state::Shared;

/// The OpenAPI document of the API (also rendered as the `/api` page).
pub const OPENAPI: &str = include_str!("openapi.json");

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
