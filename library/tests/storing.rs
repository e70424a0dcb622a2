//! Storing does not hold a worker: while one upload's files wait on a slow disk, the next
//! upload's pixels are made. And a storage that does not keep up holds the pixel work back
//! rather than piling processed items up in memory.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use common::{admin, count, open_with, pipeline_then, upload_photo, BeforePut, Slots};
use upstage_library::store::Recorded;
use upstage_library::{Library, LibraryError};
use upstage_sdk::{ItemContext, Needs, Stage, StageError};
use upstage_storage::{StorageError, StorageErrorKind};
use upstage_storage_local::LocalStorage;

/// Writes wait until the gate opens; counts the writes that started.
#[derive(Default)]
struct Gate {
    state: Mutex<(usize, bool)>, // (writes started, open)
    changed: Condvar,
}

impl Gate {
    fn pass(&self) -> Result<(), StorageError> {
        let mut s = self
            .state
            .lock()
            .map_err(|_| StorageError::new(StorageErrorKind::Backend, "gate lock"))?;
        s.0 += 1;
        self.changed.notify_all();
        while !s.1 {
            s = self
                .changed
                .wait(s)
                .map_err(|_| StorageError::new(StorageErrorKind::Backend, "gate lock"))?;
        }
        Ok(())
    }

    fn open(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.1 = true;
        }
        self.changed.notify_all();
    }

    fn started(&self) -> usize {
        self.state.lock().map_or(0, |s| s.0)
    }
}

/// Opens the gate when dropped, so a failed assertion fails the test instead of leaving an
/// upload blocked in storage, which the runtime would wait for forever.
struct OpenOnDrop(Arc<Gate>);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.open();
    }
}

/// The last stage: counts the items whose pixels are done. Such an item keeps its worker until
/// it has a storing slot, so the count shows who holds the worker.
struct PixelsDone(Arc<AtomicUsize>);

impl Stage for PixelsDone {
    fn name(&self) -> &str {
        "pixels-done"
    }

    fn needs(&self, _: &ItemContext) -> Needs {
        Needs::Metadata
    }

    fn process(&self, _: &mut ItemContext) -> Result<(), StageError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// Waits until `done` holds, failing the test after a deadline a loaded machine still meets.
async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "not within 30 s: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The files the sample photo is stored as (original, medium, thumbnail), written at once.
const FILES: usize = 3;

fn upload(lib: &Arc<Library>) -> tokio::task::JoinHandle<Result<Recorded, LibraryError>> {
    let lib = lib.clone();
    tokio::spawn(async move {
        let caller = admin(&lib).await;
        upload_photo(&lib, &caller).await
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_store_frees_the_worker_but_bounds_what_waits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let gate = Arc::new(Gate::default());
    let _opens = OpenOnDrop(gate.clone());
    let passing = gate.clone();
    let storage = Arc::new(BeforePut {
        inner: LocalStorage::new(dir.path().join("files")).expect("local storage"),
        hook: move || passing.pass(),
    });
    let slots = Slots {
        workers: 1,
        wait: Duration::from_secs(3),
        ..Slots::default()
    };
    let pixels = Arc::new(AtomicUsize::new(0));
    let pipeline = pipeline_then(vec![Box::new(PixelsDone(pixels.clone()))]);
    let lib = Arc::new(open_with(dir.path(), storage, slots, pipeline).await);
    admin(&lib).await;

    // First upload: pixels done, stuck writing its files.
    let first = upload(&lib);
    until("the first upload reached storage", || {
        gate.started() >= FILES
    })
    .await;
    assert_eq!(gate.started(), FILES, "the first upload reached storage");

    // Second upload: gets the one worker at once, makes its pixels, then keeps the worker while
    // it waits for the one storing slot.
    let second = upload(&lib);
    until("the second upload made its pixels", || {
        pixels.load(Ordering::SeqCst) >= 2
    })
    .await;
    // Third upload: no worker for 3 s, so it is refused rather than queued in memory. Bounded,
    // so a third upload that did get the worker fails the test instead of waiting for storage.
    let third = tokio::time::timeout(Duration::from_secs(30), upload(&lib))
        .await
        .expect("the third upload was neither refused nor stored")
        .expect("third task");
    assert!(
        matches!(third, Err(LibraryError::Busy)),
        "the third upload found a free worker although the second holds it: {:?}",
        third.map(|r| r.row.id)
    );
    assert_eq!(pixels.load(Ordering::SeqCst), 2, "the third made no pixels");
    assert_eq!(
        gate.started(),
        FILES,
        "the second upload waits for a storing slot"
    );

    gate.open();
    let first = first.await.expect("first task").expect("first stored");
    let second = second.await.expect("second task").expect("second stored");
    // The second upload never waited for a worker: the first had given it back before storing.
    assert!(
        second.timings.queue < Duration::from_secs(1),
        "second upload queued {:?} for a worker",
        second.timings.queue
    );
    assert_ne!(first.row.id, second.row.id);
    assert_eq!(count(&lib, "images").await, 2);
    assert_eq!(count(&lib, "pending_uploads").await, 0);
    lib.db.close().await;
}
