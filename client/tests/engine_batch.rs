//! The batch as a whole against a real HTTP server on loopback: a server that goes away pauses
//! the batch (no file fails, no try is spent) and it completes by itself when the server is back;
//! a refused key stops it; a folder added twice is sent once; "width" is at most.

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use upstage_client::{BatchOptions, Command, Event, UploadError};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port()
}

/// Events until `want` matches one (returned with those before it).
async fn until(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Event>,
    want: impl Fn(&Event) -> bool,
) -> Vec<Event> {
    let mut out = Vec::new();
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("engine stalled")
            .expect("engine gone");
        let hit = want(&ev);
        out.push(ev);
        if hit {
            return out;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_stopped_then_restarted_mid_batch_pauses_and_completes_once() {
    const N: usize = 8;
    let dir = tempfile::tempdir().expect("tempdir");
    let script = Arc::new(Script {
        delay_ms: 100,
        ..Script::default()
    });
    let addr = format!("127.0.0.1:{}", free_port());
    let (url, stop) = server_at(script.clone(), &addr).await;
    let (e, mut rx) = engine(&url, 2, None);
    e.send(Command::Add(files(dir.path(), N)));
    e.send(Command::Start(BatchOptions::default()));
    let mut evs = until(&mut rx, |e| matches!(e, Event::Done { .. })).await;
    // The server goes away mid-batch (finishing what it has), and nobody listens on its port.
    drop(stop);
    evs.extend(until(&mut rx, |e| matches!(e, Event::Unreachable { .. })).await);
    let stored_while_down = script.stored.load(Ordering::SeqCst);
    assert!(stored_while_down < N, "the outage came too late to test");
    // Back on the same address: the batch goes on by itself.
    let (_, stop2) = server_at(script.clone(), &addr).await;
    evs.extend(until_idle(&mut rx).await);
    drop(stop2);
    assert!(evs.contains(&Event::Reachable), "{evs:#?}");
    assert_eq!(
        count(&evs, |e| matches!(e, Event::Failed { .. })),
        0,
        "{evs:#?}"
    );
    assert_eq!(count(&evs, |e| matches!(e, Event::Done { .. })), N);
    assert_eq!(
        script.stored.load(Ordering::SeqCst),
        N,
        "each file exactly once"
    );
    // The countdown the interface shows, and the cause.
    assert!(evs.iter().any(|e| matches!(
        e,
        Event::Unreachable { next_try_in, error: UploadError::Unreachable { .. } }
            if *next_try_in <= Duration::from_secs(30)
    )));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_key_stops_the_batch_instead_of_failing_every_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = Arc::new(Script {
        answers: std::sync::Mutex::new(std::iter::repeat_n(400, 100).collect()),
        error: Some((100, "Invalid API v1 key.".into())),
        ..Script::default()
    });
    let url = server(script.clone()).await;
    let (e, mut rx) = engine(&url, 1, None);
    e.send(Command::Add(files(dir.path(), 12)));
    e.send(Command::Start(BatchOptions::default()));
    let evs = until_idle(&mut rx).await;
    assert_eq!(
        script.requests.load(Ordering::SeqCst),
        1,
        "one refusal is enough"
    );
    assert_eq!(count(&evs, |e| matches!(e, Event::Failed { .. })), 1);
    assert_eq!(count(&evs, |e| matches!(e, Event::Cancelled { .. })), 11);
    assert!(evs
        .iter()
        .any(|e| matches!(e, Event::Stopped { error } if error.is_auth())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_added_twice_is_sent_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = Arc::new(Script::default());
    let url = server(script.clone()).await;
    let (e, mut rx) = engine(&url, 2, None);
    let fs = files(dir.path(), 4);
    e.send(Command::Add(fs.clone()));
    // The same files again, one through another spelling of its path.
    let mut again = fs.clone();
    again[0] = dir.path().join(".").join("0.png");
    e.send(Command::Add(again));
    e.send(Command::Start(BatchOptions::default()));
    let evs = until_idle(&mut rx).await;
    assert_eq!(count(&evs, |e| matches!(e, Event::Added { .. })), 4);
    assert!(evs.contains(&Event::AlreadyQueued { count: 4 }), "{evs:#?}");
    assert_eq!(script.requests.load(Ordering::SeqCst), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn width_is_at_most_narrower_images_go_as_they_are() {
    let dir = tempfile::tempdir().expect("tempdir");
    let narrow = dir.path().join("narrow.png");
    let wide = dir.path().join("wide.png");
    image::RgbImage::new(300, 20).save(&narrow).expect("png");
    image::RgbImage::new(2000, 20).save(&wide).expect("png");
    let script = Arc::new(Script::default());
    let url = server(script.clone()).await;
    let (e, mut rx) = engine(&url, 1, None);
    e.send(Command::Add(vec![narrow, wide]));
    e.send(Command::Start(BatchOptions {
        width: "1600".into(),
        ..BatchOptions::default()
    }));
    let evs = until_idle(&mut rx).await;
    assert_eq!(
        count(&evs, |e| matches!(e, Event::Done { .. })),
        2,
        "{evs:#?}"
    );
    assert_eq!(*script.widths.lock().expect("lock"), [false, true]);
}
