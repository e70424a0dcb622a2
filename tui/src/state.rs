//! The interface's state: plain data. `update` changes it, `render` only reads it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::engine::{BatchOptions, ItemId, Links, UploadError};
use crate::i18n::Lang;

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
    pub bytes_per_sec: f64,
    pub state: ItemState,
}

/// The paste formats of the done screen, in the order ←→ cycles through them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkFormat {
    Direct,
    Viewer,
    Thumb,
    Delete,
    Markdown,
    Html,
    BbCode,
}

impl LinkFormat {
    pub const ALL: [LinkFormat; 7] = [
        LinkFormat::Direct,
        LinkFormat::Viewer,
        LinkFormat::Thumb,
        LinkFormat::Delete,
        LinkFormat::Markdown,
        LinkFormat::Html,
        LinkFormat::BbCode,
    ];

    pub fn of(self, l: &Links) -> String {
        match self {
            LinkFormat::Direct => l.direct.clone(),
            LinkFormat::Viewer => l.viewer.clone().unwrap_or_default(),
            LinkFormat::Thumb => l.thumb.clone().unwrap_or_default(),
            LinkFormat::Delete => l.delete.clone().unwrap_or_default(),
            LinkFormat::Markdown => l.markdown(),
            LinkFormat::Html => l.html(),
            LinkFormat::BbCode => l.bbcode(),
        }
    }
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
    pub quit: bool,
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
            quit: false,
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

    pub fn speed(&self) -> f64 {
        self.items
            .iter()
            .filter(|i| i.state.is_active())
            .map(|i| i.bytes_per_sec)
            .sum()
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
