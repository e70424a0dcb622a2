//! The links of one uploaded file, read from the API's `image` object (any Chevereto V1.1 site or
//! ours), and the paste formats built from them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Links {
    pub name: String,
    pub direct: String,
    pub viewer: Option<String>,
    pub thumb: Option<String>,
    pub delete: Option<String>,
}

impl Links {
    /// From the `image` object of a success response; `None` when it has no `url`.
    pub fn from_image(image: &serde_json::Value, fallback_name: &str) -> Option<Links> {
        let text = |p: &str| {
            image
                .pointer(p)
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Some(Links {
            name: text("/original_filename")
                .or_else(|| text("/filename"))
                .unwrap_or_else(|| fallback_name.to_owned()),
            direct: text("/url")?,
            viewer: text("/url_viewer"),
            thumb: text("/thumb/url"),
            delete: text("/delete_url"),
        })
    }

    fn page(&self) -> &str {
        self.viewer.as_deref().unwrap_or(&self.direct)
    }

    fn shown(&self) -> &str {
        self.thumb.as_deref().unwrap_or(&self.direct)
    }

    /// A thumbnail linking to the viewer page.
    pub fn markdown(&self) -> String {
        let alt: String = self
            .name
            .chars()
            .map(|c| {
                if matches!(c, '[' | ']' | '\\') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        format!("[![{alt}]({})]({})", self.shown(), self.page())
    }

    pub fn html(&self) -> String {
        format!(
            "<a href=\"{}\"><img src=\"{}\" alt=\"{}\"></a>",
            esc(self.page()),
            esc(self.shown()),
            esc(&self.name)
        )
    }

    pub fn bbcode(&self) -> String {
        format!("[url={}][img]{}[/img][/url]", self.page(), self.shown())
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_spec_example() {
        let spec = serde_json::json!({
            "original_filename": "Badgers _ video.mp4",
            "url": "http://localhost/images/b.mp4",
            "url_viewer": "http://localhost/clip/b.ZfGd",
            "thumb": {"url": "http://localhost/images/b.th.jpeg"},
            "delete_url": "http://localhost/clip/ZfGd/delete/e8"
        });
        let l = Links::from_image(&spec, "x").expect("links");
        assert_eq!(l.name, "Badgers _ video.mp4");
        assert_eq!(
            l.markdown(),
            "[![Badgers _ video.mp4](http://localhost/images/b.th.jpeg)](http://localhost/clip/b.ZfGd)"
        );
        assert_eq!(
            l.bbcode(),
            "[url=http://localhost/clip/b.ZfGd][img]http://localhost/images/b.th.jpeg[/img][/url]"
        );
        assert!(l.html().contains("alt=\"Badgers _ video.mp4\""));
        assert!(Links::from_image(&serde_json::json!({}), "x").is_none());
    }
}
