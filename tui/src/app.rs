//! The full-screen loop: terminal events and engine events become actions, `update` applies them,
//! effects run in the background, and the screen is redrawn at most every 50 ms. Nothing here
//! waits on I/O between frames.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event as TermEvent};
use tokio::sync::mpsc;

use crate::action::{Action, Effect};
use crate::engine::{expand, BatchOptions, Command, Engine, EngineConfig, Journal, Target};
use crate::i18n::Lang;
use crate::state::State;
use crate::{keys, picker, render, update};

pub struct Setup {
    pub lang: Lang,
    pub files: Vec<PathBuf>,
    pub walk_errors: Vec<(PathBuf, String)>,
    pub target: Arc<Target>,
    pub target_label: String,
    pub options: BatchOptions,
    pub journal: Option<Arc<Journal>>,
    pub engine: EngineConfig,
    pub albums: Vec<(String, String)>,
    pub local: bool,
}

const FRAME: Duration = Duration::from_millis(50);

/// Run until quit; true when any file failed or was refused.
pub async fn run(setup: Setup) -> std::io::Result<bool> {
    let mut state = State::new(
        setup.lang,
        setup.target_label,
        setup.engine.max_bytes,
        setup.engine.workers,
    );
    state.options = setup.options;
    state.albums = setup.albums;
    state.local = setup.local;
    state.picker.dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let (engine, mut events) = Engine::spawn(setup.engine, setup.target, setup.journal);
    let mut first: Vec<PathBuf> = setup.files;
    // Unreadable entries are queued too: the engine reports them as refused, with the reason.
    first.extend(setup.walk_errors.into_iter().map(|(p, _)| p));
    if !first.is_empty() {
        engine.send(Command::Add(first));
    }
    let (act_tx, mut actions) = mpsc::unbounded_channel::<Action>();
    let (term_tx, mut term) = mpsc::unbounded_channel::<TermEvent>();
    // crossterm's reader blocks: it gets its own thread and stops when the loop is gone.
    std::thread::spawn(move || {
        while let Ok(ev) = event::read() {
            if term_tx.send(ev).is_err() {
                break;
            }
        }
    });
    let mut terminal = ratatui::try_init()?;
    let mut last_draw = Instant::now() - FRAME;
    let mut dirty = true;
    let mut tick = tokio::time::interval(FRAME);
    let result = loop {
        let mut batch = Vec::new();
        tokio::select! {
            Some(ev) = events.recv() => batch.push(Action::Engine(ev)),
            Some(a) = actions.recv() => batch.push(a),
            Some(ev) = term.recv() => match ev {
                TermEvent::Key(k) => batch.extend(keys::action(&state, k)),
                TermEvent::Resize(..) => dirty = true,
                _ => {}
            },
            _ = tick.tick() => {}
        }
        // Progress comes in bursts: apply everything waiting before drawing once.
        while let Ok(ev) = events.try_recv() {
            batch.push(Action::Engine(ev));
        }
        for a in batch {
            dirty = true;
            for effect in update::update(&mut state, a) {
                run_effect(effect, &engine, &act_tx);
            }
        }
        if state.quit {
            break Ok(!state.errors().is_empty());
        }
        if dirty && last_draw.elapsed() >= FRAME {
            if let Err(e) = terminal.draw(|f| render::render(&state, f)) {
                break Err(e);
            }
            last_draw = Instant::now();
            dirty = false;
        }
    };
    ratatui::restore();
    result
}

fn run_effect(effect: Effect, engine: &Engine, actions: &mpsc::UnboundedSender<Action>) {
    match effect {
        Effect::Engine(c) => engine.send(c),
        Effect::Copy(text) => {
            let mut out = std::io::stdout();
            let _ = out
                .write_all(crate::clipboard::osc52(&text).as_bytes())
                .and_then(|()| out.flush());
        }
        Effect::Save { path, contents } => {
            let actions = actions.clone();
            tokio::spawn(async move {
                let msg = match tokio::fs::write(&path, contents).await {
                    Ok(()) => format!("✓ {}", path.display()),
                    Err(e) => format!("✗ {}: {e}", path.display()),
                };
                let _ = actions.send(Action::Flash(msg));
            });
        }
        Effect::ListDir(dir) => {
            let actions = actions.clone();
            tokio::task::spawn_blocking(move || {
                let entries = picker::list_dir(&dir);
                let _ = actions.send(Action::Listed { dir, entries });
            });
        }
        Effect::Add(paths) => {
            let engine = engine.clone();
            tokio::task::spawn_blocking(move || {
                let (mut files, errors) = expand(&paths);
                files.extend(errors.into_iter().map(|(p, _)| p));
                engine.send(Command::Add(files));
            });
        }
    }
}
