//! Remote mode: `POST <site>/api/1/upload` with an admin key and `use_file_date=1`, so it works
//! against `upstage serve` and against Chevereto sites that support `use_file_date`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use reqwest::multipart::{Form, Part};
use upstage_tui::engine::{endpoint_of, parse_response};

use super::{Done, Item};

const TRIES: u32 = 3;

pub struct Remote {
    client: reqwest::Client,
    endpoint: String,
    key: String,
    album: Option<String>,
}

/// `~/.cache/upstage/import-<first 16 hex of sha256(endpoint)>.tsv`.
pub fn default_journal(endpoint: &str) -> Result<PathBuf> {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .context("HOME is not set: give the journal's location with --journal PATH")?;
    let hash = upstage_tui::engine::journal::sha256_hex(endpoint.as_bytes());
    Ok(PathBuf::from(home)
        .join(".cache/upstage")
        .join(format!("import-{}.tsv", &hash[..16])))
}

impl Remote {
    pub fn new(url: &str, key: String, album: Option<String>) -> Result<Remote> {
        let endpoint = endpoint_of(url);
        anyhow::ensure!(
            endpoint.starts_with("http://") || endpoint.starts_with("https://"),
            "--to must be an http:// or https:// URL, got {url:?}"
        );
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(20))
            .timeout(Duration::from_secs(600))
            .user_agent(concat!("upstage-import/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Remote {
            client,
            endpoint,
            key,
            album,
        })
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn form(&self, item: &Item, bytes: Vec<u8>) -> Form {
        let name = item
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "upload".to_owned());
        let mut form = Form::new()
            .part("source", Part::bytes(bytes).file_name(name))
            .text("use_file_date", "1")
            .text("format", "json");
        if let Some(a) = &self.album {
            form = form.text("album_id", a.clone());
        }
        form
    }

    /// Upload one file; network errors and 5xx are retried with backoff, 4xx never.
    pub async fn import(&self, item: &Item, bytes: Vec<u8>) -> Result<Done, String> {
        let mut last = String::new();
        for attempt in 0..TRIES {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(500 << attempt)).await;
            }
            let sent = self
                .client
                .post(&self.endpoint)
                .header("X-API-Key", &self.key)
                .multipart(self.form(item, bytes.clone()))
                .send()
                .await;
            let resp = match sent {
                Ok(r) => r,
                Err(e) => {
                    last = format!("network error: {e}");
                    continue;
                }
            };
            let status = resp.status().as_u16();
            let date_used = resp
                .headers()
                .get("x-upstage-date-source")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = match resp.text().await {
                Ok(b) => b,
                Err(e) => {
                    last = format!("network error reading the response: {e}");
                    continue;
                }
            };
            // The same reading of answers as the batch uploader: 5xx retried, 4xx final.
            let image = match parse_response(status, &body) {
                Ok(image) => image,
                Err(e) if e.retryable() => {
                    last = e.to_string();
                    continue;
                }
                Err(e) => return Err(e.to_string()),
            };
            let text = |k: &str| image.get(k).and_then(|v| v.as_str()).map(str::to_owned);
            let url = text("url").ok_or_else(|| "the response has no image.url".to_owned())?;
            return Ok(Done {
                url,
                url_viewer: text("url_viewer"),
                date_gmt: text("date_gmt"),
                date_used,
            });
        }
        Err(format!("{last} (gave up after {TRIES} tries)"))
    }
}
