//! `render(state, frame)`: draws the state; reads it, never changes it. Every screen fits 80×24
//! and grows with the terminal.

mod detail;
mod done;
mod errors;
pub mod fmt;
mod footer;
mod header;
pub mod layout;
mod options;
mod overlay;
mod picker;
mod queue;
pub mod text;

use ratatui::layout::{Constraint, Layout};
use ratatui::Frame;

use crate::state::{Quit, Screen, State};

pub fn render(s: &State, f: &mut Frame) {
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(layout::HEADER),
        Constraint::Min(3),
        Constraint::Length(layout::FOOTER),
    ])
    .areas(f.area());
    header::render(s, f, head);
    match s.screen {
        Screen::Queue => queue::render(s, f, body),
        Screen::Options => options::render(s, f, body),
        Screen::Picker => picker::render(s, f, body),
        Screen::Errors => errors::render(s, f, body),
        Screen::Done => done::render(s, f, body),
    }
    footer::render(s, f, foot);
    if s.help {
        overlay::help(s, f);
    }
    if s.quit == Quit::Confirm {
        overlay::confirm_quit(s, f);
    }
}
