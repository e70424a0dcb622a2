//! What the engine is told (`Command`) and what it reports (`Event`), over tokio channels.

use std::path::PathBuf;
use std::time::Duration;

use super::{BatchOptions, Links, UploadError};

pub type ItemId = usize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Queue files (already expanded from folders); each is checked and reported as `Added`.
    Add(Vec<PathBuf>),
    /// Start sending with these options (files queue, but nothing is sent before this).
    Start(BatchOptions),
    SetWorkers(usize),
    /// Stop starting files and hold the bodies in flight; `Resume` continues them.
    Pause,
    Resume,
    Cancel(ItemId),
    /// Interrupted: cancel everything queued, let the files in flight finish (and be journaled).
    Drain,
    /// Queue one failed or cancelled file again.
    Retry(ItemId),
    RetryFailed,
    /// Failed, cancelled and refused files again (refused ones are checked afresh).
    RetryAll,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A file joined the queue; `refused` says why it will not be sent.
    Added {
        id: ItemId,
        path: PathBuf,
        size: u64,
        refused: Option<UploadError>,
    },
    Started {
        id: ItemId,
        attempt: u32,
    },
    Progress {
        id: ItemId,
        sent: u64,
        total: u64,
        bytes_per_sec: f64,
    },
    Retrying {
        id: ItemId,
        attempt: u32,
        after: Duration,
        error: UploadError,
    },
    Done {
        id: ItemId,
        links: Links,
        /// From the last byte sent to the server's answer (its processing, mostly).
        processing: Duration,
    },
    /// Already uploaded by an earlier run of the same batch (journal).
    Skipped {
        id: ItemId,
        links: Links,
    },
    Failed {
        id: ItemId,
        error: UploadError,
    },
    Cancelled {
        id: ItemId,
    },
    Requeued {
        id: ItemId,
    },
    /// Files that were already in the queue (same path) were not added again.
    AlreadyQueued {
        count: usize,
    },
    /// The server cannot be reached: nothing new starts, files in flight go back to the queue
    /// without spending a try, and one file probes again after `next_try_in` (sent every second
    /// as it counts down).
    Unreachable {
        next_try_in: Duration,
        error: UploadError,
    },
    /// The server answered again after `Unreachable`; the batch goes on by itself.
    Reachable,
    /// The batch stopped (the API key was refused, or the album could not be made): the queued
    /// files were cancelled; `RetryAll` sends them once the cause is fixed.
    Stopped {
        error: UploadError,
    },
    Workers(usize),
    Paused(bool),
    /// Nothing queued or in flight after the engine started.
    Idle,
}
