//! Text shapes shared by the image object and the HTML pages: sizes as people read them, and
//! text made safe for HTML.

pub use upstage_core::format_bytes;

/// PHP's `htmlspecialchars` with `ENT_QUOTES`, as the reference escapes titles and tags.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#039;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_like_the_reference() {
        assert_eq!(
            super::html_escape(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#039;s&lt;/a&gt;"
        );
        assert_eq!(super::format_bytes(53_240), "53.2 KB");
    }
}
