//! The engine against a real HTTP server on loopback whose answers the test scripts: 5xx and
//! dropped connections are retried with backoff, 4xx never; the number of parallel uploads is
//! what was asked, and changes live; pause holds bodies; cancel and retry work; the journal
//! skips what an earlier run uploaded.

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
use upstage_tui::engine::{
    Backoff, BatchOptions, Command, Engine, EngineConfig, Event, Journal, Remote, Target,
    UploadError,
};

#[derive(Default)]
struct Script {
    /// Statuses to answer with, in order; 200 once empty.
    answers: Mutex<VecDeque<u16>>,
    requests: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    delay_ms: u64,
}

async fn upload(State(s): State<Arc<Script>>, body: Bytes) -> (StatusCode, String) {
    let n = s.requests.fetch_add(1, Ordering::SeqCst);
    let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    s.max_in_flight.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(s.delay_ms)).await;
    s.in_flight.fetch_sub(1, Ordering::SeqCst);
    let status = s.answers.lock().expect("lock").pop_front().unwrap_or(200);
    let body_has_file = body.windows(6).any(|w| w == b"source");
    if status == 200 && body_has_file {
        let json = format!(
            r#"{{"status_code":200,"image":{{"url":"http://x/images/{n}.png","url_viewer":"http://x/image/{n}","thumb":{{"url":"http://x/images/{n}.th.png"}},"delete_url":"http://x/image/{n}/delete/t"}}}}"#
        );
        return (StatusCode::OK, json);
    }
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let json = format!(
        r#"{{"status_code":{status},"error":{{"message":"scripted {status}","code":{status}}},"status_txt":"x"}}"#
    );
    (code, json)
}

async fn server(script: Arc<Script>) -> String {
    let app = Router::new()
        .route("/api/1/upload", post(upload))
        .with_state(script);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn files(dir: &std::path::Path, n: usize) -> Vec<PathBuf> {
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

fn fast() -> Backoff {
    Backoff {
        tries: 3,
        first_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
    }
}

fn engine(
    url: &str,
    workers: usize,
    journal: Option<Arc<Journal>>,
) -> (Engine, UnboundedReceiver<Event>) {
    let target = Target::Remote(Remote::new(url, "chv_test").expect("remote"));
    let cfg = EngineConfig {
        workers,
        max_bytes: 10_000_000,
        backoff: fast(),
    };
    Engine::spawn(cfg, Arc::new(target), journal)
}

/// Every event until the engine is idle.
async fn until_idle(rx: &mut UnboundedReceiver<Event>) -> Vec<Event> {
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

fn count(evs: &[Event], f: impl Fn(&Event) -> bool) -> usize {
    evs.iter().filter(|e| f(e)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_5xx_never_4xx() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = Arc::new(Script {
        answers: Mutex::new([503, 502, 400].into()),
        ..Script::default()
    });
    let url = server(script.clone()).await;
    let (e, mut rx) = engine(&url, 1, None);
    e.send(Command::Add(files(dir.path(), 2)));
    e.send(Command::Start(BatchOptions::default()));
    let evs = until_idle(&mut rx).await;
    // File 0: 503, 502, then the 400 on its third try — final. File 1: 200.
    assert_eq!(
        count(&evs, |e| matches!(e, Event::Retrying { .. })),
        2,
        "{evs:#?}"
    );
    let failed: Vec<&UploadError> = evs
        .iter()
        .filter_map(|e| match e {
            Event::Failed { error, .. } => Some(error),
            _ => None,
        })
        .collect();
    assert_eq!(
        failed,
        [&UploadError::Server {
            status: 400,
            code: 400,
            message: "scripted 400".into()
        }]
    );
    assert_eq!(count(&evs, |e| matches!(e, Event::Done { .. })), 1);
    assert_eq!(script.requests.load(Ordering::SeqCst), 4);
    // Progress counts real body bytes, up to the whole file.
    assert!(evs.iter().any(
        |e| matches!(e, Event::Progress { sent, total, .. } if sent == total && *total == 200_008)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused_is_retried_then_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A port nobody listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let (e, mut rx) = engine(&format!("http://127.0.0.1:{port}"), 2, None);
    e.send(Command::Add(files(dir.path(), 1)));
    e.send(Command::Start(BatchOptions::default()));
    let evs = until_idle(&mut rx).await;
    assert_eq!(count(&evs, |e| matches!(e, Event::Retrying { .. })), 2);
    assert!(
        evs.iter().any(|e| matches!(
            e,
            Event::Failed {
                error: UploadError::Network { .. },
                ..
            }
        )),
        "{evs:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallelism_is_bounded_and_live() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = Arc::new(Script {
        delay_ms: 150,
        ..Script::default()
    });
    let url = server(script.clone()).await;
    let (e, mut rx) = engine(&url, 2, None);
    e.send(Command::Add(files(dir.path(), 6)));
    e.send(Command::Start(BatchOptions::default()));
    until_idle(&mut rx).await;
    assert_eq!(script.max_in_flight.load(Ordering::SeqCst), 2);
    e.send(Command::SetWorkers(5));
    let more = tempfile::tempdir().expect("tempdir");
    e.send(Command::Add(files(more.path(), 10)));
    let evs = until_idle(&mut rx).await;
    assert!(evs.contains(&Event::Workers(5)));
    assert_eq!(script.max_in_flight.load(Ordering::SeqCst), 5);
    assert_eq!(count(&evs, |e| matches!(e, Event::Done { .. })), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_cancel_retry_and_journal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = Arc::new(Script::default());
    let url = server(script.clone()).await;
    let jpath = dir.path().join("j.tsv");
    let journal = Arc::new(Journal::open(&jpath).expect("journal"));
    let (e, mut rx) = engine(&url, 1, Some(journal));
    let fs = files(dir.path(), 3);
    e.send(Command::Pause);
    e.send(Command::Add(fs.clone()));
    e.send(Command::Start(BatchOptions::default()));
    e.send(Command::Cancel(2));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        script.requests.load(Ordering::SeqCst),
        0,
        "paused: nothing sent"
    );
    e.send(Command::Resume);
    let evs = until_idle(&mut rx).await;
    assert!(evs.contains(&Event::Cancelled { id: 2 }), "{evs:#?}");
    assert_eq!(count(&evs, |e| matches!(e, Event::Done { .. })), 2);
    e.send(Command::RetryAll);
    let evs = until_idle(&mut rx).await;
    assert!(evs.contains(&Event::Requeued { id: 2 }));
    assert_eq!(count(&evs, |e| matches!(e, Event::Done { .. })), 1);
    assert_eq!(script.requests.load(Ordering::SeqCst), 3);
    drop(e);

    // A second run of the same batch with the same journal: everything skipped, with links.
    let journal = Arc::new(Journal::open(&jpath).expect("journal"));
    let (e, mut rx) = engine(&url, 4, Some(journal));
    e.send(Command::Add(fs));
    e.send(Command::Start(BatchOptions::default()));
    let evs = until_idle(&mut rx).await;
    let skipped: Vec<_> = evs
        .iter()
        .filter_map(|e| match e {
            Event::Skipped { links, .. } => Some(links.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(skipped.len(), 3);
    assert!(skipped
        .iter()
        .all(|l| l.delete.is_some() && l.thumb.is_some()));
    assert_eq!(script.requests.load(Ordering::SeqCst), 3, "nothing re-sent");
}
