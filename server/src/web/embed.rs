//! The embed codes of the viewer page: links, and HTML, Markdown and BBCode for each size (and a
//! `<video>` element for videos), in the forms people paste into forums, chats and READMEs.
//! These are code *text*: the page template escapes them again when it shows them.

use super::layout::Ctx;
use super::viewer::{display_title, Media};
use upstage_library::db::ImageRow;
use upstage_library::text::html_escape;
use upstage_library::view::{mime_of, ImageUrls};

fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Markdown link targets cannot hold a space or a bare parenthesis.
fn markdown_url(s: &str) -> String {
    s.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
}

/// BBCode has no escaping: a `]` or `[` in a URL would end the tag.
fn bbcode_url(s: &str) -> String {
    s.replace('[', "%5B").replace(']', "%5D")
}

pub(super) struct Group {
    pub title: &'static str,
    /// `(label, code, is_link)`: links are one line, codes may wrap.
    pub codes: Vec<(String, String, bool)>,
}

pub(super) fn embed_codes(ctx: &Ctx, row: &ImageRow, u: &ImageUrls, m: &Media) -> Vec<Group> {
    let alt = display_title(row);
    let viewer = &u.url_viewer;
    let mut groups = vec![Group {
        title: ctx.t("viewer.links"),
        codes: vec![
            (ctx.t("viewer.viewer_link").to_owned(), viewer.clone(), true),
            (
                ctx.t("viewer.direct_link").to_owned(),
                u.main_url.clone(),
                true,
            ),
            (
                ctx.t("viewer.short_link").to_owned(),
                u.url_short.clone(),
                true,
            ),
        ],
    }];
    if row.kind == "video" {
        let poster = m
            .frame
            .as_deref()
            .map(|f| format!(" poster=\"{}\"", html_escape(f)))
            .unwrap_or_default();
        let dims = if row.width > 0 && row.height > 0 {
            format!(" width=\"{}\" height=\"{}\"", row.width, row.height)
        } else {
            String::new()
        };
        groups.push(Group {
            title: ctx.t("viewer.video"),
            codes: vec![(
                "HTML (video)".to_owned(),
                format!(
                    "<video controls preload=\"metadata\"{poster}{dims}><source src=\"{}\" type=\"{}\"></video>",
                    html_escape(&u.main_url),
                    mime_of(&row.extension)
                ),
                false,
            )],
        });
    }
    for (title, src) in [
        (ctx.t("viewer.full"), &m.full),
        (ctx.t("viewer.medium"), &m.medium),
        (ctx.t("viewer.thumbnail"), &m.thumb),
    ] {
        let Some(src) = src else { continue };
        groups.push(Group {
            title,
            codes: vec![
                (
                    format!("HTML ({title})"),
                    format!(
                        "<a href=\"{}\"><img src=\"{}\" alt=\"{}\"></a>",
                        html_escape(viewer),
                        html_escape(src),
                        html_escape(&alt)
                    ),
                    false,
                ),
                (
                    format!("Markdown ({title})"),
                    format!(
                        "[![{}]({})]({})",
                        markdown_text(&alt),
                        markdown_url(src),
                        markdown_url(viewer)
                    ),
                    false,
                ),
                (
                    format!("BBCode ({title})"),
                    format!(
                        "[url={}][img]{}[/img][/url]",
                        bbcode_url(viewer),
                        bbcode_url(src)
                    ),
                    false,
                ),
            ],
        });
    }
    groups
}

#[cfg(test)]
mod tests {
    #[test]
    fn markdown_alt_text_cannot_break_out() {
        assert_eq!(super::markdown_text("a [b] \\ c\nd"), "a \\[b\\] \\\\ c d");
    }

    #[test]
    fn urls_cannot_end_their_markup() {
        assert_eq!(
            super::markdown_url("http://x/a b(1).jpg"),
            "http://x/a%20b%281%29.jpg"
        );
        assert_eq!(
            super::bbcode_url("http://x/[a].jpg"),
            "http://x/%5Ba%5D.jpg"
        );
    }
}
