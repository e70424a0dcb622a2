//! The viewer page (`/<route>/<slug>.<id>`) and the short URL (`/<route>/<id>`), which is just a
//! non-canonical path: every path that names a live image but is not exactly its `path_viewer`
//! (short URL, old or wrong slug, the other route type, a trailing slash) gets a 302 to it.

use axum::extract::rejection::PathRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::layout::Ctx;
use super::page::{self, Kind};
use super::queries;
use crate::state::{AppState, Shared};
use upstage_library::db::ImageRow;
use upstage_library::view::ImageUrls;

pub async fn show(
    State(state): State<Shared>,
    segment: Result<Path<String>, PathRejection>,
    OriginalUri(uri): OriginalUri,
    method: Method,
    headers: HeaderMap,
) -> Response {
    // A segment that is not valid UTF-8 once decoded cannot name an image.
    let Ok(Path(segment)) = segment else {
        return page::not_found(&state, &headers);
    };
    let row = match super::live_image_or_page(&state, &segment, &headers).await {
        Ok(row) => row,
        Err(resp) => return resp,
    };
    let urls = ImageUrls::new(&row, &state);
    // Routes are mounted at the root: a proxy serving the site under a base path strips it.
    let canonical = urls
        .path_viewer
        .strip_prefix(state.base_path.as_str())
        .unwrap_or(&urls.path_viewer);
    // Compared decoded, so a proxy or client that re-encodes the slug differently (`%c3` vs
    // `%C3`, or raw UTF-8) is served instead of redirected in a loop.
    if decoded(uri.path()) != decoded(canonical) {
        return found(&state, &headers, &urls.path_viewer);
    }
    let tags = match state.db.image_tags(row.id).await {
        Ok(t) => t,
        Err(e) => return page::server_error(&state, &headers, &e),
    };
    let mut views = row.views;
    // HEAD (link checkers, previews asking for headers only) is not a view.
    if method == Method::GET {
        match queries::add_view(&state.db, row.id).await {
            Ok(()) => views += 1,
            Err(e) => tracing::warn!(
                request_id = %page::request_id(&headers),
                "could not count a view: {e}"
            ),
        }
    }
    // The album link is a nicety: a failed lookup leaves it out rather than failing the page.
    let album = match row.album_id {
        Some(id) => state.db.album(id).await.ok().flatten().map(|a| {
            let path = super::album_path(&a.name, &state.ids.encode(a.id as u64));
            (a.name, format!("{}{path}", state.base_path))
        }),
        None => None,
    };
    let ctx = Ctx::new(&state, &headers, Some(&uri));
    let doc = super::viewer_page::render(&ctx, &row, &urls, &tags, views, album);
    // NSFW pages stay out of search engines and link previews.
    let kind = if row.nsfw == 1 {
        Kind::Unlisted
    } else {
        Kind::Public
    };
    let resp = page::html(&state, StatusCode::OK, kind, doc);
    page::remember_lang(resp, uri.query())
}

fn decoded(path: &str) -> std::borrow::Cow<'_, str> {
    percent_encoding::percent_decode_str(path).decode_utf8_lossy()
}

fn found(state: &AppState, headers: &HeaderMap, location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, v),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
        )
            .into_response(),
        // Built from percent-encoded parts, so this does not happen; never redirect to junk.
        Err(_) => page::not_found(state, headers),
    }
}

/// The picture, links and files a page shows for one image.
pub(super) struct Media {
    /// Shown on the page: the medium when there is one, else the main file. Animated images
    /// show the main file: their medium is a still of the first frame.
    pub(super) shown: String,
    pub(super) shown_size: (i64, i64),
    /// The still used in embed codes: the main file of an image, the frame of a video.
    pub(super) full: Option<String>,
    pub(super) medium: Option<String>,
    pub(super) thumb: Option<String>,
    pub(super) frame: Option<String>,
}

impl Media {
    pub(super) fn of(row: &ImageRow, u: &ImageUrls) -> Self {
        let bit = |b: i64| row.chain & b != 0;
        let medium = bit(2).then(|| u.file_url(".md", &u.derived_ext));
        let thumb = bit(1).then(|| u.file_url(".th", &u.derived_ext));
        let frame = bit(16).then(|| u.file_url(".fr", "jpeg"));
        let (shown, shown_size) = match &medium {
            Some(m) if row.kind != "video" && row.is_animated == 0 => {
                (m.clone(), (row.medium_width, row.medium_height))
            }
            _ => (u.main_url.clone(), (row.width, row.height)),
        };
        Media {
            shown,
            shown_size,
            full: if row.kind == "video" {
                frame.clone()
            } else {
                Some(u.main_url.clone())
            },
            medium,
            thumb,
            frame,
        }
    }

    /// A small picture for the delete confirmation: thumb, else frame/medium, else the main file.
    pub fn preview(&self) -> Option<&str> {
        self.thumb
            .as_deref()
            .or(self.frame.as_deref())
            .or(self.medium.as_deref())
            .or(self.full.as_deref())
    }
}

/// The title a page shows: the image title, else its file name (`display_title`).
pub fn display_title(row: &ImageRow) -> String {
    row.title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| format!("{}.{}", row.name, row.extension))
}

/// The URL of the small picture the delete confirmation shows, if any.
pub fn preview_url(row: &ImageRow, u: &ImageUrls) -> Option<String> {
    Media::of(row, u).preview().map(str::to_owned)
}
