//! The connection layer under axum: an accept loop bounded by a connection limit, hyper's
//! header timeout, body deadlines, and a graceful shutdown with a bounded grace period.
//!
//! Shutdown, once `shutdown` completes: the listener is closed (new connections are refused,
//! so a load balancer moves on), idle keep-alive connections are closed, and requests in flight
//! get `shutdown_grace_seconds` to finish. Bodies still arriving after that are cut and
//! answered `503`; [`FINISH`] later whatever is left is dropped and `serve` returns.

pub mod body;
pub mod limits;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use body::{BodyLimits, CutReason, GuardedBody};

/// After the grace period, how long cut requests get to send their `503` and requests past
/// their body (processing, storing) get to finish before they are dropped.
pub const FINISH: Duration = Duration::from_secs(10);

/// The two moments of a shutdown, shared with the handlers.
#[derive(Clone, Debug, Default)]
pub struct Lifecycle {
    /// A shutdown began: no new connections, no keep-alive.
    pub draining: CancellationToken,
    /// The grace period is over: bodies still arriving are cut, queued uploads refused.
    pub stopping: CancellationToken,
}

/// What the connection layer needs from the configuration.
#[derive(Clone, Copy, Debug)]
pub struct ConnSettings {
    pub header_timeout: Duration,
    pub body: BodyLimits,
    pub grace: Duration,
    pub max_connections: usize,
}

impl ConnSettings {
    pub fn from_config(cfg: &crate::ServerConfig) -> Self {
        ConnSettings {
            header_timeout: Duration::from_secs(cfg.header_timeout_seconds.max(1)),
            body: BodyLimits {
                idle: Duration::from_secs(cfg.body_idle_timeout_seconds.max(1)),
                total: Duration::from_secs(cfg.request_timeout_seconds.max(1)),
            },
            grace: Duration::from_secs(cfg.shutdown_grace_seconds),
            max_connections: limits::max_connections(cfg.max_connections),
        }
    }
}

/// Serve `router` on `listener` until `shutdown` completes, then shut down as described above.
pub async fn run(
    router: Router,
    listener: TcpListener,
    settings: ConnSettings,
    life: Lifecycle,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) {
    tracing::info!(
        "serving up to {} connections at once; more wait in the listen backlog",
        settings.max_connections
    );
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout);
    let slots = Arc::new(Semaphore::new(settings.max_connections));
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        while connections.try_join_next().is_some() {}
        let permit = tokio::select! {
            biased;
            _ = &mut shutdown => break,
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (socket, peer) = tokio::select! {
            biased;
            _ = &mut shutdown => break,
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // Out of descriptors (or a connection reset before accept): wait a little
                    // instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = socket.set_nodelay(true);
        let (router, stopping, body) = (router.clone(), life.stopping.clone(), settings.body);
        let svc = hyper::service::service_fn(move |req| {
            router.clone().oneshot(prepare(req, peer, body, &stopping))
        });
        let conn = http.serve_connection(TokioIo::new(socket), svc);
        let draining = life.draining.clone();
        connections.spawn(async move {
            let _permit = permit;
            tokio::pin!(conn);
            let result = tokio::select! {
                r = conn.as_mut() => r,
                _ = draining.cancelled() => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, "connection ended: {e}");
            }
        });
    }
    drop(listener);
    life.draining.cancel();
    tracing::info!(
        "shutting down: {} connections get up to {:?} to finish",
        connections.len(),
        settings.grace
    );
    if !all_done(&mut connections, settings.grace).await {
        tracing::warn!(
            "grace period over: cutting {} connections still open",
            connections.len()
        );
        life.stopping.cancel();
        if !all_done(&mut connections, FINISH).await {
            connections.shutdown().await;
        }
    }
    life.stopping.cancel();
}

/// Wait up to `limit` for every connection to end; `true` when they all did.
async fn all_done(connections: &mut JoinSet<()>, limit: Duration) -> bool {
    tokio::time::timeout(limit, async {
        while connections.join_next().await.is_some() {}
    })
    .await
    .is_ok()
}

/// Each request gets the client address (for the handlers) and a body under deadlines.
fn prepare(
    req: hyper::Request<Incoming>,
    peer: SocketAddr,
    limits: BodyLimits,
    stopping: &CancellationToken,
) -> axum::extract::Request {
    let reason = CutReason::default();
    let (mut parts, incoming) = req.into_parts();
    parts.extensions.insert(ConnectInfo(peer));
    parts.extensions.insert(reason.clone());
    let body = GuardedBody::new(
        Body::new(incoming),
        limits,
        stopping.clone().cancelled_owned(),
        reason,
    );
    hyper::Request::from_parts(parts, Body::new(body))
}
