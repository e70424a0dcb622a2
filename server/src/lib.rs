//! The HTTP adapter: Chevereto's API V1.1 upload endpoint (`/api/1/upload`) and the routes its
//! responses point at, on axum + tokio, with metadata in SQL (sqlx) and files in a storage backend.

pub mod api;
pub mod auth;
mod client_ip;
pub mod config;
pub mod db;
mod failures;
pub mod http;
pub mod ids;
pub mod ingest;
mod journal;
mod processing;
pub mod reconcile;
mod state;
pub mod sweeper;
mod urls;
pub mod web;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use upstage_core::Pipeline;
use upstage_storage::Storage;
use upstage_storage::StorageMode;

pub use config::ServerConfig;
pub use state::{AppState, Shared};
pub use urls::mime_of;

/// What the binary hands the server.
pub struct ServeOptions {
    pub cfg: ServerConfig,
    pub data_dir: PathBuf,
    pub pipeline: Pipeline,
    pub storage_mode: StorageMode,
    /// Where files go (local disk, object storage, a plugin backend), opened by the caller.
    pub storage: Arc<dyn Storage>,
    pub medium_size: u32,
    pub thumb_size: (u32, u32),
}

/// Open (creating and migrating if needed) the database and the site's id codec. The salt and
/// padding are made once per site and kept in the database, so URLs never change.
pub async fn open_db(
    cfg: &ServerConfig,
    data_dir: &std::path::Path,
) -> anyhow::Result<(db::Db, ids::IdCodec)> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let url = cfg
        .database_url
        .clone()
        .unwrap_or_else(|| db::default_url(data_dir));
    let db = db::Db::connect(&url, cfg.database_max_connections)
        .await
        .with_context(|| format!("opening database {}", redact(&url)))?;
    let salt = db
        .variable_or_init("crypt_salt", &auth::random_hex(4))
        .await?;
    let padding: u64 = db
        .variable_or_init("id_padding", &cfg.id_padding.to_string())
        .await?
        .parse()
        .context("id_padding variable")?;
    Ok((db, ids::IdCodec::new(&salt, padding)))
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Bind the listening socket first, so a configured port 0 resolves to the real port before any
/// URL is built from it.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))
}

/// Open the database and storage, and build the shared state. `bound` is the listening address,
/// the default base of public URLs.
pub async fn build_state(opts: ServeOptions, bound: SocketAddr) -> anyhow::Result<Shared> {
    let ServeOptions {
        cfg,
        data_dir,
        pipeline,
        storage_mode,
        storage,
        medium_size,
        thumb_size,
    } = opts;
    let (db, ids) = open_db(&cfg, &data_dir).await?;
    let temp_dir = data_dir.join("tmp");
    std::fs::create_dir_all(&temp_dir)?;
    // Uploads in flight when a previous run died leave their temp files here; nothing else does.
    // (While running, request temp files remove themselves when dropped.)
    let mut stale = 0;
    for entry in std::fs::read_dir(&temp_dir)?.flatten() {
        if std::fs::remove_file(entry.path()).is_ok() {
            stale += 1;
        }
    }
    if stale > 0 {
        tracing::warn!(files = stale, dir = %temp_dir.display(), "removed upload temp files of a previous run");
    }
    let lifecycle = http::Lifecycle::default();
    let processor = processing::Processor::new(
        pipeline,
        storage.clone(),
        cfg.processing.workers,
        cfg.processing.queue,
        Duration::from_secs(cfg.processing.wait_seconds),
        lifecycle.stopping.clone(),
    );
    let base_url = cfg
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{bound}"))
        .trim_end_matches('/')
        .to_owned();
    let base_path = url::Url::parse(&base_url)
        .context("public_url must be an absolute URL")?
        .path()
        .trim_end_matches('/')
        .to_owned();
    let tz: chrono_tz::Tz = cfg
        .timezone
        .parse()
        .map_err(|e| anyhow::anyhow!("timezone {:?}: {e}", cfg.timezone))?;
    Ok(Arc::new(AppState {
        ids,
        keys: auth::KeyCache::default(),
        failures: failures::FailureLimit::new(cfg.auth_failures_per_minute),
        cfg,
        db,
        storage,
        processor,
        base_url,
        base_path,
        tz,
        storage_mode,
        medium_size,
        thumb_size,
        temp_dir,
        lifecycle,
    }))
}

pub fn router(state: Shared) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(web::routes(&state))
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Create the first admin and its key when the database has no user yet. Returns the new key,
/// which is shown once and never stored in clear.
pub async fn ensure_admin(state: &AppState) -> anyhow::Result<Option<String>> {
    if state.db.user_count().await? > 0 {
        return Ok(None);
    }
    // The admin and its key commit together: a failure between them must not leave an admin
    // whose key was never shown.
    let mut w = state.db.writer().await?;
    let r = async {
        let mut tx = w.begin().await?;
        let user = db::create_user_in(&mut tx, "admin", true).await?;
        let key = auth::create_key_in(&mut tx, &state.ids, user.id, "first start").await?;
        tx.commit().await?;
        Ok(key)
    }
    .await;
    Ok(Some(w.finish(r)?))
}

/// Serve on `listener` until `shutdown` completes, with the expiration sweeper and the storage
/// reconciler running; then let uploads in flight finish within the grace period (see [`http`])
/// and return, so the caller can close the database.
pub async fn serve(
    state: Shared,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    sweeper::spawn(state.clone());
    reconcile::spawn(state.clone());
    let settings = http::ConnSettings::from_config(&state.cfg);
    let life = state.lifecycle.clone();
    http::run(router(state), listener, settings, life, shutdown).await;
    Ok(())
}
