//! The engine tests' server: a real HTTP server on loopback whose answers the test scripts.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use tokio::sync::mpsc::UnboundedReceiver;
use upstage_client::{Engine, EngineConfig, Event, Journal, Remote, RetryPolicy, Target};

#[derive(Default)]
pub struct Script {
    /// Statuses to answer with, in order; 200 once empty.
    pub answers: Mutex<VecDeque<u16>>,
    pub requests: AtomicUsize,
    pub in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
    pub delay_ms: u64,
    /// When set, a request is held until this many have been in flight at once (at most 10 s),
    /// so that reaching a bound does not depend on how fast a loaded machine sends them.
    pub gather: AtomicUsize,
    /// The error answers' Chevereto code and message (default: the status, "scripted N").
    pub error: Option<(i64, String)>,
    /// Per request: whether a `width` parameter came with it.
    pub widths: Mutex<Vec<bool>>,
    /// Files stored: successful answers.
    pub stored: AtomicUsize,
}

async fn upload(State(s): State<Arc<Script>>, body: Bytes) -> (StatusCode, String) {
    let n = s.requests.fetch_add(1, Ordering::SeqCst);
    let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    s.max_in_flight.fetch_max(now, Ordering::SeqCst);
    // The peak only grows, so no request misses the moment the group was complete.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while s.max_in_flight.load(Ordering::SeqCst) < s.gather.load(Ordering::SeqCst)
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(s.delay_ms)).await;
    s.in_flight.fetch_sub(1, Ordering::SeqCst);
    let status = s.answers.lock().expect("lock").pop_front().unwrap_or(200);
    let body_has_file = body.windows(6).any(|w| w == b"source");
    let has_width = body.windows(12).any(|w| w == b"name=\"width\"");
    s.widths.lock().expect("lock").push(has_width);
    if status == 200 && body_has_file {
        s.stored.fetch_add(1, Ordering::SeqCst);
        let json = format!(
            r#"{{"status_code":200,"image":{{"url":"http://x/images/{n}.png","url_viewer":"http://x/image/{n}","thumb":{{"url":"http://x/images/{n}.th.png"}},"delete_url":"http://x/image/{n}/delete/t"}}}}"#
        );
        return (StatusCode::OK, json);
    }
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let (ecode, message) = s
        .error
        .clone()
        .unwrap_or((i64::from(status), format!("scripted {status}")));
    let json = format!(
        r#"{{"status_code":{status},"error":{{"message":"{message}","code":{ecode}}},"status_txt":"x"}}"#
    );
    (code, json)
}

pub async fn server(script: Arc<Script>) -> String {
    let (url, stop) = server_at(script, "127.0.0.1:0").await;
    // Runs for the whole test.
    std::mem::forget(stop);
    url
}

/// A server on `addr` that stops (finishing the requests it has) when the sender is dropped.
pub async fn server_at(
    script: Arc<Script>,
    addr: &str,
) -> (String, tokio::sync::oneshot::Sender<()>) {
    let app = Router::new()
        .route("/api/1/upload", post(upload))
        .with_state(script);
    let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
    });
    (format!("http://{addr}"), tx)
}

pub fn files(dir: &std::path::Path, n: usize) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let p = dir.join(format!("{i}.png"));
            let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
            b.extend(std::iter::repeat_n(i as u8, 200_000));
            std::fs::write(&p, b).expect("write");
            p
        })
        .collect()
}

pub fn fast() -> RetryPolicy {
    RetryPolicy {
        tries: 3,
        first_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        seed: None,
    }
}

pub fn engine(
    url: &str,
    workers: usize,
    journal: Option<Arc<Journal>>,
) -> (Engine, UnboundedReceiver<Event>) {
    let target = Target::Remote(Remote::new(url, "chv_test").expect("remote"));
    let cfg = EngineConfig {
        workers,
        max_bytes: 10_000_000,
        retry: fast(),
    };
    Engine::spawn(cfg, Arc::new(target), journal)
}

/// Every event until the engine is idle.
pub async fn until_idle(rx: &mut UnboundedReceiver<Event>) -> Vec<Event> {
    let mut out = Vec::new();
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("engine stalled")
            .expect("engine gone");
        if ev == Event::Idle {
            return out;
        }
        out.push(ev);
    }
}

pub fn count(evs: &[Event], f: impl Fn(&Event) -> bool) -> usize {
    evs.iter().filter(|e| f(e)).count()
}
