//! Options that apply to every file of a batch, sent as the API's parameters.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::expiry::{Expiry, ExpiryError};

/// A batch option that would not do what it says; found before anything is sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    #[error(transparent)]
    Expiration(#[from] ExpiryError),
    #[error("width must be a positive number of pixels, got {0:?}")]
    Width(String),
}

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
    /// Seconds, an ISO-8601 duration (`PT5M`, `P3D`) or a short form (`1d`); checked by
    /// [`BatchOptions::validate`] and sent as ISO-8601.
    pub expiration: String,
    /// Downscale to at most this width in pixels; narrower images are sent as they are (the API
    /// refuses a width above the original's). Empty for none.
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

    /// Mistakes to show before starting: an expiration the API would read as 5 minutes, a
    /// width that is not a positive number.
    pub fn validate(&self) -> Result<(), OptionError> {
        Expiry::parse(&self.expiration)?;
        self.max_width()?;
        Ok(())
    }

    /// The width limit, if any.
    pub fn max_width(&self) -> Result<Option<u32>, OptionError> {
        let w = self.width.trim();
        if w.is_empty() {
            return Ok(None);
        }
        match w.parse::<u32>() {
            Ok(v) if v > 0 => Ok(Some(v)),
            _ => Err(OptionError::Width(w.to_owned())),
        }
    }

    /// The options as sent: the expiration in ISO-8601 (`1d` → `P1D`). Call after `validate`;
    /// an invalid value is left as typed.
    pub fn normalized(&self) -> BatchOptions {
        let mut o = self.clone();
        if let Ok(e) = Expiry::parse(&self.expiration) {
            o.expiration = e.map(|e| e.iso).unwrap_or_default();
        }
        o
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
        assert_eq!(o.validate(), Err(OptionError::Width("0".into())));
        o.width = "abc".into();
        assert!(o.validate().is_err());
        o.width = "800".into();
        assert!(o.validate().is_ok());
        assert_eq!(o.max_width(), Ok(Some(800)));
    }

    #[test]
    fn a_silent_five_minutes_is_refused_and_short_forms_are_sent_as_iso() {
        let mut o = BatchOptions {
            expiration: "tomorrow".into(),
            ..BatchOptions::default()
        };
        assert!(matches!(o.validate(), Err(OptionError::Expiration(_))));
        o.expiration = "1d".into();
        assert!(o.validate().is_ok());
        assert_eq!(o.normalized().expiration, "P1D");
    }
}
