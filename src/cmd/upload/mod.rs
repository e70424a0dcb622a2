//! `upstage upload PATHS…`: the batch uploader's engine without the full screen.

mod ordered;
mod output;
pub mod target;

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use upstage_client::{expand, Command, Engine, Event};

use crate::cli::{UploadArgs, UploadFormat};
use crate::config::Config;
use output::{Mode, Output};

pub fn run(cfg: Config, args: UploadArgs) -> Result<ExitCode> {
    let (files, walk_errors) = expand(&args.paths);
    let mode = Mode::pick(args.json, args.format == Some(UploadFormat::Txt));
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let opened = target::open(&cfg, &args.batch, &files).await?;
        let mut out = Output::new(mode);
        if let Some(key) = &opened.new_key {
            out.note(&format!(
                "New library: created user 'admin'. Its API key (shown only now):\n\n    {key}\n"
            ));
        }
        for (path, why) in &walk_errors {
            let e = upstage_client::UploadError::rejected("unreadable", why.clone());
            out.failed(None, path, &e, true);
        }
        let started = Instant::now();
        let (engine, mut events) =
            Engine::spawn(opened.engine, opened.target.clone(), opened.journal.clone());
        out.summary.journal = opened.journal.as_ref().map(|j| j.path().to_path_buf());
        if files.is_empty() {
            out.finish();
            return Ok(exit(&out));
        }
        engine.send(Command::Add(files));
        engine.send(Command::Start(opened.options));
        interrupt_drains(engine.clone());
        let mut items = HashMap::new();
        let mut sent: HashMap<usize, u64> = HashMap::new();
        let mut outage_wait: Option<Duration> = None;
        while let Some(ev) = events.recv().await {
            match ev {
                Event::Added {
                    id,
                    path,
                    size,
                    refused,
                } => {
                    match &refused {
                        Some(e) => out.failed(Some(id), &path, e, true),
                        None => out.queued(size),
                    }
                    items.insert(id, (path, size));
                }
                Event::Started { id, .. } => {
                    if let Some((p, size)) = items.get(&id) {
                        out.started(id, p, *size);
                    }
                }
                Event::Progress { id, sent: now, .. } => {
                    let before = sent.insert(id, now).unwrap_or(0);
                    out.progress(id, now, now.saturating_sub(before));
                }
                Event::Retrying { id, error, .. } => {
                    out.rewind(sent.remove(&id).unwrap_or(0));
                    if let Some((p, _)) = items.get(&id) {
                        out.note(&format!("retrying {}: {error}", p.display()));
                    }
                }
                Event::Done {
                    id,
                    links,
                    processing,
                } => {
                    if let Some((p, size)) = items.get(&id) {
                        out.summary.bytes += size;
                        out.done(id, p, &links, false, processing);
                    }
                }
                Event::Skipped { id, links } => {
                    if let Some((p, size)) = items.get(&id) {
                        out.progress(id, *size, *size);
                        out.done(id, p, &links, true, Duration::ZERO);
                    }
                }
                Event::Failed { id, error } => {
                    if let Some((p, _)) = items.get(&id) {
                        out.failed(Some(id), p, &error, false);
                    }
                }
                Event::Cancelled { id } => {
                    if let Some((p, _)) = items.get(&id) {
                        out.not_started(id, p);
                    }
                }
                Event::Requeued { id } => {
                    out.rewind(sent.remove(&id).unwrap_or(0));
                }
                Event::Unreachable { next_try_in, error } => {
                    // Once per wait, not every second of it.
                    if outage_wait.is_none_or(|w| next_try_in > w) {
                        out.note(&format!(
                            "server unreachable ({}): paused, next try in {} s",
                            error.message(),
                            next_try_in.as_secs()
                        ));
                    }
                    outage_wait = Some(next_try_in);
                }
                Event::Reachable => {
                    outage_wait = None;
                    out.note("the server answers again: resuming");
                }
                Event::Stopped { error } => out.note(&format!(
                    "stopped: {error} — {}",
                    upstage_tui::i18n::hint(upstage_tui::i18n::Lang::En, &error)
                )),
                Event::Idle => break,
                _ => {}
            }
        }
        out.summary.seconds = started.elapsed().as_secs_f64();
        out.finish();
        Ok(exit(&out))
    })
}

/// Ctrl-C: stop starting files, let those in flight finish and be journaled, so a rerun of the
/// same command uploads exactly the rest. A second Ctrl-C exits at once.
fn interrupt_drains(engine: Engine) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = writeln!(
                std::io::stderr(),
                "interrupted: finishing the files in flight (Ctrl-C again to stop now)"
            );
            engine.send(Command::Drain);
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
}

/// 1 when any file failed, was refused or was not started. A closed stdout is not a failure:
/// every file was still uploaded and journaled (its reader just stopped listening).
fn exit(out: &Output) -> ExitCode {
    let s = &out.summary;
    if s.failed + s.refused + s.not_started > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
