//! The one upload client of Upstage, used by `upstage upload`, `upstage tui` and
//! `upstage import --to`: a [`Remote`] site (any Chevereto V1.1 endpoint, the file streamed from
//! disk as a multipart part) or a [`LocalLibrary`] the binary provides, one [`RetryPolicy`]
//! (jittered exponential backoff; connection errors, 5xx and 429 only, `Retry-After` honoured),
//! and the batch [`Engine`]: a queue of files, N parallel workers (adjustable live), real byte
//! progress, pause/resume, cancel, retry, an outage pause, and a journal so a rerun of the same
//! batch skips what is done. The engine is driven by [`Command`]s and reports [`Event`]s over
//! tokio channels; it never touches the terminal.

mod answer;
mod batch;
mod body;
mod check;
mod error;
mod event;
mod expiry;
pub mod journal;
mod links;
mod local;
mod outage;
mod remote;
pub mod retry;
mod scheduler;
mod target;
mod worker;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::mpsc;

pub use answer::parse_response;
pub use batch::{BatchOptions, OptionError};
pub use check::check;
pub use error::UploadError;
pub use event::{Command, Event, ItemId};
pub use expiry::{Expiry, ExpiryError};
pub use journal::Journal;
pub use links::Links;
pub use local::{BoxFuture, LocalLibrary};
pub use remote::{endpoint_of, Answer, Remote, RemoteError};
pub use retry::{Failure, RetryPolicy};
pub use target::Target;

/// Upper bound for live worker changes: beyond this a single client only adds contention.
pub const MAX_WORKERS: usize = 32;
pub const DEFAULT_WORKERS: usize = 4;

pub struct EngineConfig {
    pub workers: usize,
    pub max_bytes: u64,
    pub retry: RetryPolicy,
}

/// Sends commands to a running engine; dropping it lets the engine finish what is queued.
#[derive(Clone)]
pub struct Engine {
    tx: mpsc::UnboundedSender<Command>,
}

impl Engine {
    /// Start the engine on the current tokio runtime.
    pub fn spawn(
        cfg: EngineConfig,
        target: Arc<Target>,
        journal: Option<Arc<Journal>>,
    ) -> (Engine, mpsc::UnboundedReceiver<Event>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let (etx, erx) = mpsc::unbounded_channel();
        let s =
            scheduler::Scheduler::new(target, journal, cfg.retry, cfg.max_bytes, cfg.workers, etx);
        tokio::spawn(s.run(rx));
        (Engine { tx }, erx)
    }

    pub fn send(&self, c: Command) {
        // A closed engine has nothing left to act on.
        let _ = self.tx.send(c);
    }
}

/// Files and folders into files: folders walked recursively (hidden entries and symlinks
/// skipped, only the accepted extensions), named files kept whatever their name (their content
/// is checked). Unreadable entries come back separately.
pub fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if !p.exists() {
            errors.push((p.clone(), "no such file or folder".to_owned()));
            continue;
        }
        let (inputs, errs) = upstage_core::collect_inputs(std::slice::from_ref(p));
        errors.extend(errs);
        files.extend(
            inputs
                .iter()
                .filter_map(|i| i.path().map(Path::to_path_buf)),
        );
    }
    (files, errors)
}

/// The default journal of a batch: `~/.cache/upstage/upload-<hash>.tsv`, the hash over the
/// target and the batch's files and options, so rerunning the same command resumes it.
pub fn default_journal(target: &str, files: &[PathBuf], options: &BatchOptions) -> Option<PathBuf> {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
    let mut key = format!("{target}\n{}\n", serde_json::to_string(options).ok()?);
    let mut abs: Vec<String> = files
        .iter()
        .map(|f| {
            std::path::absolute(f)
                .unwrap_or_else(|_| f.clone())
                .display()
                .to_string()
        })
        .collect();
    abs.sort();
    for f in abs {
        key.push_str(&f);
        key.push('\n');
    }
    let hash = journal::sha256_hex(key.as_bytes());
    Some(
        PathBuf::from(home)
            .join(".cache/upstage")
            .join(format!("upload-{}.tsv", &hash[..16])),
    )
}
