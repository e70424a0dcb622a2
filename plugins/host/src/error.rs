use std::path::PathBuf;

use upstage_sdk::plugin::PluginErrorKind;

/// Why a plugin library or instance could not be used. Each variant has a stable code
/// ([`LoadError::code`]) for `upstage plugins list --json` and logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot be loaded: {message}", path.display())]
    Open { path: PathBuf, message: String },
    #[error("{}: not an Upstage plugin (no `{symbol}` symbol)", path.display())]
    NotAPlugin { path: PathBuf, symbol: String },
    #[error(
        "{}: built for plugin ABI version {found}, this upstage supports version {expected}; \
         rebuild it against a matching upstage-sdk",
        path.display()
    )]
    AbiMismatch {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error("{}: bad plugin descriptor: {reason}", path.display())]
    BadDescriptor { path: PathBuf, reason: String },
    /// `kind` is the plugin's error kind (`config`, `panicked`, …), kept out of the text so a
    /// caller that adds its own tag does not repeat it.
    #[error("plugin '{name}' could not start: {message}")]
    CreateFailed {
        name: String,
        kind: &'static str,
        message: String,
    },
    #[error("plugin '{name}' is a {found} plugin, not a {expected} plugin")]
    WrongKind {
        name: String,
        found: &'static str,
        expected: &'static str,
    },
    #[error("plugin '{name}' is also provided by {}; this copy is ignored", first.display())]
    Duplicate { name: String, first: PathBuf },
    #[error(
        "plugin '{name}' is enabled in [plugins] but no library for it was found in: {searched}"
    )]
    Missing { name: String, searched: String },
    #[error("plugin '{name}' is not enabled: add [plugins.{name}] to upstage.toml")]
    NotEnabled { name: String },
}

impl LoadError {
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::Open { .. } => "open_failed",
            LoadError::NotAPlugin { .. } => "not_a_plugin",
            LoadError::AbiMismatch { .. } => "abi_mismatch",
            LoadError::BadDescriptor { .. } => "bad_descriptor",
            LoadError::CreateFailed { .. } => "create_failed",
            LoadError::WrongKind { .. } => "wrong_kind",
            LoadError::Duplicate { .. } => "duplicate",
            LoadError::Missing { .. } => "missing",
            LoadError::NotEnabled { .. } => "not_enabled",
        }
    }
}

/// A call into a plugin instance failed: the status the plugin reported and its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} [{}]", kind.as_str())]
pub struct CallError {
    pub kind: PluginErrorKind,
    pub message: String,
}
