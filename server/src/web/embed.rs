//! The embed codes of the viewer page: links, and HTML, Markdown and BBCode for each size, in
//! the forms people paste into forums, chats and READMEs.

use super::viewer::{display_title, Media};
use upstage_library::db::ImageRow;
use upstage_library::text::html_escape;
use upstage_library::view::ImageUrls;

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

/// `(label, code)` of every embed code, grouped as `(group, codes)`.
pub(super) fn embed_codes(
    row: &ImageRow,
    u: &ImageUrls,
    m: &Media,
) -> Vec<(&'static str, Vec<(String, String)>)> {
    let alt = display_title(row);
    let viewer = &u.url_viewer;
    let mut groups = vec![(
        "Links",
        vec![
            ("Viewer link".to_owned(), viewer.clone()),
            ("Direct link".to_owned(), u.main_url.clone()),
            ("Short link".to_owned(), u.url_short.clone()),
        ],
    )];
    for (group, name, src) in [
        ("Full size", "full size", &m.full),
        ("Medium", "medium", &m.medium),
        ("Thumbnail", "thumbnail", &m.thumb),
    ] {
        let Some(src) = src else { continue };
        groups.push((
            group,
            vec![
                (
                    format!("HTML ({name})"),
                    format!(
                        "<a href=\"{}\"><img src=\"{}\" alt=\"{}\"></a>",
                        html_escape(viewer),
                        html_escape(src),
                        html_escape(&alt)
                    ),
                ),
                (
                    format!("Markdown ({name})"),
                    format!("[![{}]({src})]({viewer})", markdown_text(&alt)),
                ),
                (
                    format!("BBCode ({name})"),
                    format!("[url={viewer}][img]{src}[/img][/url]"),
                ),
            ],
        ));
    }
    groups
}

#[cfg(test)]
mod tests {
    #[test]
    fn markdown_alt_text_cannot_break_out() {
        assert_eq!(super::markdown_text("a [b] \\ c\nd"), "a \\[b\\] \\\\ c d");
    }
}
