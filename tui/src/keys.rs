//! Keys to actions, per screen. In the options form letters are text, not commands.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use ratatui::crossterm::event::{MouseEvent, MouseEventKind};

use crate::action::Action;
use crate::state::{Quit, Screen, State};

/// The wheel scrolls, a click selects the row under it.
pub fn mouse(m: MouseEvent) -> Option<Action> {
    match m.kind {
        MouseEventKind::ScrollUp => Some(Action::Up),
        MouseEventKind::ScrollDown => Some(Action::Down),
        MouseEventKind::Down(_) => Some(Action::Click(m.row)),
        _ => None,
    }
}

pub fn action(s: &State, k: KeyEvent) -> Option<Action> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    if s.quit == Quit::Confirm {
        return match k.code {
            KeyCode::Enter | KeyCode::Char('f') => Some(Action::QuitAfterInFlight),
            KeyCode::Char('q') | KeyCode::Char('x') => Some(Action::QuitNow),
            KeyCode::Esc => Some(Action::Back),
            _ => None,
        };
    }
    let common = match k.code {
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        KeyCode::Left => Some(Action::Left),
        KeyCode::Right => Some(Action::Right),
        KeyCode::Esc => Some(Action::Back),
        KeyCode::Home => Some(Action::Home),
        KeyCode::End => Some(Action::End),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::PageDown => Some(Action::PageDown),
        _ => None,
    };
    if common.is_some() {
        return common;
    }
    match s.screen {
        Screen::Options => match k.code {
            KeyCode::Tab => Some(Action::Down),
            KeyCode::BackTab => Some(Action::Up),
            KeyCode::Enter => Some(Action::Enter),
            KeyCode::Backspace => Some(Action::Backspace),
            KeyCode::Char(' ') if s.field == 3 => Some(Action::Toggle),
            KeyCode::Char(c) => Some(Action::Input(c)),
            _ => None,
        },
        Screen::Picker => match k.code {
            KeyCode::Enter => Some(Action::Enter),
            KeyCode::Backspace => Some(Action::Backspace),
            KeyCode::Char(' ') => Some(Action::Toggle),
            KeyCode::Char('a') => Some(Action::AddPicked),
            KeyCode::Char('q') => Some(Action::Quit),
            KeyCode::Char('?') => Some(Action::Help),
            _ => None,
        },
        Screen::Queue | Screen::Errors | Screen::Done => match k.code {
            KeyCode::Char('q') => Some(Action::Quit),
            KeyCode::Char('s') => Some(Action::Start),
            KeyCode::Char('p') => Some(Action::TogglePause),
            KeyCode::Char('+') | KeyCode::Char('=') => Some(Action::MoreWorkers),
            KeyCode::Char('-') => Some(Action::FewerWorkers),
            KeyCode::Char('c') => Some(Action::Cancel),
            KeyCode::Char('r') => Some(Action::Retry),
            KeyCode::Char('R') => Some(Action::RetryFailed),
            KeyCode::Char('A') => Some(Action::RetryAll),
            KeyCode::Char('o') => Some(Action::Show(Screen::Options)),
            KeyCode::Char('a') => Some(Action::Show(Screen::Picker)),
            KeyCode::Char('e') => Some(Action::Show(Screen::Errors)),
            KeyCode::Char('d') => Some(Action::Show(Screen::Done)),
            KeyCode::Char('y') => Some(Action::CopyLinks),
            KeyCode::Char('w') => Some(Action::SaveJson),
            KeyCode::Char('v') => Some(Action::SaveCsv),
            KeyCode::Char('l') => Some(Action::CopyOne),
            KeyCode::Char('?') => Some(Action::Help),
            KeyCode::Enter => Some(Action::Enter),
            _ => None,
        },
    }
}
