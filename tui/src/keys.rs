//! Keys to actions, per screen. In the options form letters are text, not commands.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::action::Action;
use crate::state::{Screen, State};

pub fn action(s: &State, k: KeyEvent) -> Option<Action> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    let common = match k.code {
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        KeyCode::Left => Some(Action::Left),
        KeyCode::Right => Some(Action::Right),
        KeyCode::Esc => Some(Action::Back),
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
            _ => None,
        },
    }
}
