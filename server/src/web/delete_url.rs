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

use std::time::Duration;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use tokio::sync::Semaphore;

use maud::html;

use super::layout::{self, Ctx, Doc};
use super::page::{self, Kind};
use super::viewer::{display_title, preview_url};
use crate::state::{AppState, Shared};
use upstage_library::db::ImageRow;
use upstage_library::view::ImageUrls;

/// Argon2 verifications running at once (each takes tens of milliseconds and ~19 MiB): guessing
/// tokens in bulk cannot take the whole machine.
static VERIFY: Semaphore = Semaphore::const_new(4);

/// Tokens are hex; allow any URL-safe token of sane length (a migrated site may differ) and
/// refuse the rest without hashing anything.
fn plausible(token: &str) -> bool {
    (8..=256).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// The image, when the token is its delete token; otherwise the page to answer with (404).
async fn authorised(
    state: &AppState,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: &HeaderMap,
) -> Result<ImageRow, Response> {
    let Ok(Path((segment, token))) = path else {
        return Err(page::not_found(state, headers));
    };
    let row = super::live_image_or_page(state, &segment, headers).await?;
    if !plausible(&token) {
        return Err(page::not_found(state, headers));
    }
    let verified = {
        let _permit = tokio::time::timeout(Duration::from_secs(30), VERIFY.acquire())
            .await
            .map_err(|_| page::server_error(state, headers, &"delete token check timed out"))?
            .map_err(|e| page::server_error(state, headers, &e))?;
        let hash = row.delete_hash.clone();
        tokio::task::spawn_blocking(move || upstage_library::auth::verify_secret(&token, &hash))
            .await
            .map_err(|e| page::server_error(state, headers, &e))?
    };
    if verified {
        Ok(row)
    } else {
        Err(page::not_found(state, headers))
    }
}

/// GET/HEAD: ask first. Nothing is changed.
pub async fn confirm(
    State(state): State<Shared>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let row = match authorised(&state, path, &headers).await {
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
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let row = match authorised(&state, path, &headers).await {
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
