//! Why one file did not upload. Every variant has a stable code (`code()`), shown in reports and
//! `--json` lines; `retryable()` is the single place that decides what is worth another try.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UploadError {
    /// Refused before sending: unsupported content, too large, empty, unreadable.
    #[error("{message}")]
    Rejected { code: String, message: String },
    /// The server answered with an error (its HTTP status, Chevereto code and message).
    #[error("HTTP {status}: {message} (code {code})")]
    Server {
        status: u16,
        code: i64,
        message: String,
    },
    /// No usable answer: connection refused or reset, timeout, a body that is not the API's.
    #[error("network error: {message}")]
    Network { message: String },
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

    /// Network errors and 5xx may pass on a later try; 4xx are the server's final word.
    pub fn retryable(&self) -> bool {
        match self {
            UploadError::Network { .. } => true,
            UploadError::Server { status, .. } => *status >= 500,
            UploadError::Rejected { .. } | UploadError::Local { .. } => false,
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
            UploadError::Local { .. } => "local_io".to_owned(),
        }
    }

    /// The message without the code (the error pane shows them in separate columns).
    pub fn message(&self) -> &str {
        match self {
            UploadError::Rejected { message, .. }
            | UploadError::Server { message, .. }
            | UploadError::Network { message }
            | UploadError::Local { message } => message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_network_and_5xx_are_retried() {
        assert!(UploadError::network("reset").retryable());
        let s = |status| UploadError::Server {
            status,
            code: 0,
            message: String::new(),
        };
        assert!(s(503).retryable());
        assert!(!s(400).retryable());
        assert!(!s(413).retryable());
        assert!(!UploadError::rejected("too_large", "x").retryable());
    }
}
