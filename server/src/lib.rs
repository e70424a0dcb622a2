//! The HTTP adapter: Chevereto's API V1.1 upload endpoint (`/api/1/upload`) and the routes its
//! responses point at, on axum + tokio, over the library service (`upstage-library`).

pub mod api;
mod client_ip;
pub mod config;
mod failures;
pub mod http;
pub mod ingest;
mod state;
pub mod web;

// The library's modules under their former paths here, for the binary and the tests.
pub use upstage_library::{auth, db, ids, reconcile, sweeper};

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

pub use config::{ServerConfig, SiteConfig};
pub use state::{AppState, Shared};
pub use upstage_library::view::mime_of;
use upstage_library::{Library, Settings};

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
    let processor = upstage_library::processing::Processor::new(
        pipeline,
        storage.clone(),
        cfg.processing.workers,
        cfg.processing.queue,
        Duration::from_secs(cfg.processing.wait_seconds),
        lifecycle.stopping.clone(),
    )?;
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
    let settings = Settings {
        routes: cfg.routes.clone(),
        seo_urls: cfg.seo_urls,
        sweep_seconds: cfg.sweep_seconds,
        sweep_batch: cfg.sweep_batch,
        reconcile_seconds: cfg.reconcile_seconds,
        reconcile_grace_seconds: cfg.reconcile_grace_seconds,
        reconcile_orphan_walk: cfg.reconcile_orphan_walk,
    };
    let lib = Library {
        ids,
        keys: auth::KeyCache::default(),
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
        settings,
    };
    Ok(Arc::new(AppState {
        lib: Arc::new(lib),
        failures: failures::FailureLimit::new(cfg.auth_failures_per_minute),
        body_memory: api::spooled::MemoryBudget::new(cfg.body_memory_mib.saturating_mul(1 << 20)),
        cfg,
        lifecycle,
    }))
}

pub fn router(state: Shared) -> Router {
    Router::new()
        .merge(api::cors::apply(api::routes(), &state.cfg.cors_origins))
        .merge(web::routes(&state))
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Create the first admin and its key when the database has no user yet. Returns the new key,
/// which is shown once and never stored in clear.
pub async fn ensure_admin(state: &AppState) -> anyhow::Result<Option<String>> {
    Ok(state.lib.ensure_admin().await?)
}

/// Serve on `listener` until `shutdown` completes, with the expiration sweeper and the storage
/// reconciler running; then let uploads in flight finish within the grace period (see [`http`])
/// and return, so the caller can close the database.
pub async fn serve(
    state: Shared,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    sweeper::spawn(state.lib.clone());
    reconcile::spawn(state.lib.clone());
    let settings = http::ConnSettings::from_config(&state.cfg);
    let life = state.lifecycle.clone();
    http::run(router(state), listener, settings, life, shutdown).await;
    Ok(())
}
