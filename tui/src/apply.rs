//! Engine events applied to the state (part of `update`): each file's state, bytes and speed.

use crate::engine::Event;
use crate::state::{Item, ItemState, Screen, State};

pub(crate) fn engine_event(s: &mut State, ev: Event) {
    match ev {
        Event::Added {
            id,
            path,
            size,
            refused,
        } => {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string());
            s.items.push(Item {
                id,
                path,
                name,
                size,
                sent: 0,
                bytes_per_sec: 0.0,
                state: refused.map_or(ItemState::Queued, ItemState::Refused),
            });
        }
        Event::Workers(n) => s.workers = n,
        Event::Paused(p) => s.paused = p,
        Event::Idle => {
            s.idle = true;
            if s.screen == Screen::Queue && !s.items.is_empty() {
                s.screen = Screen::Done;
                s.cursor = 0;
            }
        }
        Event::Started { id, attempt } => set(s, id, |i| {
            i.sent = 0;
            i.state = ItemState::Uploading { attempt };
        }),
        Event::Progress {
            id,
            sent,
            bytes_per_sec,
            ..
        } => set(s, id, |i| {
            i.sent = sent;
            i.bytes_per_sec = bytes_per_sec;
        }),
        Event::Retrying {
            id, attempt, error, ..
        } => set(s, id, |i| {
            i.sent = 0;
            i.bytes_per_sec = 0.0;
            i.state = ItemState::Retrying { attempt, error };
        }),
        Event::Done { id, links } => set(s, id, |i| finish(i, ItemState::Done(links))),
        Event::Skipped { id, links } => set(s, id, |i| finish(i, ItemState::Skipped(links))),
        Event::Failed { id, error } => set(s, id, |i| finish(i, ItemState::Failed(error))),
        Event::Cancelled { id } => set(s, id, |i| finish(i, ItemState::Cancelled)),
        Event::Requeued { id } => set(s, id, |i| {
            i.sent = 0;
            i.state = ItemState::Queued;
        }),
    }
}

fn finish(i: &mut Item, state: ItemState) {
    if matches!(state, ItemState::Done(_) | ItemState::Skipped(_)) {
        i.sent = i.size;
    }
    i.bytes_per_sec = 0.0;
    i.state = state;
}

fn set(s: &mut State, id: usize, f: impl FnOnce(&mut Item)) {
    if let Some(i) = s.item_mut(id) {
        f(i);
    }
}
