//! Writes are atomic and items are all-or-nothing: no temp file or partial item is ever left.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{all_files, day, disk_full, item, Hooked};
use upstage_storage::{store_item, PutMode, Storage, StorageErrorKind};
use upstage_storage_local::{LocalStorage, TEMP_PREFIX};

fn no_temp_files(root: &Path) {
    let leftovers: Vec<_> = all_files(root)
        .into_iter()
        .filter(|f| f.rsplit('/').next().unwrap().starts_with(TEMP_PREFIX))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

#[test]
fn put_get_exists_delete() {
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path()).unwrap();
    s.put("a/b.txt", "text/plain", b"hello", PutMode::CreateNew)
        .unwrap();
    assert_eq!(s.get("a/b.txt").unwrap(), b"hello");
    assert!(s.exists("a/b.txt").unwrap());
    let again = s.put("a/b.txt", "text/plain", b"other", PutMode::CreateNew);
    assert_eq!(again.unwrap_err().kind, StorageErrorKind::AlreadyExists);
    assert_eq!(
        s.get("a/b.txt").unwrap(),
        b"hello",
        "create-only must not clobber"
    );
    s.put("a/b.txt", "text/plain", b"new", PutMode::Overwrite)
        .unwrap();
    assert_eq!(s.get("a/b.txt").unwrap(), b"new");
    s.delete("a/b.txt").unwrap();
    assert!(!s.exists("a/b.txt").unwrap());
    assert_eq!(
        s.get("a/b.txt").unwrap_err().kind,
        StorageErrorKind::NotFound
    );
    assert_eq!(
        s.put("../escape", "x", b"", PutMode::Overwrite)
            .unwrap_err()
            .kind,
        StorageErrorKind::InvalidKey
    );
    no_temp_files(dir.path());
}

#[test]
fn items_get_chain_names_and_collisions_get_mixed_names() {
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path()).unwrap();
    let first = store_item(&s, &item("Cat photo.jpg"), &day()).unwrap();
    assert_eq!(first.name, "Cat-photo");
    assert_eq!(
        all_files(dir.path()),
        [
            "images/2024/02/29/Cat-photo.jpg",
            "images/2024/02/29/Cat-photo.md.jpg",
            "images/2024/02/29/Cat-photo.th.jpg"
        ]
    );
    let second = store_item(&s, &item("Cat photo.jpg"), &day()).unwrap();
    assert_eq!(second.name.len(), "Cat-photo".len() + 16);
    assert_eq!(all_files(dir.path()).len(), 6);
    no_temp_files(dir.path());
}

/// Real local storage that fails the n-th put, as a full disk would.
#[test]
fn a_failure_midway_leaves_nothing_of_the_item() {
    let dir = tempfile::tempdir().unwrap();
    // The third put fails.
    let puts = AtomicUsize::new(0);
    let s = Hooked::new(dir.path(), |_: &str| {
        if puts.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
            return Err(disk_full());
        }
        Ok(())
    });
    let err = store_item(&s, &item("dog.jpg"), &day()).unwrap_err();
    assert_eq!(err.kind, StorageErrorKind::Io);
    assert!(
        all_files(dir.path()).is_empty(),
        "{:?}",
        all_files(dir.path())
    );
}

#[test]
fn concurrent_uploads_of_one_name_never_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path()).unwrap();
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| store_item(&s, &item("same.jpg"), &day()).unwrap());
        }
    });
    assert_eq!(all_files(dir.path()).len(), 24);
    no_temp_files(dir.path());
}
