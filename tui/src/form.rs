//! Editing (part of `update`): the options form's text fields, Enter in the form and the picker,
//! and the picker's selection.

use crate::action::Effect;
use crate::state::{Screen, State};

pub fn enter(s: &mut State) -> Vec<Effect> {
    match s.screen {
        Screen::Options => {
            s.screen = Screen::Queue;
            vec![]
        }
        Screen::Picker => match s.picker.entries.get(s.picker.cursor) {
            Some(e) if e.is_dir => vec![Effect::ListDir(s.picker.dir.join(&e.name))],
            Some(_) => {
                toggle_picked(s);
                vec![]
            }
            None => vec![],
        },
        _ => vec![],
    }
}

pub fn toggle_picked(s: &mut State) {
    if let Some(e) = s.picker.entries.get(s.picker.cursor).filter(|e| !e.is_dir) {
        let p = s.picker.dir.join(&e.name);
        if !s.picker.selected.remove(&p) {
            s.picker.selected.insert(p);
        }
    }
}

pub fn field_text(s: &mut State) -> Option<&mut String> {
    if s.screen != Screen::Options {
        return None;
    }
    let o = &mut s.options;
    match s.field {
        0 => Some(&mut o.album),
        1 => Some(&mut o.title),
        2 => Some(&mut o.tags),
        4 => Some(&mut o.expiration),
        5 => Some(&mut o.width),
        _ => None,
    }
}
