//! An item's files are written at once, not one after the other: each put here waits until it
//! has seen every put of the item start, which only happens when they run side by side. A
//! failure of one, or a panic, leaves none of the others behind.

mod common;

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use common::{all_files, day, disk_full, item, Hooked};
use upstage_sdk::OutputKind;
use upstage_storage::{store_item, StorageError, StorageErrorKind};

/// A meeting point for `expected` puts: each waits (up to 20 s) until all have started, and
/// notes how many it saw.
struct Meeting {
    expected: usize,
    started: Mutex<usize>,
    all_here: Condvar,
    seen: Mutex<Vec<usize>>,
}

impl Meeting {
    fn new(expected: usize) -> Self {
        Meeting {
            expected,
            started: Mutex::new(0),
            all_here: Condvar::new(),
            seen: Mutex::new(Vec::new()),
        }
    }

    fn arrive(&self) {
        let mut started = self.started.lock().unwrap();
        *started += 1;
        self.all_here.notify_all();
        let (started, _) = self
            .all_here
            .wait_timeout_while(started, Duration::from_secs(20), |n| *n < self.expected)
            .unwrap();
        self.seen.lock().unwrap().push(*started);
    }
}

#[test]
fn the_files_of_an_item_are_written_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let meeting = Meeting::new(3);
    let s = Hooked::new(dir.path(), |_: &str| {
        meeting.arrive();
        Ok::<(), StorageError>(())
    });
    let stored = store_item(&s, &item("owl.jpg"), &day()).unwrap();
    assert_eq!(*meeting.seen.lock().unwrap(), vec![3, 3, 3]);
    // The original first, as the answer and the row expect.
    let kinds: Vec<_> = stored.files.iter().map(|f| f.kind).collect();
    assert_eq!(kinds[0], OutputKind::Main);
    assert_eq!(kinds.len(), 3);
    assert_eq!(all_files(dir.path()).len(), 3);
}

#[test]
fn one_failed_write_leaves_none_of_its_siblings() {
    for part in ["/owl.jpg", ".md.", ".th."] {
        let dir = tempfile::tempdir().unwrap();
        let meeting = Meeting::new(3);
        let s = Hooked::new(dir.path(), |key: &str| {
            meeting.arrive();
            match key.contains(part) {
                true => Err(disk_full()),
                false => Ok(()),
            }
        });
        let err = store_item(&s, &item("owl.jpg"), &day()).unwrap_err();
        assert_eq!(err.kind, StorageErrorKind::Io, "{part}");
        assert_eq!(
            all_files(dir.path()),
            Vec::<String>::new(),
            "{part}: nothing is left behind"
        );
    }
}

#[test]
fn a_write_that_panics_fails_the_item_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = Hooked::new(dir.path(), |key: &str| {
        assert!(!key.contains(".md."), "a backend bug");
        Ok::<(), StorageError>(())
    });
    let err = store_item(&s, &item("owl.jpg"), &day()).unwrap_err();
    assert_eq!(err.kind, StorageErrorKind::Backend);
    assert_eq!(all_files(dir.path()), Vec::<String>::new());
}
