//! The logging hook: what a plugin writes lands in the host's log, tagged with the plugin's name.

use crate::abi::{log_level, UpHost, UpStr};

/// How important a log line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl Level {
    fn code(self) -> u32 {
        match self {
            Level::Error => log_level::ERROR,
            Level::Warn => log_level::WARN,
            Level::Info => log_level::INFO,
            Level::Debug => log_level::DEBUG,
            Level::Trace => log_level::TRACE,
        }
    }
}

/// Writes to the host's log. Handed to `new`; keep it (it is `Copy`) to log from any method on
/// any thread. A host too old to offer logging gets a logger that drops everything.
#[derive(Clone, Copy)]
pub struct Logger {
    host: Option<&'static UpHost>,
}

// The host table is immutable and lives for the process; its `log` is thread-safe by contract.
unsafe impl Send for Logger {}
unsafe impl Sync for Logger {}

impl std::fmt::Debug for Logger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logger")
            .field("connected", &self.host.is_some())
            .finish()
    }
}

impl Logger {
    /// A logger that drops everything (unit tests of plugin code).
    pub const fn disabled() -> Logger {
        Logger { host: None }
    }

    /// # Safety
    /// `host` must be null or point to a host table that lives for the rest of the process.
    pub(crate) unsafe fn from_host(host: *const UpHost) -> Logger {
        let host = host.as_ref().filter(|h| {
            h.struct_size as usize
                >= std::mem::offset_of!(UpHost, log) + std::mem::size_of::<usize>()
        });
        Logger { host }
    }

    pub fn log(&self, level: Level, message: &str) {
        if let Some(h) = self.host {
            if let Some(log) = h.log {
                // SAFETY: the host's function, called as the ABI documents.
                unsafe { log(h.ctx, level.code(), UpStr::new(message)) }
            }
        }
    }

    pub fn error(&self, message: impl std::fmt::Display) {
        self.log(Level::Error, &message.to_string());
    }

    pub fn warn(&self, message: impl std::fmt::Display) {
        self.log(Level::Warn, &message.to_string());
    }

    pub fn info(&self, message: impl std::fmt::Display) {
        self.log(Level::Info, &message.to_string());
    }

    pub fn debug(&self, message: impl std::fmt::Display) {
        self.log(Level::Debug, &message.to_string());
    }
}
