//! `upstage import`: bring photo folders into the local library (in-process, the upload path of
//! `upstage serve`) or a remote site (the API with an admin key), each file filed by the date it
//! was taken. A journal of content hashes makes re-runs skip what is already in, and lets an
//! interrupted import resume.

mod dry_run;
mod local;
mod one;
mod remote;
mod report;
mod target;
mod turns;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use tokio::sync::Semaphore;
use upstage_core::collect_inputs;

use crate::cli::ImportArgs;
use crate::config::Config;
use report::{Outcome, Reporter, Status};
use target::Target;
use turns::Turns;
use upstage_client::journal::Journal;

/// One file to import and the argument it was found under.
#[derive(Clone, Debug)]
pub struct Item {
    pub path: PathBuf,
    pub root: PathBuf,
}

/// What a successful import returns, in either mode.
#[derive(Clone, Debug)]
pub struct Done {
    pub url: String,
    pub url_viewer: Option<String>,
    pub date_gmt: Option<String>,
    /// `DateTimeOriginal`, …, `mtime`, `upload`; `None` when a remote site does not say.
    pub date_used: Option<String>,
}

pub fn run(cfg: Config, args: ImportArgs) -> Result<ExitCode> {
    let (items, walk_errors) = walk(&args.paths);
    if args.dry_run {
        return dry_run::run(&cfg, &args, &items, &walk_errors);
    }
    if args.key.is_some() && args.to.is_none() {
        anyhow::bail!("--key is for remote mode: give the site with --to URL (or UPSTAGE_URL)");
    }
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let reporter = Arc::new(Reporter::new(args.json, items.len()));
        let (target, journal_path) = match &args.to {
            Some(url) => {
                let key = args
                    .key
                    .clone()
                    .context("remote mode needs an admin API key: --key KEY (or UPSTAGE_KEY)")?;
                anyhow::ensure!(
                    !args.albums_by_folder,
                    "--albums-by-folder needs local mode (the API cannot create albums)"
                );
                anyhow::ensure!(
                    !args.use_mtime_fallback,
                    "--use-mtime-fallback needs local mode (the API has no file-time field)"
                );
                let r = remote::Remote::new(url, &key, args.album.clone(), args.tries)?;
                let jp = match &args.journal {
                    Some(p) => p.clone(),
                    None => remote::default_journal(r.endpoint())?,
                };
                (Target::Remote(r), jp)
            }
            None => {
                let (l, new_key) = local::Local::open(&cfg, &args).await?;
                if let Some(key) = new_key {
                    reporter.admin_key(&key);
                }
                let jp = args
                    .journal
                    .clone()
                    .unwrap_or_else(|| cfg.data_dir.join("import-journal.tsv"));
                (Target::Local(l), jp)
            }
        };
        let journal = Arc::new(Journal::open(&journal_path)?);
        let started = std::time::Instant::now();
        for (path, why) in &walk_errors {
            reporter.file(&Outcome {
                path: path.clone(),
                sha256: None,
                status: Status::Failed(format!("could not read: {why}")),
            });
        }
        let target = Arc::new(target);
        let (outcomes, not_started) = drive(
            target.clone(),
            items,
            journal.clone(),
            cfg.workers,
            reporter.clone(),
        )
        .await;
        if let Target::Local(l) = &*target {
            // Checkpoints the SQLite WAL, so the library is one file again when import ends.
            l.close().await;
        }
        let failed = reporter.finish(
            &outcomes,
            &walk_errors,
            not_started,
            journal.path(),
            started.elapsed(),
        );
        Ok(if failed || not_started > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        })
    })
}

/// Every argument walked on its own, so each file knows its root (for `--albums-by-folder`).
fn walk(paths: &[PathBuf]) -> (Vec<Item>, Vec<(PathBuf, String)>) {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        if !root.exists() {
            errors.push((root.clone(), "no such file or folder".to_owned()));
            continue;
        }
        let (inputs, errs) = collect_inputs(std::slice::from_ref(root));
        errors.extend(errs);
        for input in inputs {
            if let Some(path) = input.path() {
                items.push(Item {
                    path: path.to_path_buf(),
                    root: root.clone(),
                });
            }
        }
    }
    (items, errors)
}

/// Import with at most `workers` files in flight; Ctrl-C stops starting new files and lets the
/// ones in flight finish (a second Ctrl-C aborts). Returns the outcomes and how many files were
/// never started.
async fn drive(
    target: Arc<Target>,
    items: Vec<Item>,
    journal: Arc<Journal>,
    workers: usize,
    reporter: Arc<Reporter>,
) -> (Vec<Outcome>, usize) {
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        let reporter = reporter.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.store(true, Ordering::SeqCst);
                reporter.note("interrupted: finishing the files in flight (Ctrl-C again to abort)");
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            }
        });
    }
    let claimed: Arc<Mutex<HashMap<String, PathBuf>>> = Arc::default();
    let sizes = items
        .iter()
        .map(|i| std::fs::metadata(&i.path).ok().map(|m| m.len()));
    let turns = Arc::new(Turns::new(sizes));
    let sem = Arc::new(Semaphore::new(workers.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    let total = items.len();
    let mut started = 0;
    for (index, item) in items.into_iter().enumerate() {
        let Ok(permit) = sem.clone().acquire_owned().await else {
            break;
        };
        if stop.load(Ordering::SeqCst) {
            break;
        }
        started += 1;
        let (target, journal, claimed, turns, reporter) = (
            target.clone(),
            journal.clone(),
            claimed.clone(),
            turns.clone(),
            reporter.clone(),
        );
        tasks.spawn(async move {
            let _permit = permit;
            let turn = (&*turns, index);
            let outcome = one::import_one(&target, &journal, &claimed, turn, item).await;
            reporter.file(&outcome);
            outcome
        });
    }
    let mut outcomes = Vec::with_capacity(started);
    while let Some(res) = tasks.join_next().await {
        match res {
            Ok(o) => outcomes.push(o),
            Err(e) => reporter.note(&format!("an import task failed: {e}")),
        }
    }
    (outcomes, total - started)
}

/// The album name for `--albums-by-folder`: the file's folder relative to the argument it was
/// found under, or the argument's own name for files at its root.
pub fn folder_album(item: &Item) -> String {
    let base: &Path = if item.root.is_dir() {
        &item.root
    } else {
        item.root.parent().unwrap_or(Path::new("."))
    };
    let rel = item
        .path
        .parent()
        .and_then(|p| p.strip_prefix(base).ok())
        .map(|r| {
            r.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default();
    if !rel.is_empty() {
        return rel;
    }
    let named = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    named(base)
        .or_else(|| base.canonicalize().ok().as_deref().and_then(named))
        .unwrap_or_else(|| "import".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn album_names_by_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("Photos");
        std::fs::create_dir_all(root.join("2019/Trip")).expect("mkdir");
        let at = |p: &str| Item {
            path: root.join(p),
            root: root.clone(),
        };
        assert_eq!(folder_album(&at("a.jpg")), "Photos");
        assert_eq!(folder_album(&at("2019/Trip/b.jpg")), "2019/Trip");
    }
}
