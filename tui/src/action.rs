//! Everything that can happen to the interface: keys (already mapped by `keys`), engine events,
//! results of effects the app carried out.

use std::path::PathBuf;
use std::time::Instant;

use crate::state::{DirEntry, Screen};
use upstage_client::{Command, Event};

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Engine(Event),
    /// Time passed (every frame): speeds decay; `clock` is local wall time for dates shown.
    Tick {
        now: Instant,
        clock: chrono::NaiveDateTime,
    },
    /// The terminal's height changed.
    Resized(u16),
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    /// A click on screen row `y`.
    Click(u16),
    Help,
    /// Open or close the selected file's detail pane.
    Detail,
    /// Copy the selected file's link in the chosen format.
    CopyOne,
    /// Quit confirmed: let the files in flight finish, then leave.
    QuitAfterInFlight,
    /// Quit confirmed: cancel the files in flight and leave now.
    QuitNow,
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
    /// A links file was written.
    Saved(PathBuf),
}

/// What `update` asks the app to do (I/O stays out of `update`).
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Engine(Command),
    /// Put text on the clipboard with OSC 52.
    Copy(String),
    /// Write a new file (never over an existing one: `-2`, `-3` … are added to the name).
    Save {
        path: PathBuf,
        contents: String,
    },
    ListDir(PathBuf),
    /// Expand folders and queue the files.
    Add(Vec<PathBuf>),
}
