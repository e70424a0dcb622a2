//! The `[upload]` section of `upstage.toml`: defaults for `upstage upload` and `upstage tui`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct UploadSettings {
    /// Default site (`--url` and `UPSTAGE_URL` win).
    pub url: Option<String>,
    /// Default API key (`--key` and `UPSTAGE_KEY` win).
    pub key: Option<String>,
    /// Files sent at once.
    pub concurrency: usize,
    /// Interface language of `upstage tui` (`en`, `da`); default from the locale.
    pub lang: Option<String>,
}

impl Default for UploadSettings {
    fn default() -> Self {
        UploadSettings {
            url: None,
            key: None,
            concurrency: upstage_client::DEFAULT_WORKERS,
            lang: None,
        }
    }
}
