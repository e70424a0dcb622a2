//! Options that apply to every file of a batch, sent as the API's parameters.

use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchOptions {
    /// Remote: the site's encoded album id. Local library: an album name (created if missing).
    pub album: String,
    /// `{name}` (file name without extension), `{ext}` and `{n}` (position in the batch) are
    /// replaced; empty means the server's own title detection.
    pub title: String,
    /// Comma-separated tags.
    pub tags: String,
    pub nsfw: bool,
    /// Seconds, a preset or an ISO-8601 duration (`PT5M`, `P3D`), passed through.
    pub expiration: String,
    /// Downscale width in pixels; empty for none.
    pub width: String,
}

impl BatchOptions {
    /// The API parameters for file number `n` (1-based) at `path`; empty options are left out.
    pub fn params(&self, path: &Path, n: usize) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut put = |k: &'static str, v: &str| {
            let v = v.trim();
            if !v.is_empty() {
                out.push((k, v.to_owned()));
            }
        };
        put("album_id", &self.album);
        put("title", &self.title_for(path, n));
        put("tags", &self.tags);
        put("expiration", &self.expiration);
        put("width", &self.width);
        if self.nsfw {
            put("nsfw", "1");
        }
        out
    }

    pub fn title_for(&self, path: &Path, n: usize) -> String {
        if self.title.trim().is_empty() {
            return String::new();
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = path
            .extension()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.title
            .replace("{name}", &stem)
            .replace("{ext}", &ext)
            .replace("{n}", &n.to_string())
    }

    /// A width that is not a positive number is a mistake to show before starting.
    pub fn validate(&self) -> Result<(), String> {
        let w = self.width.trim();
        if !w.is_empty() && w.parse::<u32>().map_or(true, |v| v == 0) {
            return Err(format!(
                "width must be a positive number of pixels, got {w:?}"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_fill_the_title_template_and_skip_empties() {
        let o = BatchOptions {
            title: "Trip {n}: {name}".into(),
            tags: "a, b".into(),
            nsfw: true,
            ..BatchOptions::default()
        };
        let p = o.params(Path::new("/x/beach.jpg"), 3);
        assert_eq!(
            p,
            vec![
                ("title", "Trip 3: beach".to_owned()),
                ("tags", "a, b".to_owned()),
                ("nsfw", "1".to_owned())
            ]
        );
        assert!(BatchOptions::default()
            .params(Path::new("a.png"), 1)
            .is_empty());
    }

    #[test]
    fn width_must_be_positive() {
        let mut o = BatchOptions::default();
        assert!(o.validate().is_ok());
        o.width = "0".into();
        assert!(o.validate().is_err());
        o.width = "abc".into();
        assert!(o.validate().is_err());
        o.width = "800".into();
        assert!(o.validate().is_ok());
    }
}
