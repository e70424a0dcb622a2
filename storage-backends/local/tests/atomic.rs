//! Writes are atomic and items are all-or-nothing: no temp file or partial item is ever left.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use upstage_sdk::{Format, ItemContext, Output, OutputKind, UploadOptions};
use upstage_storage::{
    store_item, PutMode, Storage, StorageError, StorageErrorKind, StorageMode, StoreOptions, Stored,
};
use upstage_storage_local::{LocalStorage, TEMP_PREFIX};

fn all_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

fn no_temp_files(root: &Path) {
    let leftovers: Vec<_> = all_files(root)
        .into_iter()
        .filter(|f| f.rsplit('/').next().unwrap().starts_with(TEMP_PREFIX))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

fn item(name: &str) -> ItemContext {
    let mut ctx = ItemContext::new(
        name.into(),
        Format::Jpeg,
        UploadOptions::default(),
        b"main".to_vec(),
    );
    for kind in [OutputKind::Medium, OutputKind::Thumb] {
        ctx.outputs.set(
            kind,
            Output {
                bytes: vec![1, 2, 3],
                format: Format::Jpeg,
                width: 1,
                height: 1,
            },
        );
    }
    ctx
}

fn day() -> StoreOptions {
    StoreOptions::new(
        StorageMode::Datefolder,
        NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
    )
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
struct FailingNth {
    inner: LocalStorage,
    n: usize,
    puts: AtomicUsize,
}

impl Storage for FailingNth {
    fn name(&self) -> &str {
        "failing"
    }
    fn put(
        &self,
        key: &str,
        ct: &str,
        bytes: &[u8],
        mode: PutMode,
    ) -> Result<Stored, StorageError> {
        if self.puts.fetch_add(1, Ordering::SeqCst) + 1 == self.n {
            return Err(StorageError::new(
                StorageErrorKind::Io,
                "No space left on device",
            ));
        }
        self.inner.put(key, ct, bytes, mode)
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

#[test]
fn a_failure_midway_leaves_nothing_of_the_item() {
    let dir = tempfile::tempdir().unwrap();
    let s = FailingNth {
        inner: LocalStorage::new(dir.path()).unwrap(),
        n: 3,
        puts: AtomicUsize::new(0),
    };
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
