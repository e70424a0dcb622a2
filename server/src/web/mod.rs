//! The web front: the uploader (`/`), static assets, `robots.txt`, and the routes the API's
//! responses point at: stored files, the viewer page, the short URL and the delete URL (made
//! safe: see docs/compatibility.md). Every page is a maud template in one layout.
//!
//! Under each route prefix (`image`, `video` by default):
//!
//! | path                               | method            | answer                                   |
//! |------------------------------------|-------------------|------------------------------------------|
//! | `/<route>/<slug>.<id>` (canonical) | GET, HEAD         | the viewer page (GET counts a view)      |
//! | `/<route>/<anything>.<id>`, `/<route>/<id>`, other route | GET, HEAD | 302 to the canonical path |
//! | `/<route>/<…id>/delete/<token>`    | GET, HEAD         | confirmation page (never deletes)        |
//! | `/<route>/<…id>/delete/<token>`    | POST, DELETE      | deletes, then a "Deleted" page (200)     |
//! | anything else under `/<route>`     | any               | 404 page                                 |
//!
//! Unknown, zero, expired (not yet swept) and unapproved ids are 404 everywhere, and a wrong or
//! missing delete token is 404 too, so a delete URL reveals nothing about other images.

mod album_page;
mod api_docs;
mod assets;
mod delete_url;
mod embed;
mod files;
mod home;
pub mod i18n;
mod layout;
mod page;
mod queries;
mod viewer;
mod viewer_page;

use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{any, get};
use axum::Router;

pub use album_page::album_path;
pub use api_docs::api_root;
pub use upstage_library::delete::{chain_keys, delete_files, delete_image, DeleteError};

use upstage_library::db::ImageRow;

use crate::state::{AppState, Shared};

/// Top-level paths other routes own; a route prefix may not take them.
const RESERVED: [&str; 8] = [
    "api",
    "images",
    "healthz",
    "static",
    "album",
    "tag",
    "robots.txt",
    "favicon.ico",
];

pub fn routes(state: &Shared) -> Router<Shared> {
    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/images/{*path}", get(files::serve))
        .route("/", get(home::show))
        .route("/static/{*name}", get(assets::serve))
        .route("/robots.txt", get(assets::robots))
        .route("/favicon.ico", get(assets::favicon))
        .route("/album/{segment}", get(album_page::album))
        .route("/tag/{name}", get(album_page::tag));
    let mut prefixes: Vec<&str> = Vec::new();
    for route in [&state.cfg.routes.image, &state.cfg.routes.video] {
        let route = route.trim_matches('/');
        if !usable_prefix(route) {
            tracing::error!(
                route,
                "route prefix not mounted: use letters, digits, '-', '_' or '.', and none of {RESERVED:?}"
            );
            continue;
        }
        if prefixes.contains(&route) {
            continue;
        }
        prefixes.push(route);
        router = router
            .route(&format!("/{route}"), any(not_found))
            .route(&format!("/{route}/"), any(not_found))
            .route(&format!("/{route}/{{segment}}"), get(viewer::show))
            .route(&format!("/{route}/{{segment}}/"), get(viewer::show))
            .route(
                &format!("/{route}/{{segment}}/delete/{{token}}"),
                get(delete_url::confirm)
                    .post(delete_url::delete)
                    .delete(delete_url::delete),
            )
            .route(&format!("/{route}/{{segment}}/{{*rest}}"), any(not_found));
    }
    router
}

fn usable_prefix(route: &str) -> bool {
    !route.is_empty()
        && !RESERVED.contains(&route)
        && route != "."
        && route != ".."
        && route
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

async fn not_found(
    axum::extract::State(state): axum::extract::State<Shared>,
    headers: HeaderMap,
) -> Response {
    page::not_found(&state, &headers)
}

/// The image a path segment (`<anything>.<id_encoded>` or `<id_encoded>`) names, if it is live:
/// present, approved and not expired. Anything else reads as "not found".
async fn live_image(
    state: &AppState,
    segment: &str,
) -> Result<Option<ImageRow>, upstage_library::db::DbError> {
    let encoded = segment.rsplit('.').next().unwrap_or_default();
    let Some(id) = state
        .ids
        .decode(encoded)
        .and_then(|id| i64::try_from(id).ok())
    else {
        return Ok(None);
    };
    let Some(row) = state.db.image(id).await? else {
        return Ok(None);
    };
    // Same comparison as the sweeper's (`expiration_date_gmt <= now`, fixed-width text dates),
    // so an image is gone from the pages exactly when the sweeper would take it.
    let now = upstage_library::db::now_gmt();
    let expired = row
        .expiration_date_gmt
        .as_deref()
        .is_some_and(|e| e <= now.as_str());
    // Nothing here can show an unapproved image to a moderator (no sessions), so it is hidden.
    if expired || row.is_approved == 0 {
        return Ok(None);
    }
    Ok(Some(row))
}

/// `live_image`, with "not found" and failures already turned into pages.
async fn live_image_or_page(
    state: &AppState,
    segment: &str,
    headers: &HeaderMap,
) -> Result<ImageRow, Response> {
    match live_image(state, segment).await {
        Ok(Some(row)) => Ok(row),
        Ok(None) => Err(page::not_found(state, headers)),
        Err(e) => Err(page::server_error(state, headers, &e)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn route_prefixes() {
        for ok in ["image", "video", "clip", "i", "my-pics", "a.b"] {
            assert!(super::usable_prefix(ok), "{ok}");
        }
        for bad in [
            "", "api", "images", "healthz", "a/b", "{x}", "a b", "..", "ü",
        ] {
            assert!(!super::usable_prefix(bad), "{bad}");
        }
    }
}
