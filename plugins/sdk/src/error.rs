use serde::Serialize;

/// Stable machine-readable error codes. The string form (`as_str`) is part of the public
/// contract (JSON reports, logs, the HTTP mapping): variants may be added, never renamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    EmptyFile,
    UnsupportedFormat,
    Truncated,
    Corrupt,
    TooLarge,
    TooManyPixels,
    TooManyFrames,
    CodecUnavailable,
    WidthTooLarge,
    InvalidOption,
    Io,
    Storage,
    StagePanicked,
    StageFailed,
    Timeout,
    Config,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::EmptyFile => "empty_file",
            ErrorCode::UnsupportedFormat => "unsupported_format",
            ErrorCode::Truncated => "truncated",
            ErrorCode::Corrupt => "corrupt",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::TooManyPixels => "too_many_pixels",
            ErrorCode::TooManyFrames => "too_many_frames",
            ErrorCode::CodecUnavailable => "codec_unavailable",
            ErrorCode::WidthTooLarge => "width_too_large",
            ErrorCode::InvalidOption => "invalid_option",
            ErrorCode::Io => "io",
            ErrorCode::Storage => "storage",
            ErrorCode::StagePanicked => "stage_panicked",
            ErrorCode::StageFailed => "stage_failed",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Config => "config",
        }
    }

    /// Whether the input itself is at fault (a client error) rather than the system.
    pub fn is_input_error(self) -> bool {
        !matches!(
            self,
            ErrorCode::Io
                | ErrorCode::Storage
                | ErrorCode::StagePanicked
                | ErrorCode::StageFailed
                | ErrorCode::Timeout
                | ErrorCode::Config
                | ErrorCode::CodecUnavailable
        )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The one error type stages return: a stable code and a human message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} [{code}]")]
pub struct StageError {
    pub code: ErrorCode,
    pub message: String,
}

impl StageError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        StageError {
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_their_stable_names() {
        let json = serde_json::to_string(&ErrorCode::TooManyPixels).unwrap();
        assert_eq!(json, "\"too_many_pixels\"");
        assert_eq!(ErrorCode::TooManyPixels.as_str(), "too_many_pixels");
        let e = StageError::new(ErrorCode::Corrupt, "bad marker");
        assert_eq!(e.to_string(), "bad marker [corrupt]");
    }
}
