//! Remote mode: `POST <site>/api/1/upload` with an admin key and `use_file_date=1`, so it works
//! against `upstage serve` and against Chevereto sites that support `use_file_date`. Sending is
//! the upload client's: the file streamed from disk, the shared retry policy.

use std::path::PathBuf;

use anyhow::{Context, Result};
use upstage_client::{Remote as Client, RetryPolicy};

use super::{Done, Item};

pub struct Remote {
    client: Client,
    retry: RetryPolicy,
    album: Option<String>,
}

/// `~/.cache/upstage/import-<first 16 hex of sha256(endpoint)>.tsv`.
pub fn default_journal(endpoint: &str) -> Result<PathBuf> {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .context("HOME is not set: give the journal's location with --journal PATH")?;
    let hash = upstage_client::journal::sha256_hex(endpoint.as_bytes());
    Ok(PathBuf::from(home)
        .join(".cache/upstage")
        .join(format!("import-{}.tsv", &hash[..16])))
}

impl Remote {
    pub fn new(url: &str, key: &str, album: Option<String>, tries: u32) -> Result<Remote> {
        let client = Client::new(url, key).with_context(|| format!("--to {url:?}"))?;
        let retry = RetryPolicy {
            tries: tries.max(1),
            ..RetryPolicy::default()
        };
        Ok(Remote {
            client,
            retry,
            album,
        })
    }

    pub fn endpoint(&self) -> &str {
        self.client.endpoint()
    }

    /// Upload one file: retried as the policy allows (never a 4xx other than 429).
    pub async fn import(&self, item: &Item) -> Result<Done, String> {
        let mut params = vec![("use_file_date", "1".to_owned())];
        if let Some(a) = &self.album {
            params.push(("album_id", a.clone()));
        }
        let answer = self
            .retry
            .run(|_| self.client.upload(&item.path, &params), |_, _, _| true)
            .await
            .map_err(|f| f.to_string())?;
        let text = |k: &str| {
            answer
                .image
                .get(k)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let url = text("url").ok_or_else(|| "the response has no image.url".to_owned())?;
        Ok(Done {
            url,
            url_viewer: text("url_viewer"),
            date_gmt: text("date_gmt"),
            date_used: answer.date_source,
        })
    }
}
