//! How long caches may keep a stored file: a year, immutable, when its image never expires;
//! until the expiry and no longer when it does (an `immutable` year would keep serving it from
//! caches long after the sweeper removed it).

use std::time::{Duration, SystemTime};

use axum::http::{header, HeaderMap, HeaderValue};

use crate::state::AppState;

const YEAR: u64 = 31_536_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Lifetime {
    /// No image that owns the file expires (or no image owns it).
    Forever,
    Until(SystemTime),
    /// Expired, not yet swept: gone, as on the viewer pages.
    Expired,
    /// The database could not say: caches must ask again each time.
    Unknown,
}

/// The lifetime of the image owning `key` (see `Db::file_expiry`).
pub(super) async fn of(state: &AppState, key: &str, now: SystemTime) -> Lifetime {
    let soonest = match state.db.file_expiry(key).await {
        Ok(at) => at,
        Err(e) => {
            tracing::warn!("expiry of {key}: {e}");
            return Lifetime::Unknown;
        }
    };
    match soonest {
        None => Lifetime::Forever,
        Some(at) => {
            let at = SystemTime::UNIX_EPOCH
                + Duration::from_secs(u64::try_from(at.and_utc().timestamp()).unwrap_or(0));
            if at <= now {
                Lifetime::Expired
            } else {
                Lifetime::Until(at)
            }
        }
    }
}

impl Lifetime {
    /// `Cache-Control` and `Expires`, consistent with each other.
    pub fn write(self, now: SystemTime, h: &mut HeaderMap) {
        let (control, expires) = match self {
            Lifetime::Forever => (
                format!("public, max-age={YEAR}, immutable"),
                Some(now + Duration::from_secs(YEAR)),
            ),
            Lifetime::Until(at) => {
                let left = at.duration_since(now).unwrap_or_default();
                // Rounded down: a cache never keeps the file past the expiry.
                (format!("public, max-age={}", left.as_secs()), Some(at))
            }
            Lifetime::Expired | Lifetime::Unknown => ("public, no-cache".to_owned(), None),
        };
        if let Ok(v) = HeaderValue::from_str(&control) {
            h.insert(header::CACHE_CONTROL, v);
        }
        if let Some(Ok(v)) = expires.map(|t| HeaderValue::from_str(&httpdate::fmt_http_date(t))) {
            h.insert(header::EXPIRES, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_headers_never_outlive_the_image() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let cases = [
            (
                Lifetime::Forever,
                "public, max-age=31536000, immutable",
                Some("Wed, 13 Nov 2024 22:13:20 GMT"),
            ),
            (
                Lifetime::Until(now + Duration::from_millis(300_500)),
                "public, max-age=300",
                Some("Tue, 14 Nov 2023 22:18:20 GMT"),
            ),
            (Lifetime::Unknown, "public, no-cache", None),
        ];
        for (life, control, expires) in cases {
            let mut h = HeaderMap::new();
            life.write(now, &mut h);
            assert_eq!(h[header::CACHE_CONTROL], control, "{life:?}");
            assert_eq!(
                h.get(header::EXPIRES).map(|v| v.to_str().unwrap()),
                expires,
                "{life:?}"
            );
        }
    }
}
