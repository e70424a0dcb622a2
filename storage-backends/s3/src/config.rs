//! The `[storage.s3]` table. Anything left unset falls back to the usual AWS_* variables, so the
//! same file works with keys in the environment (or, with none anywhere, with an instance role).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A credential that never shows up in `Debug` output or in `upstage config show`.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"********\"")
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("********")
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct S3Config {
    /// The service's URL, e.g. `https://s3.eu-west-1.amazonaws.com` or `http://minio:9000`
    /// (falls back to `AWS_ENDPOINT_URL`, then AWS S3 itself).
    pub endpoint: Option<String>,
    /// Falls back to `AWS_REGION`, then `us-east-1` (R2 wants `auto`).
    pub region: Option<String>,
    pub bucket: String,
    /// Folder inside the bucket every key lives under (`""` = bucket root).
    pub prefix: String,
    /// Falls back to `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`.
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Secret>,
    pub session_token: Option<Secret>,
    /// `bucket.host` addressing instead of `host/bucket` (AWS prefers it; MinIO and most
    /// self-hosted services want path style, the default).
    pub virtual_host_style: bool,
    /// Base URL the bucket's `prefix` is served at (a CDN or the bucket's public website); image
    /// URLs in API responses point there. Unset: the server serves files through `/images/…`.
    pub public_url: Option<String>,
    /// Objects larger than this go up as a multipart upload in parts of this size (min 5 MiB).
    pub chunk_bytes: usize,
    /// Also check for an existing key before a create-only write, for services that ignore
    /// `If-None-Match: *` (old MinIO/Ceph). Costs one HEAD per file; racy, so best effort.
    pub check_before_put: bool,
    /// Retries of a failed request (transient errors only), with backoff from `retry_min_ms`.
    pub retries: usize,
    pub retry_min_ms: u64,
    /// Threads of the backend's own I/O runtime.
    pub io_threads: usize,
}

impl Default for S3Config {
    fn default() -> Self {
        S3Config {
            endpoint: None,
            region: None,
            bucket: String::new(),
            prefix: String::new(),
            access_key_id: None,
            secret_access_key: None,
            session_token: None,
            virtual_host_style: false,
            public_url: None,
            chunk_bytes: 8 * 1024 * 1024,
            check_before_put: false,
            retries: 3,
            retry_min_ms: 200,
            io_threads: 2,
        }
    }
}

pub(crate) fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let cfg = S3Config {
            bucket: "b".into(),
            secret_access_key: Some(Secret("hunter2".into())),
            ..S3Config::default()
        };
        assert!(!format!("{cfg:?}").contains("hunter2"));
        let shown = toml::to_string(&cfg).unwrap_or_default();
        assert!(
            shown.contains("secret_access_key = \"********\""),
            "{shown}"
        );
        assert!(!shown.contains("hunter2"), "{shown}");
        let read: S3Config = toml::from_str("secret_access_key = \"s3cr3t\"").unwrap_or_default();
        assert_eq!(
            read.secret_access_key.map(|s| s.0).as_deref(),
            Some("s3cr3t")
        );
    }
}
