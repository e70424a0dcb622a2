//! Every URL an image has (docs/compatibility.md): files under the storage folder, the viewer with its
//! SEO slug, the short URL, and the delete URL built on it.

use crate::db::ImageRow;
use crate::Library;

pub fn mime_of(ext: &str) -> &'static str {
    match ext {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "bmp" => "image/bmp",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        _ => "application/octet-stream",
    }
}

/// The reference's `seoUrlfy`: drop `\ / ~ & ! ' " ?` and tags, collapse spaces and dashes,
/// spaces to `-`, then percent-encode.
pub fn seo_slug(title: &str) -> String {
    let mut no_tags = String::with_capacity(title.len());
    let mut in_tag = false;
    for c in title.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            '\\' | '/' | '~' | '&' | '!' | '\'' | '"' | '?' => {}
            _ => no_tags.push(c),
        }
    }
    let words: Vec<&str> = no_tags
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    percent_encoding::utf8_percent_encode(&words.join("-"), percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        .replace("%2D", "-")
}

pub struct ImageUrls {
    pub id_encoded: String,
    pub main_url: String,
    pub url_viewer: String,
    pub path_viewer: String,
    pub url_short: String,
    /// Extension of thumb/medium: the main one for images, `jpeg` for videos.
    pub derived_ext: String,
    file_base: String,
}

impl ImageUrls {
    pub fn new(row: &ImageRow, state: &Library) -> Self {
        let id_encoded = state.ids.encode(row.id as u64);
        let route = if row.kind == "video" {
            &state.settings.routes.video
        } else {
            &state.settings.routes.image
        };
        let slug = match (&row.title, state.settings.seo_urls) {
            (Some(t), true) => seo_slug(t),
            _ => String::new(),
        };
        let tail = if slug.is_empty() {
            id_encoded.clone()
        } else {
            format!("{slug}.{id_encoded}")
        };
        let path_viewer = format!("{}/{route}/{tail}", state.base_path);
        // Object storage behind a CDN serves files itself; otherwise our own file route does.
        let stem = format!("{}{}", row.folder, row.name);
        let file_base = state
            .storage
            .public_url(&stem)
            .unwrap_or_else(|| format!("{}/{stem}", state.base_url));
        ImageUrls {
            main_url: format!("{file_base}.{}", row.extension),
            url_viewer: format!("{}/{route}/{tail}", state.base_url),
            url_short: format!("{}/{route}/{id_encoded}", state.base_url),
            path_viewer,
            derived_ext: if row.kind == "video" {
                "jpeg".into()
            } else {
                row.extension.clone()
            },
            file_base,
            id_encoded,
        }
    }

    /// `suffix` is `""`, `".th"`, `".md"` or `".fr"`.
    pub fn file_url(&self, suffix: &str, ext: &str) -> String {
        format!("{}{suffix}.{ext}", self.file_base)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_like_the_reference() {
        assert_eq!(
            super::seo_slug("Badgers animated music video MrWeebl"),
            "Badgers-animated-music-video-MrWeebl"
        );
        assert_eq!(
            super::seo_slug("What?! <b>bold</b> -- move"),
            "What-bold-move"
        );
        assert_eq!(super::seo_slug("Ærø"), "%C3%86r%C3%B8");
        assert_eq!(super::seo_slug("???"), "");
    }
}
