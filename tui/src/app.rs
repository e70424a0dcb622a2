//! The full-screen loop: terminal events and engine events become actions, `update` applies them,
//! effects run in the background, and the screen is redrawn at most every 50 ms. Nothing here
//! waits on I/O between frames.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event as TermEvent,
};
use ratatui::crossterm::execute;
use tokio::sync::mpsc;

use crate::action::{Action, Effect};
use crate::i18n::Lang;
use crate::state::{Quit, State};
use crate::summary::Summary;
use crate::{export, keys, picker, render, update};
use upstage_client::{expand, BatchOptions, Command, Engine, EngineConfig, Journal, Target};

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

/// Run until quit; the summary to print once the normal screen is back.
pub async fn run(setup: Setup) -> std::io::Result<Summary> {
    let started = Instant::now();
    let journal = setup.journal.as_ref().map(|j| j.path().to_path_buf());
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
    // Without the wheel and clicks the terminal still works: not worth failing over.
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    if let Ok(size) = terminal.size() {
        update::update(&mut state, Action::Resized(size.height));
    }
    let mut last_draw = Instant::now() - FRAME;
    let mut dirty = true;
    let mut tick = tokio::time::interval(FRAME);
    let mut last_tick = Instant::now() - Duration::from_secs(1);
    let result = loop {
        let mut batch = Vec::new();
        tokio::select! {
            Some(ev) = events.recv() => batch.push(Action::Engine(ev)),
            Some(a) = actions.recv() => batch.push(a),
            Some(ev) = term.recv() => match ev {
                TermEvent::Key(k) => batch.extend(keys::action(&state, k)),
                TermEvent::Mouse(m) => batch.extend(keys::mouse(m)),
                TermEvent::Resize(_, h) => batch.push(Action::Resized(h)),
                _ => {}
            },
            _ = tick.tick() => {
                // Speeds fall over seconds and dates move by minutes: once a second is enough.
                if last_tick.elapsed() >= Duration::from_secs(1) {
                    last_tick = Instant::now();
                    batch.push(Action::Tick {
                        now: last_tick,
                        clock: chrono::Local::now().naive_local(),
                    });
                }
            }
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
        if state.quit == Quit::Now {
            break Ok(export::summary(
                &state,
                journal.clone(),
                started.elapsed().as_secs_f64(),
            ));
        }
        if dirty && last_draw.elapsed() >= FRAME {
            if let Err(e) = terminal.draw(|f| render::render(&state, f)) {
                break Err(e);
            }
            last_draw = Instant::now();
            dirty = false;
        }
    };
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

/// Create `path`, or `name-2.ext`, `name-3.ext` … when it exists: a links file is never
/// overwritten.
fn save_new(path: &std::path::Path, contents: &str) -> std::io::Result<PathBuf> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    for n in 1..1000 {
        let p = if n == 1 {
            path.to_path_buf()
        } else {
            path.with_file_name(format!("{stem}-{n}.{ext}"))
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&p)
        {
            Ok(mut f) => {
                f.write_all(contents.as_bytes())?;
                f.sync_all()?;
                return Ok(p);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::ErrorKind::AlreadyExists.into())
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
            tokio::task::spawn_blocking(move || {
                let a = match save_new(&path, &contents) {
                    Ok(p) => Action::Saved(p),
                    Err(e) => Action::Flash(format!("✗ {}: {e}", path.display())),
                };
                let _ = actions.send(a);
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
