//! The viewer page (`/<route>/<slug>.<id>`) and the short URL (`/<route>/<id>`), which is just a
//! non-canonical path: every path that names a live image but is not exactly its `path_viewer`
//! (short URL, old or wrong slug, the other route type, a trailing slash) gets a 302 to it.

use std::fmt::Write;

use axum::extract::rejection::PathRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::embed::embed_codes;
use super::page::{self, Kind};
use super::queries;
use upstage_library::db::ImageRow;
use upstage_library::text::{format_bytes, html_escape};
use upstage_library::view::{mime_of, ImageUrls};

use crate::state::{AppState, Shared};

pub async fn show(
    State(state): State<Shared>,
    segment: Result<Path<String>, PathRejection>,
    OriginalUri(uri): OriginalUri,
    method: Method,
    headers: HeaderMap,
) -> Response {
    // A segment that is not valid UTF-8 once decoded cannot name an image.
    let Ok(Path(segment)) = segment else {
        return page::not_found(&state);
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
        return found(&state, &urls.path_viewer);
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
    let doc = render(&row, &urls, &tags, views);
    page::html(&state, StatusCode::OK, Kind::Public, doc)
}

fn decoded(path: &str) -> std::borrow::Cow<'_, str> {
    percent_encoding::percent_decode_str(path).decode_utf8_lossy()
}

fn found(state: &AppState, location: &str) -> Response {
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
        Err(_) => page::not_found(state),
    }
}

/// The picture, links and files a page shows for one image.
pub(super) struct Media {
    /// Shown on the page: the medium when there is one, else the main file.
    shown: String,
    shown_size: (i64, i64),
    /// The still used in embed codes: the main file of an image, the frame of a video.
    pub(super) full: Option<String>,
    pub(super) medium: Option<String>,
    pub(super) thumb: Option<String>,
    frame: Option<String>,
}

