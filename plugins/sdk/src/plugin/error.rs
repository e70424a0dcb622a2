use crate::abi::status;

/// What went wrong, as a plugin reports it. Each kind maps to one ABI status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PluginErrorKind {
    InvalidArgument,
    NotFound,
    AlreadyExists,
    Io,
    Backend,
    Unsupported,
    /// The instance configuration is invalid.
    Config,
    /// A stage could not process this item.
    Failed,
    Panicked,
    Poisoned,
    Internal,
}

impl PluginErrorKind {
    pub fn code(self) -> i32 {
        match self {
            PluginErrorKind::InvalidArgument => status::INVALID_ARGUMENT,
            PluginErrorKind::NotFound => status::NOT_FOUND,
            PluginErrorKind::AlreadyExists => status::ALREADY_EXISTS,
            PluginErrorKind::Io => status::IO,
            PluginErrorKind::Backend => status::BACKEND,
            PluginErrorKind::Unsupported => status::UNSUPPORTED,
            PluginErrorKind::Config => status::CONFIG,
            PluginErrorKind::Failed => status::FAILED,
            PluginErrorKind::Panicked => status::PANICKED,
            PluginErrorKind::Poisoned => status::POISONED,
            PluginErrorKind::Internal => status::INTERNAL,
        }
    }

    /// The kind of a status code; unknown codes (from a newer plugin) are `Internal`.
    pub fn from_code(code: i32) -> PluginErrorKind {
        [
            PluginErrorKind::InvalidArgument,
            PluginErrorKind::NotFound,
            PluginErrorKind::AlreadyExists,
            PluginErrorKind::Io,
            PluginErrorKind::Backend,
            PluginErrorKind::Unsupported,
            PluginErrorKind::Config,
            PluginErrorKind::Failed,
            PluginErrorKind::Panicked,
            PluginErrorKind::Poisoned,
        ]
        .into_iter()
        .find(|k| k.code() == code)
        .unwrap_or(PluginErrorKind::Internal)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PluginErrorKind::InvalidArgument => "invalid_argument",
            PluginErrorKind::NotFound => "not_found",
            PluginErrorKind::AlreadyExists => "already_exists",
            PluginErrorKind::Io => "io",
            PluginErrorKind::Backend => "backend",
            PluginErrorKind::Unsupported => "unsupported",
            PluginErrorKind::Config => "config",
            PluginErrorKind::Failed => "failed",
            PluginErrorKind::Panicked => "panicked",
            PluginErrorKind::Poisoned => "poisoned",
            PluginErrorKind::Internal => "internal",
        }
    }
}

/// The error a plugin method returns: a kind and a message for people.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} [{}]", kind.as_str())]
pub struct PluginError {
    pub kind: PluginErrorKind,
    pub message: String,
}

impl PluginError {
    pub fn new(kind: PluginErrorKind, message: impl Into<String>) -> Self {
        PluginError {
            kind,
            message: message.into(),
        }
    }

    pub fn config(message: impl Into<String>) -> Self {
        Self::new(PluginErrorKind::Config, message)
    }

    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(PluginErrorKind::Failed, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(PluginErrorKind::NotFound, message)
    }

    pub fn io(e: std::io::Error) -> Self {
        let kind = match e.kind() {
            std::io::ErrorKind::NotFound => PluginErrorKind::NotFound,
            std::io::ErrorKind::AlreadyExists => PluginErrorKind::AlreadyExists,
            _ => PluginErrorKind::Io,
        };
        Self::new(kind, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in [
            PluginErrorKind::NotFound,
            PluginErrorKind::Config,
            PluginErrorKind::Panicked,
            PluginErrorKind::Failed,
        ] {
            assert_eq!(PluginErrorKind::from_code(k.code()), k);
        }
        assert_eq!(PluginErrorKind::from_code(999), PluginErrorKind::Internal);
    }
}
