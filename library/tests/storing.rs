//! Storing does not hold a worker: while one upload's files wait on a slow disk, the next
//! upload's pixels are made. And a storage that does not keep up holds the pixel work back
//! rather than piling processed items up in memory.

mod common;

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use common::{admin, count, open, photo, Slots};
use upstage_core::Input;
use upstage_library::options::Options;
use upstage_library::store::{record_upload, Recorded};
use upstage_library::{Library, LibraryError};
use upstage_storage::{PutMode, Storage, StorageError, Stored};
use upstage_storage_local::LocalStorage;

/// Real local storage whose writes wait until the gate opens.
struct Gated {
    inner: LocalStorage,
    state: Mutex<(usize, bool)>, // (writes started, open)
    changed: Condvar,
}

impl Gated {
    fn open_gate(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.1 = true;
        }
        self.changed.notify_all();
    }

    fn started(&self) -> usize {
        self.state.lock().map_or(0, |s| s.0)
    }
}

impl Storage for Gated {
    fn name(&self) -> &str {
        "gated"
    }
    fn put(
        &self,
        key: &str,
        content_type: &str,
        bytes: &[u8],
        mode: PutMode,
    ) -> Result<Stored, StorageError> {
        let mut s = self.state.lock().expect("gate lock");
        s.0 += 1;
        self.changed.notify_all();
        while !s.1 {
            s = self.changed.wait(s).expect("gate lock");
        }
        drop(s);
        self.inner.put(key, content_type, bytes, mode)
    }
    fn get(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        self.inner.get(key)
    }
    fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.inner.delete(key)
    }
    fn exists(&self, key: &str) -> Result<bool, StorageError> {
        self.inner.exists(key)
    }
}

fn upload(lib: &Arc<Library>) -> tokio::task::JoinHandle<Result<Recorded, LibraryError>> {
    let lib = lib.clone();
    tokio::spawn(async move {
        let caller = admin(&lib).await;
        record_upload(
            &lib,
            Input::from_path(photo()),
            &Options::default(),
            &caller,
            "10.0.0.1",
            None,
            None,
        )
        .await
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_store_frees_the_worker_but_bounds_what_waits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = Arc::new(Gated {
        inner: LocalStorage::new(dir.path().join("files")).expect("local storage"),
        state: Mutex::new((0, false)),
        changed: Condvar::new(),
    });
    let slots = Slots {
        workers: 1,
        wait: Duration::from_secs(3),
    };
    let lib = Arc::new(open(dir.path(), storage.clone(), slots).await);
    admin(&lib).await;

    // First upload: pixels done, stuck writing its first file.
    let first = upload(&lib);
    for _ in 0..600 {
        if storage.started() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(storage.started(), 1, "the first upload reached storage");

    // Second upload: gets the one worker at once, makes its pixels, then keeps the worker while
    // it waits for the one storing slot.
    let second = upload(&lib);
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Third upload: no worker for 3 s, so it is refused rather than queued in memory.
    let third = upload(&lib).await.expect("third task");
    assert!(
        matches!(third, Err(LibraryError::Busy)),
        "the third upload found a free worker although the second holds it: {:?}",
        third.map(|r| r.row.id)
    );
    assert_eq!(
        storage.started(),
        1,
        "the second upload waits for a storing slot"
    );

    storage.open_gate();
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
