//! Everything that can happen to the interface: keys (already mapped by `keys`), engine events,
//! results of effects the app carried out.

use std::path::PathBuf;

use crate::engine::{Command, Event};
use crate::state::{DirEntry, Screen};

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Engine(Event),
    Up,
    Down,
    Left,
    Right,
    Start,
    TogglePause,
    MoreWorkers,
    FewerWorkers,
    Cancel,
    Retry,
    RetryFailed,
    RetryAll,
    Show(Screen),
    Back,
    Quit,
    CopyLinks,
    SaveJson,
    SaveCsv,
    /// Text typed into the options form.
    Input(char),
    Backspace,
    Toggle,
    Enter,
    /// Add the picker's selection (or the file under the cursor) to the queue.
    AddPicked,
    Listed {
        dir: PathBuf,
        entries: Result<Vec<DirEntry>, String>,
    },
    Flash(String),
}

/// What `update` asks the app to do (I/O stays out of `update`).
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Engine(Command),
    /// Put text on the clipboard with OSC 52.
    Copy(String),
    Save {
        path: PathBuf,
        contents: String,
    },
    ListDir(PathBuf),
    /// Expand folders and queue the files.
    Add(Vec<PathBuf>),
}
