//! An item's files are written at once, not one after the other: each put here waits until it
//! has seen every put of the item start, which only happens when they run side by side. A
//! failure of one leaves none of the others behind.

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use upstage_sdk::{Format, ItemContext, Output, OutputKind, UploadOptions};
use upstage_storage::{
    store_item, PutMode, Storage, StorageError, StorageErrorKind, StorageMode, StoreOptions, Stored,
};
use upstage_storage_local::LocalStorage;

/// An original with a medium and a thumbnail: three files.
fn item() -> ItemContext {
    let mut ctx = ItemContext::new(
        "owl.jpg".into(),
        Format::Jpeg,
        UploadOptions::default(),
        b"original".to_vec(),
    );
    for kind in [OutputKind::Medium, OutputKind::Thumb] {
        let output = Output {
            bytes: vec![1, 2, 3],
            format: Format::Jpeg,
            width: 1,
            height: 1,
        };
        ctx.outputs.set(kind, output);
    }
    ctx
}

fn day() -> StoreOptions {
    StoreOptions::new(
        StorageMode::Datefolder,
        NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
    )
}

/// Local storage whose puts meet: each waits (up to 20 s) until `expected` puts have started.
/// `fail` names a key part whose put then fails.
struct Meeting {
    inner: LocalStorage,
    expected: usize,
    started: Mutex<usize>,
    all_here: Condvar,
    fail: Option<&'static str>,
    /// How many puts had started when each put went on.
    seen: Mutex<Vec<usize>>,
}

impl Meeting {
    fn new(root: &std::path::Path, expected: usize, fail: Option<&'static str>) -> Self {
        Meeting {
            inner: LocalStorage::new(root).unwrap(),
            expected,
            started: Mutex::new(0),
            all_here: Condvar::new(),
            fail,
            seen: Mutex::new(Vec::new()),
        }
    }
}

impl Storage for Meeting {
    fn name(&self) -> &str {
        "meeting"
    }
    fn put(&self, key: &str, ct: &str, b: &[u8], mode: PutMode) -> Result<Stored, StorageError> {
        let mut started = self.started.lock().unwrap();
        *started += 1;
        self.all_here.notify_all();
        let (started, _) = self
            .all_here
            .wait_timeout_while(started, Duration::from_secs(20), |n| *n < self.expected)
            .unwrap();
        self.seen.lock().unwrap().push(*started);
        drop(started);
        if self.fail.is_some_and(|part| key.contains(part)) {
            return Err(StorageError::new(
                StorageErrorKind::Io,
                "No space left on device",
            ));
        }
        self.inner.put(key, ct, b, mode)
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

fn files(root: &std::path::Path) -> usize {
    walk(root)
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                let p = e.path();
                if p.is_dir() {
                    walk(&p)
                } else {
                    1
                }
            })
            .sum()
    })
}

#[test]
fn the_files_of_an_item_are_written_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let s = Meeting::new(dir.path(), 3, None);
    let stored = store_item(&s, &item(), &day()).unwrap();
    assert_eq!(*s.seen.lock().unwrap(), vec![3, 3, 3]);
    // The original first, as the answer and the row expect.
    let kinds: Vec<_> = stored.files.iter().map(|f| f.kind).collect();
    assert_eq!(kinds[0], OutputKind::Main);
    assert_eq!(kinds.len(), 3);
    assert_eq!(files(dir.path()), 3);
}

#[test]
fn one_failed_write_leaves_none_of_its_siblings() {
    for part in ["/owl.jpg", ".md.", ".th."] {
        let dir = tempfile::tempdir().unwrap();
        let s = Meeting::new(dir.path(), 3, Some(part));
        let err = store_item(&s, &item(), &day()).unwrap_err();
        assert_eq!(err.kind, StorageErrorKind::Io, "{part}");
        assert_eq!(files(dir.path()), 0, "{part}: nothing is left behind");
    }
}
