//! The delete URL, `/<route>/<anything>.<id>/delete/<token>` (also `/<route>/<id>/delete/<token>`).
//!
//! Unlike Chevereto, a GET never deletes (docs/compatibility.md): chat apps and mail scanners fetch
//! every URL they see. GET and HEAD show a confirmation page with a POST form; POST (the form) or
//! DELETE (scripts) delete. A wrong token, an unknown id and an expired image are all 404, before
//! and after the deletion alike.
//!
//! A successful deletion answers **200 with a small "Deleted" page** rather than the reference's
//! redirect to `<path_viewer>?deleted` (which 404s): one round trip, a clear answer for both the
//! browser and `curl -X DELETE`, and no 404 that reads like a failure.

use std::net::SocketAddr;

use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;

use super::page::{self, Kind};
use super::viewer::{display_title, preview_url};
use crate::api::html_escape;
use crate::auth::digest::{self, Verdict};
use crate::db::ImageRow;
use crate::state::{AppState, Shared};
use crate::urls::ImageUrls;

/// The connection's address, when the server recorded it.
type Peer = Option<Extension<ConnectInfo<SocketAddr>>>;

/// Tokens are hex; allow any URL-safe token of sane length (a migrated site may differ) and
/// refuse the rest without hashing anything.
fn plausible(token: &str) -> bool {
    (8..=256).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// The image, when the token is its delete token; otherwise the page to answer with (404, or
/// 429 for an address that failed too often).
async fn authorised(
    state: &AppState,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: &HeaderMap,
    peer: Peer,
) -> Result<ImageRow, Response> {
    let ip = crate::client_ip::client_ip(&state.cfg, peer.map(|p| p.0 .0.ip()), headers);
    if state.failures.blocked(&ip) {
        return Err(page::too_many_failures(state));
    }
    let Ok(Path((segment, token))) = path else {
        return Err(page::not_found(state));
    };
    let row = super::live_image_or_page(state, &segment, headers).await?;
    let verdict = if plausible(&token) {
        digest::verify(&token, &row.delete_hash).await
    } else {
        Verdict::NoMatch
    };
    if verdict == Verdict::MatchLegacy {
        let upgraded = crate::auth::hash_secret(&token);
        state
            .db
            .upgrade_delete_hash(row.id, &row.delete_hash, &upgraded)
            .await;
    }
    if verdict.ok() {
        Ok(row)
    } else {
        state.failures.failed(&ip);
        Err(page::not_found(state))
    }
}

/// GET/HEAD: ask first. Nothing is changed.
pub async fn confirm(
    State(state): State<Shared>,
    peer: Peer,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let row = match authorised(&state, path, &headers, peer).await {
        Ok(row) => row,
        Err(resp) => return resp,
    };
    let u = ImageUrls::new(&row, &state);
    let title = display_title(&row);
    let what = if row.kind == "video" {
        "video"
    } else {
        "image"
    };
    let preview = preview_url(&row, &u)
        .map(|src| {
            format!(
                "<p><img src=\"{}\" alt=\"{}\"></p>\n",
                html_escape(&src),
                html_escape(&title)
            )
        })
        .unwrap_or_default();
    // No `action`: the form posts back to this very URL, token included.
    let body = format!(
        "<div class=\"confirm\">\n<h1>Delete this {what}?</h1>\n{preview}<p><strong>{}</strong></p>\n\
         <p>The {what} and all its files will be removed for good. This cannot be undone.</p>\n\
         <form method=\"post\">\n<button type=\"submit\" class=\"danger\">Delete</button>\n</form>\n\
         <p><a href=\"{}\">Cancel</a></p>\n</div>\n",
        html_escape(&title),
        html_escape(&u.path_viewer)
    );
    page::html(
        &state,
        StatusCode::OK,
        Kind::Private,
        page::document(&format!("Delete {title}?"), "", &body),
    )
}

/// POST/DELETE: delete the image, all its files and rows.
pub async fn delete(
    State(state): State<Shared>,
    peer: Peer,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let row = match authorised(&state, path, &headers, peer).await {
        Ok(row) => row,
        Err(resp) => return resp,
    };
    if let Err(e) = super::delete_image(&state, &row).await {
        return page::server_error(&state, &headers, &e);
    }
    tracing::info!(
        request_id = %page::request_id(&headers),
        image_id = row.id,
        "image deleted with its delete URL"
    );
    let what = if row.kind == "video" {
        "video"
    } else {
        "image"
    };
    let body = format!(
        "<div class=\"center\">\n<h1>Deleted</h1>\n<p>The {what} and all its files have been deleted.</p>\n</div>\n"
    );
    page::html(
        &state,
        StatusCode::OK,
        Kind::Private,
        page::document("Deleted", "", &body),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn implausible_tokens_are_refused_before_hashing() {
        assert!(super::plausible(&"ab12".repeat(12)));
        for bad in [
            "",
            "short",
            "a b c d e f g h",
            "<script>x</script>",
            &"a".repeat(300),
        ] {
            assert!(!super::plausible(bad), "{bad:?}");
        }
    }
}