impl Media {
    fn of(row: &ImageRow, u: &ImageUrls) -> Self {
        let bit = |b: i64| row.chain & b != 0;
        let medium = bit(2).then(|| u.file_url(".md", &u.derived_ext));
        let thumb = bit(1).then(|| u.file_url(".th", &u.derived_ext));
        let frame = bit(16).then(|| u.file_url(".fr", "jpeg"));
        let (shown, shown_size) = match &medium {
            Some(m) if row.kind != "video" => (m.clone(), (row.medium_width, row.medium_height)),
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

fn render(row: &ImageRow, u: &ImageUrls, tags: &[String], views: i64) -> String {
    let m = Media::of(row, u);
    let title = display_title(row);
    let is_video = row.kind == "video";
    let e = html_escape;

    let mut head = String::new();
    let _ = writeln!(
        head,
        "<link rel=\"canonical\" href=\"{}\">",
        e(&u.url_viewer)
    );
    for (p, v) in [
        ("og:type", if is_video { "video.other" } else { "website" }),
        ("og:title", title.as_str()),
        ("og:url", u.url_viewer.as_str()),
    ] {
        let _ = writeln!(head, "<meta property=\"{p}\" content=\"{}\">", e(v));
    }
    if let Some(img) = m.medium.as_ref().or(m.full.as_ref()) {
        let _ = writeln!(head, "<meta property=\"og:image\" content=\"{}\">", e(img));
        let _ = writeln!(
            head,
            "<meta name=\"twitter:card\" content=\"summary_large_image\">"
        );
    }
    if is_video {
        let _ = writeln!(
            head,
            "<meta property=\"og:video\" content=\"{}\">",
            e(&u.main_url)
        );
    }
    if let Some(d) = row.description.as_deref().filter(|d| !d.trim().is_empty()) {
        let flat = d.split_whitespace().collect::<Vec<_>>().join(" ");
        let short: String = flat.chars().take(200).collect();
        let _ = writeln!(
            head,
            "<meta name=\"description\" content=\"{}\">",
            e(&short)
        );
        let _ = writeln!(
            head,
            "<meta property=\"og:description\" content=\"{}\">",
            e(&short)
        );
    }

    let mut body = String::new();
    let dims = |(w, h): (i64, i64)| {
        if w > 0 && h > 0 {
            format!(" width=\"{w}\" height=\"{h}\"")
        } else {
            String::new()
        }
    };
    body.push_str("<figure class=\"media\">\n");
    if is_video {
        let poster = m
            .frame
            .as_deref()
            .map(|f| format!(" poster=\"{}\"", e(f)))
            .unwrap_or_default();
        let _ = writeln!(
            body,
            "<video controls preload=\"metadata\" playsinline{poster}{}>\n\
             <source src=\"{}\" type=\"{}\">\n\
             <a href=\"{}\">Download the video</a>\n</video>",
            dims((row.width, row.height)),
            e(&u.main_url),
            mime_of(&row.extension),
            e(&u.main_url),
        );
    } else {
        let _ = writeln!(
            body,
            "<a href=\"{}\"><img src=\"{}\"{} alt=\"{}\"></a>",
            e(&u.main_url),
            e(&m.shown),
            dims(m.shown_size),
            e(&title)
        );
    }
    body.push_str("</figure>\n");

    let _ = writeln!(body, "<h1>{}</h1>", e(&title));
    if row.nsfw == 1 {
        body.push_str("<p><span class=\"badge\">NSFW</span></p>\n");
    }
    if let Some(d) = row.description.as_deref().filter(|d| !d.trim().is_empty()) {
        let lines = e(d)
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\n', "<br>\n");
        let _ = writeln!(body, "<p class=\"desc\">{lines}</p>");
    }

    body.push_str("<ul class=\"meta\">\n");
    let mut meta = vec![
        row.extension.to_uppercase(),
        format_bytes(row.size.max(0) as u64),
        format!("{} × {} px", row.width, row.height),
    ];
    if is_video && row.duration > 0 {
        meta.push(format!("{}:{:02}", row.duration / 60, row.duration % 60));
    }
    meta.push(format!("{views} view{}", if views == 1 { "" } else { "s" }));
    for item in meta {
        let _ = writeln!(body, "<li>{}</li>", e(&item));
    }
    let _ = writeln!(body, "<li>Uploaded {}</li>", time_utc(&row.date_gmt));
    if let Some(x) = &row.expiration_date_gmt {
        let _ = writeln!(body, "<li>Expires {}</li>", time_utc(x));
    }
    body.push_str("</ul>\n");

    if !tags.is_empty() {
        body.push_str("<ul class=\"tags\" aria-label=\"Tags\">\n");
        for t in tags {
            let _ = writeln!(body, "<li>{}</li>", e(t));
        }
        body.push_str("</ul>\n");
    }

    body.push_str("<h2>Share</h2>\n");
    let mut n = 0;
    for (group, codes) in embed_codes(row, u, &m) {
        let _ = writeln!(body, "<h3>{}</h3>\n<section class=\"embed\">", e(group));
        for (label, code) in codes {
            n += 1;
            let field = if group == "Links" {
                format!(
                    "<input id=\"embed-{n}\" type=\"text\" readonly value=\"{}\">",
                    e(&code)
                )
            } else {
                format!(
                    "<textarea id=\"embed-{n}\" rows=\"3\" readonly>{}</textarea>",
                    e(&code)
                )
            };
            let _ = writeln!(
                body,
                "<div><label for=\"embed-{n}\">{}</label>{field}</div>",
                e(&label)
            );
        }
        body.push_str("</section>\n");
    }
    page::document(&title, &head, &body)
}

/// A stored `Y-m-d H:i:s` UTC date as a `<time>` element.
fn time_utc(date_gmt: &str) -> String {
    match upstage_library::db::parse_date(date_gmt) {
        Some(d) => format!(
            "<time datetime=\"{}\">{} UTC</time>",
            d.format("%Y-%m-%dT%H:%M:%SZ"),
            d.format("%Y-%m-%d %H:%M")
        ),
        None => html_escape(date_gmt),
    }
}
