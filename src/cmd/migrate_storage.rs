//! `upstage migrate-storage --from local --to s3` (or back): copy every file of every image the
//! database knows to another backend, verify each copy by SHA-256, and say how to switch.
//!
//! Resumable: a key already at the target with the same hash is skipped, so an interrupted run
//! is simply run again. Nothing is deleted at the source; the switch is one configuration line
//! (printed, not written: `upstage.toml` may be shared or generated, and every instance must be
//! switched at once), and the old files stay until the operator removes them.

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use upstage_storage::{PutMode, Storage, StorageErrorKind};

use crate::cli::MigrateStorageArgs;
use crate::config::Config;

#[derive(Default)]
struct Tally {
    copied: AtomicUsize,
    present: AtomicUsize,
    missing: AtomicUsize,
    failed: AtomicUsize,
}

fn open_as(cfg: &Config, backend: &str) -> Result<std::sync::Arc<dyn Storage>> {
    let mut c = cfg.clone();
    c.storage.backend = backend.to_owned();
    crate::library::storage(&c, &c.data_dir)
}

pub fn run(cfg: &Config, args: MigrateStorageArgs) -> Result<ExitCode> {
    if args.from == args.to {
        bail!(
            "--from and --to are both {:?}: nothing to migrate",
            args.from
        );
    }
    let from = open_as(cfg, &args.from).context("--from")?;
    let to = open_as(cfg, &args.to).context("--to")?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.max(1))
        .build()?;
    let rt = tokio::runtime::Runtime::new()?;
    let (db, _) = rt.block_on(upstage_server::open_db(&cfg.server, &cfg.data_dir))?;
    let tally = Tally::default();
    let (mut after, mut images) = (0i64, 0usize);
    loop {
        let rows = rt.block_on(db.images_after(after, 500))?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        images += rows.len();
        let keys: Vec<String> = rows
            .iter()
            .flat_map(upstage_server::web::chain_keys)
            .collect();
        pool.install(|| {
            keys.par_iter()
                .for_each(|k| copy_one(from.as_ref(), to.as_ref(), k, &tally))
        });
        eprintln!(
            "{images} images: {} copied, {} already there",
            tally.copied.load(Ordering::Relaxed),
            tally.present.load(Ordering::Relaxed)
        );
    }
    let (copied, present, missing, failed) = (
        tally.copied.into_inner(),
        tally.present.into_inner(),
        tally.missing.into_inner(),
        tally.failed.into_inner(),
    );
    crate::outln!("images:            {images}");
    crate::outln!("files copied:      {copied}");
    crate::outln!("already at target: {present}");
    crate::outln!("missing at source: {missing}");
    crate::outln!("failed:            {failed}");
    if failed > 0 {
        crate::outln!("some files failed (see above); run the same command again to resume");
        return Ok(ExitCode::FAILURE);
    }
    crate::outln!(
        "every file is at {} and verified. To switch, set on every instance:",
        args.to
    );
    crate::outln!(
        "  storage.backend = \"{}\"   (or UPSTAGE_STORAGE__BACKEND={})",
        args.to,
        args.to
    );
    crate::outln!(
        "then restart them; the files at {} can be removed afterwards",
        args.from
    );
    Ok(ExitCode::SUCCESS)
}

fn sha(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn copy_one(from: &dyn Storage, to: &dyn Storage, key: &str, tally: &Tally) {
    match copy_verified(from, to, key) {
        Ok(Copied::Yes) => tally.copied.fetch_add(1, Ordering::Relaxed),
        Ok(Copied::AlreadyThere) => tally.present.fetch_add(1, Ordering::Relaxed),
        Ok(Copied::NoSource) => {
            eprintln!("missing at source (skipped): {key}");
            tally.missing.fetch_add(1, Ordering::Relaxed)
        }
        Err(e) => {
            eprintln!("failed: {key}: {e}");
            tally.failed.fetch_add(1, Ordering::Relaxed)
        }
    };
}

enum Copied {
    Yes,
    AlreadyThere,
    NoSource,
}

fn copy_verified(from: &dyn Storage, to: &dyn Storage, key: &str) -> Result<Copied> {
    let bytes = match from.get(key) {
        Ok(b) => b,
        Err(e) if e.kind == StorageErrorKind::NotFound => return Ok(Copied::NoSource),
        Err(e) => return Err(e.into()),
    };
    let want = sha(&bytes);
    match to.get(key) {
        Ok(existing) if sha(&existing) == want => return Ok(Copied::AlreadyThere),
        // A different or partial object from an earlier run: replaced below.
        Ok(_) => {}
        Err(e) if e.kind == StorageErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    let ext = key.rsplit('.').next().unwrap_or("");
    to.put(
        key,
        upstage_server::mime_of(ext),
        &bytes,
        PutMode::Overwrite,
    )?;
    if sha(&to.get(key)?) != want {
        bail!("copy does not match the source after writing");
    }
    Ok(Copied::Yes)
}
