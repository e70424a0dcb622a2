//! Validators of a stored file and the conditional requests that use them (RFC 9110 §13):
//! `If-None-Match` before `If-Modified-Since` for 304, and `If-Range`, which lets a `Range`
//! apply only while the client's copy is current.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{header, HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};
use upstage_storage::ObjectMeta;

pub(super) struct Validators {
    /// Strong: a name never changes content, and size plus write time (or the key where the
    /// backend knows no time) pins the bytes, identically on every instance.
    pub etag: String,
    /// Last write, whole seconds (what an HTTP date can say).
    pub modified: Option<SystemTime>,
}

impl Validators {
    pub fn of(key: &str, meta: &ObjectMeta) -> Validators {
        let secs = meta
            .modified
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs());
        let tag = match secs {
            Some(s) => format!("{s:x}"),
            None => hex::encode(&Sha256::digest(key.as_bytes())[..8]),
        };
        Validators {
            etag: format!("\"{:x}-{tag}\"", meta.size),
            modified: secs.map(|s| UNIX_EPOCH + Duration::from_secs(s)),
        }
    }

    /// Whether the client's copy is current (answer 304). `If-Modified-Since` counts only
    /// without `If-None-Match`, and only as a valid date.
    pub fn not_modified(&self, h: &HeaderMap) -> bool {
        if let Some(v) = h.get(header::IF_NONE_MATCH) {
            return v.to_str().is_ok_and(|v| etag_matches(v, &self.etag));
        }
        let since = h
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok());
        matches!((since, self.modified), (Some(since), Some(m)) if m <= since)
    }

    /// Whether a `Range` may be honoured: always without `If-Range`; with it, only when its
    /// validator is exactly ours (strong comparison: a weak tag never matches; a date must
    /// equal our `Last-Modified`). Otherwise the client's part is stale and it gets everything.
    pub fn range_applies(&self, h: &HeaderMap) -> bool {
        let Some(v) = h.get(header::IF_RANGE) else {
            return true;
        };
        let Ok(v) = v.to_str().map(str::trim) else {
            return false;
        };
        if v.starts_with('"') || v.starts_with("W/") {
            return v == self.etag;
        }
        match (httpdate::parse_http_date(v), self.modified) {
            (Ok(date), Some(m)) => date == m,
            _ => false,
        }
    }

    pub fn write(&self, h: &mut HeaderMap) {
        if let Ok(v) = HeaderValue::from_str(&self.etag) {
            h.insert(header::ETAG, v);
        }
        if let Some(m) = self.modified {
            if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(m)) {
                h.insert(header::LAST_MODIFIED, v);
            }
        }
    }
}

/// `If-None-Match` uses the weak comparison (RFC 9110 §13.1.2): `W/` prefixes are ignored.
fn etag_matches(header: &str, etag: &str) -> bool {
    let bare = |t: &str| t.strip_prefix("W/").unwrap_or(t).to_owned();
    header
        .split(',')
        .map(str::trim)
        .any(|t| t == "*" || bare(t) == bare(etag))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validators() -> Validators {
        let meta = ObjectMeta {
            size: 1000,
            modified: Some(UNIX_EPOCH + Duration::from_millis(1_700_000_000_900)),
        };
        Validators::of("images/a.jpg", &meta)
    }

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn if_none_match_is_weak() {
        let e = "\"1f-2a\"";
        assert!(etag_matches("\"1f-2a\"", e));
        assert!(etag_matches("W/\"1f-2a\"", e));
        assert!(etag_matches("\"x\", \"1f-2a\"", e));
        assert!(etag_matches("*", e));
        assert!(!etag_matches("\"1f-2b\"", e));
    }

    #[test]
    fn conditions_follow_the_rfc_order() {
        let v = validators();
        assert_eq!(v.etag, format!("\"3e8-{:x}\"", 1_700_000_000u64));
        let date = "Tue, 14 Nov 2023 22:13:20 GMT";
        let earlier = "Tue, 14 Nov 2023 22:13:19 GMT";
        let etag = v.etag.clone();
        let weak = format!("W/{etag}");
        use header::{IF_MODIFIED_SINCE as IMS, IF_NONE_MATCH as INM, IF_RANGE};
        // (headers, 304?, range applies?)
        let cases = [
            (vec![], false, true),
            (vec![(INM, etag.as_str())], true, true),
            (vec![(INM, "\"other\""), (IMS, date)], false, true),
            (vec![(IMS, date)], true, true),
            (vec![(IMS, earlier)], false, true),
            (vec![(IMS, "yesterday")], false, true),
            (vec![(IF_RANGE, etag.as_str())], false, true),
            (vec![(IF_RANGE, weak.as_str())], false, false),
            (vec![(IF_RANGE, "\"other\"")], false, false),
            (vec![(IF_RANGE, date)], false, true),
            (vec![(IF_RANGE, earlier)], false, false),
            (vec![(IF_RANGE, "garbage")], false, false),
        ];
        for (pairs, not_modified, applies) in cases {
            let h = headers(&pairs);
            assert_eq!(v.not_modified(&h), not_modified, "{pairs:?}");
            assert_eq!(v.range_applies(&h), applies, "{pairs:?}");
        }
        // A backend without dates: the tag comes from the key, and no date ever matches.
        let bare = Validators::of(
            "images/a.jpg",
            &ObjectMeta {
                size: 5,
                modified: None,
            },
        );
        assert!(
            bare.etag.starts_with("\"5-") && bare.etag.len() == 20,
            "{}",
            bare.etag
        );
        assert!(!bare.range_applies(&headers(&[(IF_RANGE, date)])));
        assert!(!bare.not_modified(&headers(&[(IMS, date)])));
    }
}
