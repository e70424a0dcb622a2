//! Engine events applied to the state (part of `update`): each file's state, bytes and speed,
//! the batch's outage and stop.

use std::time::Instant;

use crate::state::{Item, ItemState, Quit, Screen, State};
use upstage_client::Event;

pub(crate) fn engine_event(s: &mut State, ev: Event, now: Instant) {
    match ev {
        Event::Added {
            id,
            path,
            size,
            refused,
        } => {
            let state = refused.map_or(ItemState::Queued, ItemState::Refused);
            s.items.push(Item::new(id, path, size, state));
        }
        Event::AlreadyQueued { count } => s.flash = Some(s.lang.t().already_queued(count)),
        Event::Workers(n) => s.workers = n,
        Event::Paused(p) => s.paused = p,
        Event::Unreachable { next_try_in, error } => {
            s.outage = Some((next_try_in.as_secs(), error));
        }
        Event::Reachable => s.outage = None,
        Event::Stopped { error } => s.stopped = Some(error),
        Event::Idle => {
            s.idle = true;
            s.outage = None;
            if s.quit == Quit::AfterInFlight {
                s.quit = Quit::Now;
            }
            if s.screen == Screen::Queue && !s.items.is_empty() {
                s.screen = Screen::Done;
                s.cursor = 0;
            }
        }
        Event::Started { id, attempt } => set(s, id, |i| {
            i.sent = 0;
            i.meter.clear();
            i.meter.record(now, 0);
            i.state = ItemState::Uploading { attempt };
        }),
        Event::Progress { id, sent, .. } => {
            let mut delta = 0;
            set(s, id, |i| {
                delta = sent.saturating_sub(i.sent);
                i.sent = sent;
                i.meter.record(now, sent);
                i.bytes_per_sec = i.meter.rate(now);
            });
            s.sent_total += delta;
            s.meter.record(now, s.sent_total);
            s.rate = s.meter.rate(now);
        }
        Event::Retrying {
            id, attempt, error, ..
        } => set(s, id, |i| {
            i.sent = 0;
            i.bytes_per_sec = 0.0;
            i.state = ItemState::Retrying { attempt, error };
        }),
        Event::Done {
            id,
            links,
            processing,
        } => set(s, id, |i| {
            i.processing = Some(processing);
            finish(i, ItemState::Done(links));
        }),
        Event::Skipped { id, links } => set(s, id, |i| finish(i, ItemState::Skipped(links))),
        Event::Failed { id, error } => set(s, id, |i| finish(i, ItemState::Failed(error))),
        Event::Cancelled { id } => set(s, id, |i| finish(i, ItemState::Cancelled)),
        Event::Requeued { id } => set(s, id, |i| {
            i.sent = 0;
            i.bytes_per_sec = 0.0;
            i.state = ItemState::Queued;
        }),
    }
}

/// Time passed: speeds fall when bytes stop coming.
pub(crate) fn tick(s: &mut State, now: Instant) {
    s.rate = s.meter.rate(now);
    for i in s.items.iter_mut().filter(|i| i.state.is_active()) {
        i.bytes_per_sec = i.meter.rate(now);
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
