//! Reading the upload API's answer: the `image` object of a success, the Chevereto error shape
//! of a refusal, and `Retry-After` (seconds or an HTTP date) when the server asks for a pause.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::UploadError;

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
        return Err(UploadError::server(status, code, message));
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

/// The wait a `Retry-After` header asks for; a date in the past is no wait, a value that is
/// neither form is ignored (the backoff decides).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses() {
        let err = r#"{"status_code":400,"error":{"message":"Invalid API v1 key.","code":100},"status_txt":"Bad Request"}"#;
        assert_eq!(
            parse_response(400, err),
            Err(UploadError::server(400, 100, "Invalid API v1 key."))
        );
        let e = parse_response(502, "<html>bad gateway</html>").expect_err("5xx");
        assert!(e.retryable());
        let ok = parse_response(200, r#"{"image":{"url":"u"}}"#).expect("ok");
        assert_eq!(ok["url"], "u");
        assert!(parse_response(200, "http://x").is_err());
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let at = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(RETRY_AFTER, v.parse().expect("header value"));
            retry_after(&h)
        };
        assert_eq!(at("7"), Some(Duration::from_secs(7)));
        assert_eq!(at("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(90));
        let wait = at(&soon).expect("a date");
        assert!(
            wait > Duration::from_secs(80) && wait <= Duration::from_secs(90),
            "{wait:?}"
        );
        assert_eq!(at("soon"), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}
