//! `update(state, action)`: the only place the state changes. It does no I/O: what needs doing
//! outside comes back as [`Effect`]s.

use std::time::Instant;

use crate::action::{Action, Effect};
use crate::state::{LinkFormat, Quit, Screen, State};
use crate::{export, form, nav};
use upstage_client::Command;

pub fn update(s: &mut State, a: Action) -> Vec<Effect> {
    // While leaving is being confirmed only the answer counts.
    if s.quit == Quit::Confirm {
        return crate::quit::answer(s, a);
    }
    if s.help
        && !matches!(
            a,
            Action::Engine(_) | Action::Tick { .. } | Action::Resized(_)
        )
    {
        s.help = false;
        return vec![];
    }
    update_plain(s, a)
}

pub(crate) fn update_plain(s: &mut State, a: Action) -> Vec<Effect> {
    match a {
        Action::Engine(ev) => {
            crate::apply::engine_event(s, ev, Instant::now());
            vec![]
        }
        Action::Tick { now, clock } => {
            crate::apply::tick(s, now);
            s.clock = Some(clock);
            vec![]
        }
        Action::Resized(h) => {
            s.height = h;
            vec![]
        }
        Action::Up | Action::Down => {
            nav::by(s, if a == Action::Up { -1 } else { 1 });
            vec![]
        }
        Action::PageUp | Action::PageDown => {
            nav::page(s, a == Action::PageDown);
            vec![]
        }
        Action::Home | Action::End => {
            nav::end(s, a == Action::End);
            vec![]
        }
        Action::Click(y) => {
            nav::click(s, y);
            vec![]
        }
        Action::Help => {
            s.help = true;
            vec![]
        }
        Action::Detail => {
            s.detail = !s.detail;
            vec![]
        }
        Action::CopyOne => {
            let link = nav::selected(s)
                .and_then(|i| i.state.links())
                .map(|l| s.link_format.of(l));
            match link {
                Some(text) => {
                    s.flash = Some(s.lang.t().copied.to_owned());
                    vec![Effect::Copy(text)]
                }
                None => vec![],
            }
        }
        Action::QuitAfterInFlight | Action::QuitNow => crate::quit::answer(s, a),
        Action::Saved(path) => {
            s.flash = Some(format!("{}: {}", s.lang.t().saved, path.display()));
            s.links_files.push(path);
            vec![]
        }
        Action::Left | Action::Right => {
            let step = if a == Action::Left { -1 } else { 1 };
            match s.screen {
                Screen::Done => s.link_format = cycle(&LinkFormat::ALL, s.link_format, step),
                Screen::Options if s.field == 0 && !s.albums.is_empty() => {
                    let names: Vec<String> = s.albums.iter().map(|a| a.0.clone()).collect();
                    let at = names.iter().position(|n| *n == s.options.album);
                    let next = match at {
                        Some(i) => (i as isize + step).rem_euclid(names.len() as isize) as usize,
                        None => 0,
                    };
                    s.options.album = names[next].clone();
                }
                _ => {}
            }
            vec![]
        }
        Action::Start => start(s),
        Action::TogglePause => {
            let c = if s.paused {
                Command::Resume
            } else {
                Command::Pause
            };
            vec![Effect::Engine(c)]
        }
        // Counted here, not when the engine echoes it, so `---` typed fast means three fewer.
        Action::MoreWorkers | Action::FewerWorkers => {
            let n = if a == Action::MoreWorkers {
                s.workers + 1
            } else {
                s.workers.saturating_sub(1)
            };
            s.workers = n.clamp(1, upstage_client::MAX_WORKERS);
            vec![Effect::Engine(Command::SetWorkers(s.workers))]
        }
        Action::Cancel => nav::selected(s)
            .map(|i| i.id)
            .map(|id| vec![Effect::Engine(Command::Cancel(id))])
            .unwrap_or_default(),
        Action::Retry => nav::selected(s)
            .map(|i| i.id)
            .map(|id| {
                s.idle = false;
                vec![Effect::Engine(Command::Retry(id))]
            })
            .unwrap_or_default(),
        Action::RetryFailed | Action::RetryAll => {
            s.idle = false;
            s.screen = Screen::Queue;
            let c = if a == Action::RetryAll {
                Command::RetryAll
            } else {
                Command::RetryFailed
            };
            vec![Effect::Engine(c)]
        }
        Action::Show(screen) => {
            s.screen = screen;
            s.cursor = 0;
            s.offset = 0;
            if screen == Screen::Picker && s.picker.entries.is_empty() {
                return vec![Effect::ListDir(s.picker.dir.clone())];
            }
            vec![]
        }
        Action::Back => {
            if s.detail {
                s.detail = false;
                return vec![];
            }
            s.screen = Screen::Queue;
            s.cursor = 0;
            s.offset = 0;
            vec![]
        }
        Action::Quit => crate::quit::ask(s),
        Action::CopyLinks => {
            s.flash = Some(s.lang.t().copied.to_owned());
            vec![Effect::Copy(export::as_text(s, s.link_format))]
        }
        Action::SaveJson => vec![Effect::Save {
            path: export::file_name(s, "json"),
            contents: export::as_json(s),
        }],
        Action::SaveCsv => vec![Effect::Save {
            path: export::file_name(s, "csv"),
            contents: export::as_csv(s),
        }],
        Action::Input(c) => {
            let digits_only = s.field == 5;
            if let Some(text) = form::field_text(s) {
                if !digits_only || c.is_ascii_digit() {
                    text.push(c);
                }
            }
            vec![]
        }
        Action::Backspace => {
            if s.screen == Screen::Picker {
                let up = s.picker.dir.parent().map(|p| p.to_path_buf());
                return up.map(|p| vec![Effect::ListDir(p)]).unwrap_or_default();
            }
            if let Some(text) = form::field_text(s) {
                text.pop();
            }
            vec![]
        }
        Action::Toggle => {
            match s.screen {
                Screen::Options if s.field == 3 => s.options.nsfw = !s.options.nsfw,
                Screen::Picker => form::toggle_picked(s),
                _ => {}
            }
            vec![]
        }
        Action::Enter => match s.screen {
            Screen::Queue | Screen::Errors => {
                s.detail = !s.detail;
                vec![]
            }
            _ => form::enter(s),
        },
        Action::AddPicked => {
            let mut paths: Vec<_> = std::mem::take(&mut s.picker.selected).into_iter().collect();
            if paths.is_empty() {
                if let Some(e) = s.picker.entries.get(s.picker.cursor) {
                    paths.push(s.picker.dir.join(&e.name));
                }
            }
            s.screen = Screen::Queue;
            if paths.is_empty() {
                return vec![];
            }
            s.idle = false;
            vec![Effect::Add(paths)]
        }
        Action::Listed { dir, entries } => {
            s.picker.cursor = 0;
            match entries {
                Ok(e) => {
                    s.picker.dir = dir;
                    s.picker.entries = e;
                    s.picker.error = None;
                }
                Err(why) => s.picker.error = Some(why),
            }
            vec![]
        }
        Action::Flash(text) => {
            s.flash = Some(text);
            vec![]
        }
    }
}

fn cycle<T: Copy + PartialEq>(all: &[T], now: T, step: isize) -> T {
    let i = all.iter().position(|x| *x == now).unwrap_or(0) as isize;
    all[(i + step).rem_euclid(all.len() as isize) as usize]
}

fn start(s: &mut State) -> Vec<Effect> {
    if s.started {
        return vec![];
    }
    if let Err(why) = s.options.validate() {
        s.flash = Some(s.lang.t().option_error(&why));
        s.screen = Screen::Options;
        return vec![];
    }
    s.started = true;
    s.idle = false;
    s.screen = Screen::Queue;
    vec![Effect::Engine(Command::Start(s.options.clone()))]
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;
