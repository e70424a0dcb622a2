//! The viewer page's markup: the picture (aspect ratio kept, animations playing, NSFW blurred
//! behind a click-through), title, description, facts, tags and the embed codes with copy
//! buttons.

use maud::{html, Markup};

use super::embed::embed_codes;
use super::layout::{self, Ctx, Doc};
use super::viewer::{display_title, Media};
use crate::db::ImageRow;
use upstage_library::text::format_bytes;
use upstage_library::view::{mime_of, ImageUrls};

/// `album` is the name and path of the image's album, if it has one.
pub(super) fn render(
    ctx: &Ctx,
    row: &ImageRow,
    u: &ImageUrls,
    tags: &[String],
    views: i64,
    album: Option<(String, String)>,
) -> String {
    let m = Media::of(row, u);
    let title = display_title(row);
    let is_video = row.kind == "video";
    let nsfw = row.nsfw == 1;
    let description = row.description.as_deref().filter(|d| !d.trim().is_empty());
    let summary = description.map(|d| {
        let flat = d.split_whitespace().collect::<Vec<_>>().join(" ");
        flat.chars().take(200).collect::<String>()
    });
    let head = html! {
        link rel="canonical" href=(u.url_viewer);
        meta property="og:type" content=(if is_video { "video.other" } else { "website" });
        meta property="og:title" content=(title);
        meta property="og:url" content=(u.url_viewer);
        // An NSFW picture is never handed to link previews.
        @if !nsfw {
            @if let Some(img) = m.medium.as_ref().or(m.full.as_ref()) {
                meta property="og:image" content=(img);
                meta name="twitter:card" content="summary_large_image";
            }
            @if is_video { meta property="og:video" content=(u.main_url); }
        }
        @if let Some(s) = &summary {
            meta name="description" content=(s);
            meta property="og:description" content=(s);
        }
    };
    let body = html! {
        figure.media.nsfw[nsfw] #media {
            (picture(ctx, row, u, &m, &title, nsfw))
            @if nsfw {
                div.nsfw-gate {
                    p { span.badge { "NSFW" } " " (ctx.t("viewer.nsfw_note")) }
                    button.primary type="button" data-reveal="media" { (ctx.t("viewer.nsfw_show")) }
                }
            }
        }
        h1 { (title) }
        @if nsfw { p { span.badge { "NSFW" } } }
        @if let Some(d) = description {
            p.desc {
                @for (i, line) in d.replace("\r\n", "\n").replace('\r', "\n").split('\n').enumerate() {
                    @if i > 0 { br; }
                    (line)
                }
            }
        }
        ul.meta {
            li { (row.extension.to_uppercase()) }
            li { (format_bytes(row.size.max(0) as u64)) }
            li { (row.width) " × " (row.height) " px" }
            @if is_video && row.duration > 0 {
                li { (row.duration / 60) ":" (format!("{:02}", row.duration % 60)) }
            }
            li { (if views == 1 { ctx.t("viewer.view").to_owned() } else { ctx.tf("viewer.views", &[("n", &views.to_string())]) }) }
            li { (ctx.t("viewer.uploaded")) " " (time_utc(&row.date_gmt)) }
            @if let Some(x) = &row.expiration_date_gmt {
                li { (ctx.t("viewer.expires")) " " (time_utc(x)) }
            }
        }
        @if let Some((name, path)) = &album {
            p { (ctx.t("viewer.in_album")) " " a href=(path) { (name) } }
        }
        @if !tags.is_empty() {
            ul.tags aria-label=(ctx.t("viewer.tags")) {
                @for t in tags {
                    li { a href=(ctx.href(&tag_path(t))) { (t) } }
                }
            }
        }
        h2 { (ctx.t("viewer.share")) }
        (codes(ctx, row, u, &m))
    };
    let doc = Doc {
        title: &title,
        head: Some(head),
        body,
        noindex: nsfw,
        ..Doc::default()
    };
    layout::render(ctx, doc)
}

/// `/tag/<name>`, the name percent-encoded like the API's `tags[].url_key`.
pub(super) fn tag_path(name: &str) -> String {
    format!(
        "/tag/{}",
        percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
    )
}

fn picture(ctx: &Ctx, row: &ImageRow, u: &ImageUrls, m: &Media, title: &str, nsfw: bool) -> Markup {
    let (w, h) = if row.kind == "video" {
        (row.width, row.height)
    } else {
        m.shown_size
    };
    let sized = w > 0 && h > 0;
    if row.kind == "video" {
        return html! {
            video controls preload="metadata" playsinline poster=[m.frame.as_deref()]
                width=[sized.then_some(w)] height=[sized.then_some(h)] {
                source src=(u.main_url) type=(mime_of(&row.extension));
                a href=(u.main_url) { (ctx.t("viewer.download_video")) }
            }
        };
    }
    let img = html! {
        img src=(m.shown) width=[sized.then_some(w)] height=[sized.then_some(h)] alt=(title);
    };
    // A blurred picture must not be one click away from the raw file.
    if nsfw {
        img
    } else {
        html! { a href=(u.main_url) { (img) } }
    }
}

fn codes(ctx: &Ctx, row: &ImageRow, u: &ImageUrls, m: &Media) -> Markup {
    let mut n = 0;
    html! {
        @for g in embed_codes(ctx, row, u, m) {
            h3 { (g.title) }
            section.embed {
                @for (label, code, is_link) in &g.codes {
                    @let id = { n += 1; format!("embed-{n}") };
                    div.code {
                        label for=(id) { (label) }
                        div.row {
                            @if *is_link {
                                input id=(id) type="text" readonly value=(code);
                            } @else {
                                textarea id=(id) rows=(rows_for(code)) readonly { (code) }
                            }
                            button.copy type="button" data-copy=(id) hidden { (ctx.t("copy")) }
                        }
                    }
                }
            }
        }
    }
}

/// Enough rows to show a code whole in a narrow column (the stylesheet also sizes fields to
/// their content where the browser can).
fn rows_for(code: &str) -> usize {
    (code.chars().count() / 34 + 1).clamp(2, 12)
}

/// A stored `Y-m-d H:i:s` UTC date as a `<time>` element.
fn time_utc(date_gmt: &str) -> Markup {
    match crate::db::parse_date(date_gmt) {
        Some(d) => html! {
            time datetime=(d.format("%Y-%m-%dT%H:%M:%SZ")) { (d.format("%Y-%m-%d %H:%M")) " UTC" }
        },
        None => html! { (date_gmt) },
    }
}
