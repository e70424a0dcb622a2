//! A remote target: `POST <site>/api/1/upload` (our server or any Chevereto V1.1 site), the file
//! as a streaming multipart part, the key in `X-API-Key`.

use std::path::Path;
use std::time::Duration;

use reqwest::multipart::{Form, Part};
use reqwest::Body;
use tokio::sync::watch;

use super::answer::{parse_response, retry_after};
use super::body::{file_stream, OnProgress};
use super::UploadError;

/// The header our server sets on answers to say which date filed the upload.
const DATE_SOURCE: &str = "x-upstage-date-source";

/// A success: the API's `image` object, and which date the server filed it by (our server
/// says; other sites do not).
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub image: serde_json::Value,
    pub date_source: Option<String>,
}

/// `https://site`, `https://site/` and `https://site/api/1/upload` all mean the same endpoint.
pub fn endpoint_of(url: &str) -> String {
    let base = url.trim().trim_end_matches('/');
    if base.ends_with("/api/1/upload") {
        base.to_owned()
    } else {
        format!("{base}/api/1/upload")
    }
}

pub struct Remote {
    client: reqwest::Client,
    endpoint: String,
    key: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("the URL must start with http:// or https://, got {0:?}")]
    BadUrl(String),
    #[error("could not build the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

impl RemoteError {
    /// The stable machine name of the error.
    pub fn code(&self) -> &'static str {
        match self {
            RemoteError::BadUrl(_) => "bad_url",
            RemoteError::Client(_) => "http_client",
        }
    }
}

impl Remote {
    pub fn new(url: &str, key: &str) -> Result<Remote, RemoteError> {
        let endpoint = endpoint_of(url);
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(RemoteError::BadUrl(url.to_owned()));
        }
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(20))
            // Generous: a slow uplink sending 10 MB, then server-side processing.
            .timeout(Duration::from_secs(900))
            .user_agent(concat!("upstage-upload/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Remote {
            client,
            endpoint,
            key: key.to_owned(),
        })
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// One try without pausing or progress (`upstage import`): still streamed from disk.
    pub async fn upload(
        &self,
        path: &Path,
        params: &[(&'static str, String)],
    ) -> Result<Answer, UploadError> {
        // Never paused: a dropped sender reads as "carry on".
        let paused = watch::channel(false).1;
        self.send(path, params, paused, Box::new(|_, _| {})).await
    }

    /// One try: the file streamed from disk as the `source` part (never whole in memory).
    pub async fn send(
        &self,
        path: &Path,
        params: &[(&'static str, String)],
        paused: watch::Receiver<bool>,
        on_progress: OnProgress,
    ) -> Result<Answer, UploadError> {
        let len = std::fs::metadata(path)
            .map_err(|e| UploadError::local(format!("could not read: {e}")))?
            .len();
        let stream = file_stream(path, paused, on_progress)
            .await
            .map_err(|e| UploadError::local(format!("could not read: {e}")))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "upload".to_owned());
        let part = Part::stream_with_length(Body::wrap_stream(stream), len).file_name(name);
        let mut form = Form::new().part("source", part).text("format", "json");
        for (k, v) in params {
            form = form.text(*k, v.clone());
        }
        let resp = self
            .client
            .post(&self.endpoint)
            .header("X-API-Key", &self.key)
            .multipart(form)
            .send()
            .await
            .map_err(|e| {
                // Never connected: nothing was sent, so waiting for the server costs no try.
                if e.is_connect() {
                    UploadError::unreachable(error_chain(&e))
                } else {
                    UploadError::network(error_chain(&e))
                }
            })?;
        let status = resp.status().as_u16();
        let wait = retry_after(resp.headers());
        let date_source = resp
            .headers()
            .get(DATE_SOURCE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = resp
            .text()
            .await
            .map_err(|e| UploadError::network(format!("reading the response: {e}")))?;
        let image = parse_response(status, &body).map_err(|e| e.with_retry_after(wait))?;
        Ok(Answer { image, date_source })
    }
}

/// `reqwest` hides the useful part (connection refused, reset) in the source chain.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_make_a_remote() {
        let bad = Remote::new("ftp://h/", "k").err().map(|e| e.code());
        assert_eq!(bad, Some("bad_url"));
        assert!(Remote::new("https://h", "k").is_ok());
    }

    #[test]
    fn endpoints() {
        assert_eq!(endpoint_of("http://h:1"), "http://h:1/api/1/upload");
        assert_eq!(endpoint_of("http://h:1/"), "http://h:1/api/1/upload");
        assert_eq!(
            endpoint_of("https://h/x/api/1/upload/"),
            "https://h/x/api/1/upload"
        );
    }
}
