//! Uploads that wait for the one worker are hashed in one pass by the first of them to get it;
//! the others then run on that pass's md5s, and an upload that gives up waiting leaves nothing
//! behind in the queue.

mod common;

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use common::{admin, count, open_with, pipeline_then, upload_input, Slots};
use md5::{Digest, Md5};
use upstage_core::Input;
use upstage_library::options::Options;
use upstage_library::store::Recorded;
use upstage_library::{Library, LibraryError};
use upstage_sdk::{ItemContext, Needs, Stage, StageError};
use upstage_storage_local::LocalStorage;

/// A stage every item stops at until the test lets that many through; counts who arrived.
#[derive(Default)]
struct Turnstile {
    state: Mutex<(usize, usize)>, // (arrived, let through)
    changed: Condvar,
}

impl Turnstile {
    fn arrived(&self) -> usize {
        self.state.lock().map_or(0, |s| s.0)
    }

    fn let_through(&self, n: usize) {
        if let Ok(mut s) = self.state.lock() {
            s.1 += n;
        }
        self.changed.notify_all();
    }
}

struct Stop(Arc<Turnstile>);

impl Stage for Stop {
    fn name(&self) -> &str {
        "turnstile"
    }
    fn needs(&self, _: &ItemContext) -> Needs {
        Needs::Metadata
    }
    fn process(&self, _: &mut ItemContext) -> Result<(), StageError> {
        let gate = &self.0;
        let mut s = gate
            .state
            .lock()
            .map_err(|_| StageError::new(upstage_sdk::ErrorCode::StageFailed, "lock"))?;
        s.0 += 1;
        let me = s.0;
        gate.changed.notify_all();
        while s.1 < me {
            s = gate
                .changed
                .wait(s)
                .map_err(|_| StageError::new(upstage_sdk::ErrorCode::StageFailed, "lock"))?;
        }
        Ok(())
    }
}

/// Lets everyone through when dropped, so a failed assertion ends the test.
struct OpenOnDrop(Arc<Turnstile>);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.let_through(1000);
    }
}

/// The sample photo with a numbered comment after its start marker: distinct bytes (and
/// lengths), the same pixels.
fn photo(n: usize) -> Vec<u8> {
    let jpeg = std::fs::read(common::photo()).expect("sample photo");
    upstage_testenv::with_comment(&jpeg, &format!("copy {n} {}", "x".repeat(n * 7)))
}

fn oracle(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

/// The md5 of the upload as received: `source_md5` when the stored original differs from it.
fn as_received(r: &Recorded) -> String {
    r.row
        .source_md5
        .clone()
        .unwrap_or_else(|| r.row.md5.clone())
}

async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "not within 30 s: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn upload(
    lib: &Arc<Library>,
    bytes: Vec<u8>,
) -> tokio::task::JoinHandle<Result<Recorded, LibraryError>> {
    let lib = lib.clone();
    tokio::spawn(async move {
        let caller = admin(&lib).await;
        let input = Input::from_bytes("copy.jpg", bytes);
        upload_input(&lib, &caller, input, &Options::default()).await
    })
}

async fn library(dir: &std::path::Path, wait: Duration) -> (Arc<Library>, Arc<Turnstile>) {
    library_stopped_by(dir, wait, Default::default()).await
}

async fn library_stopped_by(
    dir: &std::path::Path,
    wait: Duration,
    stopping: tokio_util::sync::CancellationToken,
) -> (Arc<Library>, Arc<Turnstile>) {
    let gate = Arc::new(Turnstile::default());
    let storage = Arc::new(LocalStorage::new(dir.join("files")).expect("local storage"));
    let pipeline = pipeline_then(vec![Box::new(Stop(gate.clone()))]);
    let slots = Slots {
        workers: 1,
        wait,
        stopping,
    };
    let lib = Arc::new(open_with(dir, storage, slots, pipeline).await);
    admin(&lib).await;
    (lib, gate)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_waiting_upload_to_get_the_worker_hashes_all_that_wait() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (lib, gate) = library(dir.path(), Duration::from_secs(60)).await;
    let _open = OpenOnDrop(gate.clone());
    let bodies: Vec<Vec<u8>> = (0..4).map(photo).collect();

    // The first holds the worker, stopped in the pipeline.
    let first = upload(&lib, bodies[0].clone());
    until("the first upload is in the pipeline", || {
        gate.arrived() == 1
    })
    .await;
    // The others wait for the worker, their md5s not taken.
    let waiting: Vec<_> = bodies[1..]
        .iter()
        .map(|b| upload(&lib, b.clone()))
        .collect();
    until("three uploads wait in the md5 queue", || {
        lib.processor.waiting_md5s() == 3
    })
    .await;

    // The second gets the worker: its pass takes the two behind it as well.
    gate.let_through(1);
    until("the second upload is in the pipeline", || {
        gate.arrived() == 2
    })
    .await;
    assert_eq!(
        lib.processor.waiting_md5s(),
        0,
        "the pass took every upload waiting"
    );
    assert_eq!(gate.arrived(), 2, "the last two still wait for the worker");

    gate.let_through(3);
    let first = first.await.expect("task").expect("first stored");
    assert_eq!(as_received(&first), oracle(&bodies[0]));
    for (task, body) in waiting.into_iter().zip(&bodies[1..]) {
        let done = task.await.expect("task").expect("stored");
        assert_eq!(as_received(&done), oracle(body), "each keeps its own md5");
    }
    lib.db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_refused_while_queued_leaves_the_queue() {
    let gave_up: fn(&LibraryError) -> bool = |e| matches!(e, LibraryError::Busy);
    let shut_down: fn(&LibraryError) -> bool = |e| matches!(e, LibraryError::ShuttingDown);
    // (why, how long an upload may wait for a worker, shutdown's grace ends, the refusal)
    for (why, wait, stop, refused) in [
        ("no worker in time", Duration::from_secs(3), false, gave_up),
        (
            "shutdown's grace is over",
            Duration::from_secs(60),
            true,
            shut_down,
        ),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let stopping = tokio_util::sync::CancellationToken::new();
        let (lib, gate) = library_stopped_by(dir.path(), wait, stopping.clone()).await;
        let _open = OpenOnDrop(gate.clone());
        let first = upload(&lib, photo(0));
        until("the first upload is in the pipeline", || {
            gate.arrived() == 1
        })
        .await;
        let second = upload(&lib, photo(1));
        until("the second upload waits in the md5 queue", || {
            lib.processor.waiting_md5s() == 1
        })
        .await;
        if stop {
            stopping.cancel();
        }
        let second = second.await.expect("task");
        assert!(
            second.as_ref().err().is_some_and(refused),
            "{why}: refused, not started"
        );
        assert_eq!(
            lib.processor.waiting_md5s(),
            0,
            "{why}: nothing left in the queue"
        );
        // What runs finishes either way.
        gate.let_through(1);
        first.await.expect("task").expect("first stored");
        assert_eq!(count(&lib, "images").await, 1, "{why}");
        lib.db.close().await;
    }
}
