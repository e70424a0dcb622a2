//! Where things are on screen, shared by `render` and the mouse: the header and footer heights,
//! the row where each list starts, how many rows it shows.

use crate::state::{Screen, State};

pub const HEADER: u16 = 4;
pub const FOOTER: u16 = 2;
/// The detail pane under the queue and the error report.
pub const DETAIL: u16 = 9;

/// Rows above a list's first row inside the body (border, summary, tabs, column names).
fn above(screen: Screen) -> Option<u16> {
    match screen {
        Screen::Queue => Some(2),
        Screen::Errors => Some(4),
        Screen::Done => Some(4),
        Screen::Picker => Some(1),
        Screen::Options => None,
    }
}

/// Rows under a list inside the body (the detail pane).
fn below(s: &State) -> u16 {
    match s.screen {
        Screen::Queue if s.detail => DETAIL,
        Screen::Errors => DETAIL,
        Screen::Done => 8,
        _ => 0,
    }
}

/// The screen row of the list's first row.
pub fn first_row(s: &State) -> Option<u16> {
    above(s.screen).map(|a| HEADER + a)
}

/// How many list rows fit.
pub fn rows(s: &State) -> usize {
    let body = s.height.saturating_sub(HEADER + FOOTER);
    let used = above(s.screen).unwrap_or(0) + below(s);
    usize::from(body.saturating_sub(used))
}
