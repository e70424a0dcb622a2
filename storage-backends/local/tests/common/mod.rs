//! What the local backend's integration tests share: an item, a filing day, the files under a
//! root, and real local storage with a hook before each put (a failing disk, a meeting point).
#![allow(dead_code)] // each test file uses its own part

use std::path::Path;

use chrono::NaiveDate;
use upstage_sdk::{Format, ItemContext, Output, OutputKind, UploadOptions};
use upstage_storage::{
    PutMode, Storage, StorageError, StorageErrorKind, StorageMode, StoreOptions, Stored,
};
use upstage_storage_local::LocalStorage;

/// An original with a medium and a thumbnail: three files.
pub fn item(name: &str) -> ItemContext {
    item_with(name, &[OutputKind::Medium, OutputKind::Thumb])
}

/// An original with one tiny JPEG of each of `kinds`.
pub fn item_with(name: &str, kinds: &[OutputKind]) -> ItemContext {
    let mut ctx = ItemContext::new(
        name.into(),
        Format::Jpeg,
        UploadOptions::default(),
        b"main".to_vec(),
    );
    for &kind in kinds {
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

pub fn day() -> StoreOptions {
    StoreOptions::new(
        StorageMode::Datefolder,
        NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
    )
}

/// Every file under `root`, as sorted paths relative to it.
pub fn all_files(root: &Path) -> Vec<String> {
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

/// The error a full disk gives.
pub fn disk_full() -> StorageError {
    StorageError::new(StorageErrorKind::Io, "No space left on device")
}

/// Real local storage that runs `before_put` with each key first (an error fails the put), and
/// whose deletes fail when `deletes_fail` (a read-only disk).
pub struct Hooked<F> {
    pub inner: LocalStorage,
    pub before_put: F,
    pub deletes_fail: bool,
}

impl<F: Fn(&str) -> Result<(), StorageError>> Hooked<F> {
    pub fn new(root: &Path, before_put: F) -> Self {
        Hooked {
            inner: LocalStorage::new(root).unwrap(),
            before_put,
            deletes_fail: false,
        }
    }
}

impl<F: Fn(&str) -> Result<(), StorageError> + Send + Sync> Storage for Hooked<F> {
    fn name(&self) -> &str {
        "hooked"
    }
    fn put(&self, key: &str, ct: &str, b: &[u8], mode: PutMode) -> Result<Stored, StorageError> {
        (self.before_put)(key)?;
        self.inner.put(key, ct, b, mode)
    }
    fn get(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        self.inner.get(key)
    }
    fn delete(&self, key: &str) -> Result<(), StorageError> {
        if self.deletes_fail {
            return Err(StorageError::new(
                StorageErrorKind::Io,
                "Read-only file system",
            ));
        }
        self.inner.delete(key)
    }
    fn exists(&self, key: &str) -> Result<bool, StorageError> {
        self.inner.exists(key)
    }
}
