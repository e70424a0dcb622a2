//! The response formats a client can ask for, and the headers every API response carries.

use axum::http::{header, HeaderMap, HeaderValue};

pub const JSON_UTF8: &str = "application/json; charset=UTF-8";

/// `format`: anything but `txt` and `redirect` is JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseFormat {
    Json,
    Txt,
    Redirect,
}

impl ResponseFormat {
    pub fn parse(v: Option<&str>) -> Self {
        match v {
            Some("txt") => ResponseFormat::Txt,
            Some("redirect") => ResponseFormat::Redirect,
            _ => ResponseFormat::Json,
        }
    }
}

/// The reference sends API responses uncacheable.
pub fn no_cache(h: &mut HeaderMap) {
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache, must-revalidate"),
    );
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    h.insert(header::EXPIRES, HeaderValue::from_static("0"));
}
