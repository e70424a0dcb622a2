//! The engine against a real HTTP server on loopback whose answers the test scripts: 5xx are
//! retried with backoff, 4xx never; the number of parallel uploads is
//! what was asked, and changes live; pause holds bodies; cancel and retry work; the journal
//! skips what an earlier run uploaded.

mod common;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use upstage_client::{BatchOptions, Command, Event, Journal, UploadError};

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
    assert_eq!(failed, [&UploadError::server(400, 400, "scripted 400")]);
    assert_eq!(count(&evs, |e| matches!(e, Event::Done { .. })), 1);
    assert_eq!(script.requests.load(Ordering::SeqCst), 4);
    // Progress counts real body bytes, up to the whole file.
    assert!(evs.iter().any(
        |e| matches!(e, Event::Progress { sent, total, .. } if sent == total && *total == 200_008)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallelism_is_bounded_and_live() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = Arc::new(Script {
        delay_ms: 150,
        ..Script::default()
    });
    let url = server(script.clone()).await;
    // Requests wait for the bound to be reached; one past it would still overlap them.
    script.gather.store(2, Ordering::SeqCst);
    let (e, mut rx) = engine(&url, 2, None);
    e.send(Command::Add(files(dir.path(), 6)));
    e.send(Command::Start(BatchOptions::default()));
    until_idle(&mut rx).await;
    assert_eq!(script.max_in_flight.load(Ordering::SeqCst), 2);
    script.gather.store(5, Ordering::SeqCst);
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
