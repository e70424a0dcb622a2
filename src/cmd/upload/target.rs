//! Opening what a batch needs from the flags and the config: the target (a site or the local
//! library), the batch options, the journal.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use upstage_client::{
    default_journal, BatchOptions, EngineConfig, Journal, Remote, RetryPolicy, Target,
};

use crate::cli::BatchArgs;
use crate::config::Config;
use crate::local_target::Library;

pub struct Opened {
    pub target: Arc<Target>,
    /// The endpoint, or `local:<data dir>`.
    pub label: String,
    pub options: BatchOptions,
    pub journal: Option<Arc<Journal>>,
    pub engine: EngineConfig,
    /// The library's albums (name, encoded id); empty for sites (the API cannot list them).
    pub albums: Vec<(String, String)>,
    /// The admin key created when the local library was new.
    pub new_key: Option<String>,
}

pub fn batch_options(b: &BatchArgs) -> BatchOptions {
    BatchOptions {
        album: b.album.clone().unwrap_or_default(),
        title: b.title.clone().unwrap_or_default(),
        tags: b.tags.clone().unwrap_or_default(),
        nsfw: b.nsfw,
        expiration: b.expiration.clone().unwrap_or_default(),
        width: b.width.map(|w| w.to_string()).unwrap_or_default(),
    }
}

pub async fn open(cfg: &Config, b: &BatchArgs, files: &[PathBuf]) -> Result<Opened> {
    // Before anything is opened or sent: a mistyped expiration would delete every file.
    let options = batch_options(b);
    options.validate()?;
    let options = options.normalized();
    let url = b.url.clone().or_else(|| cfg.upload.url.clone());
    let (target, albums, new_key) = match url {
        Some(url) => {
            let key = b.key.clone().or_else(|| cfg.upload.key.clone()).context(
                "uploading to a site needs its API key: --key KEY (or UPSTAGE_KEY, or upload.key)",
            )?;
            (Target::Remote(Remote::new(&url, &key)?), Vec::new(), None)
        }
        None => {
            anyhow::ensure!(
                b.key.is_none(),
                "--key is for a site: give its URL with --url (or UPSTAGE_URL)"
            );
            let state = upstage_server::ingest::open_library(crate::library::serve_options(cfg)?)
                .await
                .with_context(|| format!("opening the library in {}", cfg.data_dir.display()))?;
            let (local, new_key) = Library::new(state, &cfg.data_dir).await?;
            let albums = local.albums().await?;
            (Target::Local(Box::new(local)), albums, new_key)
        }
    };
    let label = target.describe();
    let journal = if b.no_journal {
        None
    } else {
        let path = match &b.journal {
            Some(p) => p.clone(),
            None => default_journal(&label, files, &options).context(
                "HOME is not set: give the journal's location with --journal PATH (or --no-journal)",
            )?,
        };
        Some(Arc::new(Journal::open(&path)?))
    };
    let engine = EngineConfig {
        workers: b.concurrency.unwrap_or(cfg.upload.concurrency).max(1),
        max_bytes: cfg.limits.max_bytes,
        retry: RetryPolicy {
            tries: b.tries.max(1),
            ..RetryPolicy::default()
        },
    };
    Ok(Opened {
        target: Arc::new(target),
        label,
        options,
        journal,
        engine,
        albums,
        new_key,
    })
}
