//! The routes the API's responses point at: stored files, the viewer page, the short URL and the
//! delete URL.

mod delete;
mod files;

use axum::routing::get;
use axum::Router;

pub use delete::delete_image;

use crate::state::Shared;

pub fn routes(_state: &Shared) -> Router<Shared> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/images/{*path}", get(files::serve))
}
