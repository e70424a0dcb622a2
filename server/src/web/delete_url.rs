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

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use maud::html;

use super::layout::{self, Ctx, Doc};
use super::page::{self, Kind};
use super::viewer::{display_title, preview_url};
use crate::client_ip::Peer;
use crate::state::{AppState, Shared};
use upstage_library::auth::digest::{self, Verdict};
use upstage_library::db::ImageRow;
use upstage_library::view::ImageUrls;

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
    let ip = crate::client_ip::of_peer(&state.cfg, peer, headers);
    if state.failures.blocked(&ip) {
        return Err(page::too_many_failures(state, headers));
    }
    let Ok(Path((segment, token))) = path else {
        return Err(page::not_found(state, headers));
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
        Err(page::not_found(state, headers))
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
    let ctx = Ctx::new(&state, &headers, None);
    let title = display_title(&row);
    // No `action`: the form posts back to this very URL, token included.
    let body = html! {
        div.confirm {
            h1 { (ctx.t(if row.kind == "video" { "delete.ask_video" } else { "delete.ask_image" })) }
            @if let Some(src) = preview_url(&row, &u) {
                p { img src=(src) alt=(title); }
            }
            p { strong { (title) } }
            p { (ctx.t("delete.warning")) }
            form method="post" {
                button.danger type="submit" { (ctx.t("delete.button")) }
            }
            p { a href=(u.path_viewer) { (ctx.t("delete.cancel")) } }
        }
    };
    let doc = Doc {
        title: &title,
        body,
        noindex: true,
        ..Doc::default()
    };
    page::html(
        &state,
        StatusCode::OK,
        Kind::Private,
        layout::render(&ctx, doc),
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
    let ctx = Ctx::new(&state, &headers, None);
    let body = html! {
        div.center {
            h1 { (ctx.t("delete.done_title")) }
            p { (ctx.t("delete.done")) }
            p { a.button.primary href=(ctx.href("/")) { (ctx.t("delete.home")) } }
        }
    };
    let doc = Doc {
        title: ctx.t("delete.done_title"),
        body,
        noindex: true,
        ..Doc::default()
    };
    page::html(
        &state,
        StatusCode::OK,
        Kind::Private,
        layout::render(&ctx, doc),
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
