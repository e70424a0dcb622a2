//! The interface's state: plain data. `update` changes it, `render` only reads it.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use crate::i18n::Lang;
pub use crate::link_format::LinkFormat;
use crate::meter::Meter;
use upstage_client::{BatchOptions, ItemId, Links, UploadError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Queue,
    Options,
    Picker,
    Errors,
    Done,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ItemState {
    Queued,
    Uploading { attempt: u32 },
    Retrying { attempt: u32, error: UploadError },
    Done(Links),
    Skipped(Links),
    Failed(UploadError),
    Refused(UploadError),
    Cancelled,
}

impl ItemState {
    pub fn links(&self) -> Option<&Links> {
        match self {
            ItemState::Done(l) | ItemState::Skipped(l) => Some(l),
            _ => None,
        }
    }

    pub fn error(&self) -> Option<&UploadError> {
        match self {
            ItemState::Failed(e) | ItemState::Refused(e) => Some(e),
            _ => None,
        }
    }

    /// Sent, or to be sent (not settled yet).
    pub fn is_left(&self) -> bool {
        matches!(self, ItemState::Queued) || self.is_active()
    }

    pub fn is_active(&self) -> bool {
        matches!(
            self,
            ItemState::Uploading { .. } | ItemState::Retrying { .. }
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub id: ItemId,
    pub path: PathBuf,
    pub name: String,
    pub size: u64,
    pub sent: u64,
    /// Over the last seconds (`meter`), refreshed as bytes go and on every tick.
    pub bytes_per_sec: f64,
    pub meter: Meter,
    pub state: ItemState,
    /// From the last byte to the server's answer.
    pub processing: Option<Duration>,
}

impl Item {
    pub fn new(id: ItemId, path: PathBuf, size: u64, state: ItemState) -> Item {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        Item {
            id,
            path,
            name,
            size,
            sent: 0,
            bytes_per_sec: 0.0,
            meter: Meter::default(),
            state,
            processing: None,
        }
    }

    /// Every byte handed over, the server not answered yet.
    pub fn processing_now(&self) -> bool {
        matches!(self.state, ItemState::Uploading { .. }) && self.size > 0 && self.sent >= self.size
    }
}

/// Asked before leaving while files are in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quit {
    No,
    Confirm,
    /// Cancel the queue, let the files in flight finish, then leave.
    AfterInFlight,
    Now,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub is_dir: bool,
    pub size: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Picker {
    pub dir: PathBuf,
    pub entries: Vec<DirEntry>,
    pub cursor: usize,
    pub selected: BTreeSet<PathBuf>,
    pub error: Option<String>,
}

/// The fields of the batch options form, in order.
pub const FIELDS: usize = 6;

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub lang: Lang,
    pub screen: Screen,
    pub items: Vec<Item>,
    /// Cursor in the queue table and the error report.
    pub cursor: usize,
    pub workers: usize,
    pub paused: bool,
    pub started: bool,
    /// The engine said it has nothing left to do.
    pub idle: bool,
    pub options: BatchOptions,
    pub field: usize,
    /// Existing albums (name, encoded id) of the local library.
    pub albums: Vec<(String, String)>,
    pub local: bool,
    pub target: String,
    pub max_bytes: u64,
    pub link_format: LinkFormat,
    pub picker: Picker,
    pub flash: Option<String>,
    pub quit: Quit,
    /// Every byte sent in this session (retries too), for the windowed speed.
    pub sent_total: u64,
    pub meter: Meter,
    /// The overall speed as of the last tick.
    pub rate: f64,
    /// The server cannot be reached: seconds to the next try, and why.
    pub outage: Option<(u64, UploadError)>,
    /// The batch stopped (a refused key): why.
    pub stopped: Option<UploadError>,
    /// The detail pane of the selected file is open.
    pub detail: bool,
    pub help: bool,
    /// The terminal's height (the rows a list shows, for PgUp/PgDn and clicks).
    pub height: u16,
    /// The first row the list shows.
    pub offset: usize,
    /// Links files saved in this session.
    pub links_files: Vec<PathBuf>,
    /// "now" for the expiration preview, UTC; set by the app as time passes.
    pub clock: Option<chrono::NaiveDateTime>,
}

impl State {
    pub fn new(lang: Lang, target: String, max_bytes: u64, workers: usize) -> State {
        State {
            lang,
            screen: Screen::Queue,
            items: Vec::new(),
            cursor: 0,
            workers,
            paused: false,
            started: false,
            idle: false,
            options: BatchOptions::default(),
            field: 0,
            albums: Vec::new(),
            local: false,
            target,
            max_bytes,
            link_format: LinkFormat::Direct,
            picker: Picker::default(),
            flash: None,
            quit: Quit::No,
            sent_total: 0,
            meter: Meter::default(),
            rate: 0.0,
            outage: None,
            stopped: None,
            detail: false,
            help: false,
            height: 24,
            offset: 0,
            links_files: Vec::new(),
            clock: None,
        }
    }

    /// Files that will be (or were) sent: refused ones do not count towards progress.
    fn counted(&self) -> impl Iterator<Item = &Item> {
        self.items
            .iter()
            .filter(|i| !matches!(i.state, ItemState::Refused(_)))
    }

    pub fn total_bytes(&self) -> u64 {
        self.counted().map(|i| i.size).sum()
    }

    /// Bytes of finished files in full, plus what is in flight.
    pub fn done_bytes(&self) -> u64 {
        self.counted()
            .map(|i| match i.state {
                ItemState::Done(_) | ItemState::Skipped(_) | ItemState::Failed(_) => i.size,
                _ => i.sent.min(i.size),
            })
            .sum()
    }

    pub fn percent(&self) -> u8 {
        let total = self.total_bytes();
        if total == 0 {
            return if self.items.is_empty() { 0 } else { 100 };
        }
        ((self.done_bytes() as f64 / total as f64) * 100.0).floor() as u8
    }

    /// The batch's speed over the last seconds (not a sum of per-file bursts).
    pub fn speed(&self) -> f64 {
        self.rate
    }

    /// (uploaded or skipped, failed or refused, left to send).
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for i in &self.items {
            if i.state.links().is_some() {
                c.0 += 1;
            } else if i.state.error().is_some() {
                c.1 += 1;
            } else if i.state.is_left() {
                c.2 += 1;
            }
        }
        c
    }

    /// Files sent right now.
    pub fn in_flight(&self) -> usize {
        self.items.iter().filter(|i| i.state.is_active()).count()
    }

    /// Seconds left at the current speed; `None` when nothing moves.
    pub fn eta_secs(&self) -> Option<u64> {
        let speed = self.speed();
        let left = self.total_bytes().saturating_sub(self.done_bytes());
        (speed > 0.0 && left > 0).then(|| (left as f64 / speed).ceil() as u64)
    }

    pub fn errors(&self) -> Vec<&Item> {
        self.items
            .iter()
            .filter(|i| i.state.error().is_some())
            .collect()
    }

    pub fn uploaded(&self) -> Vec<&Item> {
        self.items
            .iter()
            .filter(|i| i.state.links().is_some())
            .collect()
    }

    pub fn item_mut(&mut self, id: ItemId) -> Option<&mut Item> {
        self.items.iter_mut().find(|i| i.id == id)
    }
}
