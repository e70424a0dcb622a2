//! Local mode: files go through the upload path in-process, into the library `upstage serve`
//! uses, as the first admin.

use std::collections::HashMap;

use anyhow::{Context, Result};
use upstage_server::auth::Caller;
use upstage_server::ingest;
use upstage_server::Shared;

use super::{Done, Item};
use crate::cli::ImportArgs;
use crate::config::Config;

pub struct Local {
    state: Shared,
    caller: Caller,
    user_id: i64,
    album: Option<i64>,
    by_folder: bool,
    mtime_fallback: bool,
    albums: tokio::sync::Mutex<HashMap<String, i64>>,
}

impl Local {
    pub async fn close(&self) {
        self.state.db.close().await;
    }

    /// Open the library; also returns the admin key created if the library was new.
    pub async fn open(cfg: &Config, args: &ImportArgs) -> Result<(Local, Option<String>)> {
        let opts = crate::library::serve_options(cfg)?;
        let state = ingest::open_library(opts)
            .await
            .with_context(|| format!("opening the library in {}", cfg.data_dir.display()))?;
        // An import is a restart too: what an interrupted one (or upload) claimed and never
        // recorded is removed, as `serve` does at start, once older than the grace period that
        // keeps a running server's uploads safe.
        let grace = std::time::Duration::from_secs(state.settings.reconcile_grace_seconds);
        match upstage_server::reconcile::run(&state, false, grace).await {
            Ok(report) => report.log("import"),
            Err(e) => tracing::warn!("removing leftovers of interrupted imports failed: {e}"),
        }
        let (caller, new_key) = ingest::import_caller(&state).await?;
        let user_id = caller.user_id().context("the importing user has no id")?;
        let album = match &args.album {
            Some(name) => Some(ingest::album_id(&state, user_id, name).await?),
            None => None,
        };
        Ok((
            Local {
                state,
                caller,
                user_id,
                album,
                by_folder: args.albums_by_folder,
                mtime_fallback: args.use_mtime_fallback,
                albums: tokio::sync::Mutex::default(),
            },
            new_key,
        ))
    }

    async fn album_for(&self, item: &Item) -> Result<Option<i64>, String> {
        if !self.by_folder {
            return Ok(self.album);
        }
        let name = super::folder_album(item);
        let mut albums = self.albums.lock().await;
        if let Some(id) = albums.get(&name) {
            return Ok(Some(*id));
        }
        let id = ingest::album_id(&self.state, self.user_id, &name)
            .await
            .map_err(|e| format!("album {name:?}: {e:#}"))?;
        albums.insert(name, id);
        Ok(Some(id))
    }

    /// An earlier import of this file the journal does not know about.
    pub async fn earlier(&self, item: &Item, md5: &str) -> Result<Option<String>, String> {
        ingest::imported_before(&self.state, &self.caller, &item.path, md5)
            .await
            .map_err(|e| format!("looking for an earlier import: {e}"))
    }

    pub async fn import(&self, item: &Item) -> Result<Done, String> {
        let album = self.album_for(item).await?;
        let imported = ingest::import_file(
            &self.state,
            &self.caller,
            &item.path,
            album,
            self.mtime_fallback,
        )
        .await
        .map_err(|e| e.message)?;
        Ok(Done {
            url: imported.url,
            url_viewer: Some(imported.url_viewer),
            date_gmt: Some(imported.date_gmt),
            date_used: Some(imported.date_used.to_owned()),
        })
    }
}
