//! Album pages (`/album/<slug>.<id>`) and tag pages (`/tag/<name>`): a grid of thumbnails, each
//! linking to its viewer. NSFW thumbnails are blurred and such pages are not indexed.

use axum::extract::rejection::PathRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{html, Markup};

use super::layout::{self, Ctx, Doc};
use super::page::{self, Kind};
use super::viewer::{display_title, Media};
use crate::db::ImageRow;
use crate::state::{AppState, Shared};
use upstage_library::view::ImageUrls;

/// Pages show at most this many images (newest first).
const LIMIT: i64 = 500;

/// `/album/<slug>.<id>`, or `/album/<id>` when the name gives no slug.
pub fn album_path(name: &str, id_encoded: &str) -> String {
    let slug = upstage_library::view::seo_slug(name);
    if slug.is_empty() {
        format!("/album/{id_encoded}")
    } else {
        format!("/album/{slug}.{id_encoded}")
    }
}

pub async fn album(
    State(state): State<Shared>,
    segment: Result<Path<String>, PathRejection>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let Ok(Path(segment)) = segment else {
        return page::not_found(&state, &headers);
    };
    let encoded = segment.rsplit('.').next().unwrap_or_default();
    let id = state
        .ids
        .decode(encoded)
        .and_then(|i| i64::try_from(i).ok());
    let found = match id {
        Some(id) => state.db.album(id).await,
        None => Ok(None),
    };
    let album = match found {
        Ok(Some(a)) => a,
        Ok(None) => return page::not_found(&state, &headers),
        Err(e) => return page::server_error(&state, &headers, &e),
    };
    let rows = match state
        .db
        .album_images(album.id, &crate::db::now_gmt(), LIMIT)
        .await
    {
        Ok(r) => r,
        Err(e) => return page::server_error(&state, &headers, &e),
    };
    let ctx = Ctx::new(&state, &headers, Some(&uri));
    grid_page(&ctx, &album.name, &rows, uri.query())
}

pub async fn tag(
    State(state): State<Shared>,
    name: Result<Path<String>, PathRejection>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let Ok(Path(name)) = name else {
        return page::not_found(&state, &headers);
    };
    let rows = match state
        .db
        .tag_images(&name, &crate::db::now_gmt(), LIMIT)
        .await
    {
        Ok(r) => r,
        Err(e) => return page::server_error(&state, &headers, &e),
    };
    if rows.is_empty() {
        return page::not_found(&state, &headers);
    }
    let ctx = Ctx::new(&state, &headers, Some(&uri));
    let title = ctx.tf("tag.title", &[("tag", &name)]);
    grid_page(&ctx, &title, &rows, uri.query())
}

fn grid_page(ctx: &Ctx, title: &str, rows: &[ImageRow], query: Option<&str>) -> Response {
    let any_nsfw = rows.iter().any(|r| r.nsfw == 1);
    let body = html! {
        h1 { (title) }
        p.hint { (ctx.tf("album.count", &[("n", &rows.len().to_string())])) }
        @if rows.is_empty() { p { (ctx.t("album.empty")) } }
        @else { (grid(ctx.state, rows)) }
    };
    let doc = Doc {
        title,
        body,
        noindex: any_nsfw,
        ..Doc::default()
    };
    let kind = if any_nsfw {
        Kind::Unlisted
    } else {
        Kind::Public
    };
    let resp = page::html(ctx.state, StatusCode::OK, kind, layout::render(ctx, doc));
    page::remember_lang(resp, query)
}

fn grid(state: &AppState, rows: &[ImageRow]) -> Markup {
    html! {
        ul.grid {
            @for row in rows {
                @let u = ImageUrls::new(row, state);
                @let m = Media::of(row, &u);
                @let title = display_title(row);
                li.nsfw[row.nsfw == 1] {
                    a href=(u.path_viewer) {
                        @if let Some(src) = m.preview() {
                            img src=(src) alt="" loading="lazy" width="160" height="160";
                        }
                        span { (title) }
                    }
                }
            }
        }
    }
}
