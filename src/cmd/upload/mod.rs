//! `upstage upload PATHS…`: the batch uploader's engine without the full screen.

mod output;
mod settings;
pub mod target;

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use upstage_tui::engine::{expand, Command, Engine, Event};

use crate::cli::{UploadArgs, UploadFormat};
use crate::config::Config;
use output::{Mode, Output};
pub use settings::UploadSettings;

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
            out.failed(
                None,
                path,
                &upstage_tui::engine::UploadError::local(why.clone()),
            );
        }
        let started = Instant::now();
        let (engine, mut events) =
            Engine::spawn(opened.engine, opened.target.clone(), opened.journal.clone());
        if files.is_empty() {
            out.finish(None, started.elapsed(), 0);
            return Ok(exit(out.failed > 0));
        }
        engine.send(Command::Add(files));
        engine.send(Command::Start(opened.options));
        interrupt_drains(engine.clone());
        let mut items = HashMap::new();
        let mut sent: HashMap<usize, u64> = HashMap::new();
        let mut bytes = 0u64;
        while let Some(ev) = events.recv().await {
            match ev {
                Event::Added {
                    id,
                    path,
                    size,
                    refused,
                } => {
                    match &refused {
                        Some(e) => out.failed(None, &path, e),
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
                ev @ (Event::Done { .. } | Event::Skipped { .. }) => {
                    let skipped = matches!(ev, Event::Skipped { .. });
                    let (Event::Done { id, links } | Event::Skipped { id, links }) = ev else {
                        continue;
                    };
                    if let Some((p, size)) = items.get(&id) {
                        if skipped {
                            out.progress(id, *size, *size);
                        } else {
                            bytes += size;
                        }
                        out.done(id, p, &links, skipped);
                    }
                }
                Event::Failed { id, error } => {
                    if let Some((p, _)) = items.get(&id) {
                        out.failed(Some(id), p, &error);
                    }
                }
                Event::Cancelled { .. } => out.cancelled += 1,
                Event::Idle => break,
                _ => {}
            }
        }
        let journal = opened.journal.as_ref().map(|j| j.path().to_path_buf());
        out.finish(journal.as_ref(), started.elapsed(), bytes);
        Ok(exit(out.failed > 0 || out.cancelled > 0))
    })
}

/// Ctrl-C: stop starting files, let those in flight finish and be journaled, so a rerun of the
/// same command uploads exactly the rest. A second Ctrl-C exits at once.
fn interrupt_drains(engine: Engine) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("interrupted: finishing the files in flight (Ctrl-C again to stop now)");
            engine.send(Command::Drain);
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
}

fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
