//! A remote target: `POST <site>/api/1/upload` (our server or any Chevereto V1.1 site), the file
//! as a streaming multipart part, the key in `X-API-Key`.

use std::path::Path;
use std::time::Duration;

use reqwest::multipart::{Form, Part};
use reqwest::Body;
use tokio::sync::watch;

use super::body::{file_stream, OnProgress};
use super::UploadError;

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

    /// One try: the `image` object of the success response, or why not.
    pub async fn send(
        &self,
        path: &Path,
        params: &[(&'static str, String)],
        paused: watch::Receiver<bool>,
        on_progress: OnProgress,
    ) -> Result<serde_json::Value, UploadError> {
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
        let body = resp
            .text()
            .await
            .map_err(|e| UploadError::network(format!("reading the response: {e}")))?;
        parse_response(status, &body)
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

/// The `image` object of a success, or the server's error (code and message from the
/// Chevereto error shape when present).
pub fn parse_response(status: u16, body: &str) -> Result<serde_json::Value, UploadError> {
    let json: Option<serde_json::Value> = serde_json::from_str(body).ok();
    if !(200..300).contains(&status) {
        let code = json
            .as_ref()
            .and_then(|j| j.pointer("/error/code"))
            .and_then(|c| c.as_i64())
            .unwrap_or(0);
        let message = json
            .as_ref()
            .and_then(|j| j.pointer("/error/message"))
            .and_then(|m| m.as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| snippet(body));
        return Err(UploadError::Server {
            status,
            code,
            message,
        });
    }
    match json.and_then(|mut j| j.get_mut("image").map(serde_json::Value::take)) {
        Some(image) => Ok(image),
        None => Err(UploadError::network(format!(
            "not an upload API response: {}",
            snippet(body)
        ))),
    }
}

fn snippet(body: &str) -> String {
    let s: String = body.chars().take(200).collect();
    s.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert_eq!(endpoint_of("http://h:1"), "http://h:1/api/1/upload");
        assert_eq!(endpoint_of("http://h:1/"), "http://h:1/api/1/upload");
        assert_eq!(
            endpoint_of("https://h/x/api/1/upload/"),
            "https://h/x/api/1/upload"
        );
    }

    #[test]
    fn responses() {
        let err = r#"{"status_code":400,"error":{"message":"Invalid API v1 key.","code":100},"status_txt":"Bad Request"}"#;
        assert_eq!(
            parse_response(400, err),
            Err(UploadError::Server {
                status: 400,
                code: 100,
                message: "Invalid API v1 key.".into()
            })
        );
        let e = parse_response(502, "<html>bad gateway</html>").expect_err("5xx");
        assert!(e.retryable());
        let ok = parse_response(200, r#"{"image":{"url":"u"}}"#).expect("ok");
        assert_eq!(ok["url"], "u");
        assert!(parse_response(200, "http://x").is_err());
    }
}
