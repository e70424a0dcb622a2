//! Why one file did not upload. Every variant has a stable code (`code()`), shown in reports and
//! `--json` lines; `retryable()` is the single place that decides what is worth another try.

use std::time::Duration;

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UploadError {
    /// Refused before sending: unsupported content, too large, empty, unreadable.
    #[error("{message}")]
    Rejected { code: String, message: String },
    /// The server answered with an error (its HTTP status, Chevereto code and message, and
    /// the wait its `Retry-After` asked for).
    #[error("HTTP {status}: {message} (code {code})")]
    Server {
        status: u16,
        code: i64,
        message: String,
        #[serde(skip)]
        retry_after: Option<Duration>,
    },
    /// No usable answer: connection reset, timeout, a body that is not the API's.
    #[error("network error: {message}")]
    Network { message: String },
    /// No connection could be made at all (refused, no route, name not found): the batch pauses
    /// and tries again later; the file does not fail and the try does not count.
    #[error("server unreachable: {message}")]
    Unreachable { message: String },
    /// Reading the file or writing the journal failed.
    #[error("{message}")]
    Local { message: String },
}

impl UploadError {
    pub fn rejected(code: &str, message: impl Into<String>) -> Self {
        UploadError::Rejected {
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// A server answer without a `Retry-After`.
    pub fn server(status: u16, code: i64, message: impl Into<String>) -> Self {
        UploadError::Server {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn network(message: impl Into<String>) -> Self {
        UploadError::Network {
            message: message.into(),
        }
    }

    pub fn local(message: impl Into<String>) -> Self {
        UploadError::Local {
            message: message.into(),
        }
    }

    pub fn unreachable(message: impl Into<String>) -> Self {
        UploadError::Unreachable {
            message: message.into(),
        }
    }

    /// Safe to send again: no connection or no answer, a 5xx, or 429 (slow down). Every other
    /// 4xx is the server's final word about this file.
    pub fn retryable(&self) -> bool {
        match self {
            UploadError::Network { .. } | UploadError::Unreachable { .. } => true,
            UploadError::Server { status, .. } => *status >= 500 || *status == 429,
            UploadError::Rejected { .. } | UploadError::Local { .. } => false,
        }
    }

    /// A server answer with the wait its `Retry-After` header asked for.
    pub fn with_retry_after(self, wait: Option<Duration>) -> Self {
        match self {
            UploadError::Server {
                status,
                code,
                message,
                ..
            } => UploadError::Server {
                status,
                code,
                message,
                retry_after: wait,
            },
            other => other,
        }
    }

    /// The wait the server asked for before the next try.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            UploadError::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The site refused the API key: every other file would be refused the same way, so the
    /// batch stops. Chevereto answers 400 with code 100 and a message about the key (code 100
    /// alone also means a bad video).
    pub fn is_auth(&self) -> bool {
        match self {
            UploadError::Server {
                status,
                code,
                message,
                ..
            } => {
                matches!(status, 401 | 403)
                    || (*code == 100 && message.to_ascii_lowercase().contains("key"))
            }
            _ => false,
        }
    }

    /// The stable machine name of the variant (`kind` in JSON output).
    pub fn kind(&self) -> &'static str {
        match self {
            UploadError::Rejected { .. } => "rejected",
            UploadError::Server { .. } => "server",
            UploadError::Network { .. } => "network",
            UploadError::Unreachable { .. } => "unreachable",
            UploadError::Local { .. } => "local",
        }
    }

    /// The HTTP status of a server answer.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            UploadError::Server { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// A short stable code for reports: the server's numeric code, or a snake_case name.
    pub fn code(&self) -> String {
        match self {
            UploadError::Rejected { code, .. } => code.clone(),
            UploadError::Server { code, status, .. } => {
                if *code != 0 {
                    code.to_string()
                } else {
                    status.to_string()
                }
            }
            UploadError::Network { .. } => "network".to_owned(),
            UploadError::Unreachable { .. } => "unreachable".to_owned(),
            UploadError::Local { .. } => "local_io".to_owned(),
        }
    }

    /// The message without the code (the error pane shows them in separate columns).
    pub fn message(&self) -> &str {
        match self {
            UploadError::Rejected { message, .. }
            | UploadError::Server { message, .. }
            | UploadError::Network { message }
            | UploadError::Unreachable { message }
            | UploadError::Local { message } => message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_network_5xx_and_429_are_retried() {
        assert!(UploadError::network("reset").retryable());
        let s = |status| UploadError::server(status, 0, "");
        assert!(s(503).retryable());
        assert!(s(429).retryable());
        assert!(!s(400).retryable());
        assert!(!s(413).retryable());
        assert!(!UploadError::rejected("too_large", "x").retryable());
    }

    #[test]
    fn only_a_refused_key_is_an_auth_error() {
        let s = |status, code, m: &str| UploadError::server(status, code, m);
        assert!(s(400, 100, "Invalid API v1 key.").is_auth());
        assert!(s(400, 100, "No key provided").is_auth());
        assert!(s(403, 0, "forbidden").is_auth());
        assert!(!s(400, 100, "Invalid video file provided").is_auth());
        assert!(!s(400, 610, "Invalid file data").is_auth());
        assert!(!UploadError::unreachable("refused").is_auth());
    }
}
