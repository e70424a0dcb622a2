//! Sizes and byte ranges straight from the file: a seek, never a whole read.

use std::io::Read;
use std::sync::Arc;

use upstage_storage::{range_reader, PutMode, Storage, StorageErrorKind};
use upstage_storage_local::LocalStorage;

#[test]
fn stat_and_ranges_come_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let s = Arc::new(LocalStorage::new(dir.path()).unwrap());
    let body: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
    s.put("images/a/b.bin", "", &body, PutMode::CreateNew)
        .unwrap();
    let meta = s.stat("images/a/b.bin").unwrap();
    assert_eq!(meta.size, body.len() as u64);
    let mtime = std::fs::metadata(dir.path().join("images/a/b.bin"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(meta.modified, Some(mtime));
    assert_eq!(s.size("images/a/b.bin").unwrap(), body.len() as u64);

    let n = body.len() as u64;
    for (offset, len, want) in [
        (0, n, 0..body.len()),
        (10, 5, 10..15),
        (n - 3, 100, body.len() - 3..body.len()),
        (n, 10, body.len()..body.len()),
        (n + 50, 10, body.len()..body.len()),
    ] {
        assert_eq!(
            s.get_range("images/a/b.bin", offset, len).unwrap(),
            body[want.clone()],
            "{offset}+{len}"
        );
        let mut got = Vec::new();
        range_reader(s.clone(), "images/a/b.bin", offset, len)
            .unwrap()
            .read_to_end(&mut got)
            .unwrap();
        assert_eq!(got, body[want], "{offset}+{len} streamed");
    }
}

#[test]
fn folders_and_missing_keys_are_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path()).unwrap();
    s.put("images/2026/x.jpg", "", b"x", PutMode::CreateNew)
        .unwrap();
    for key in ["images/2026", "images", "images/2026/y.jpg"] {
        assert_eq!(
            s.stat(key).unwrap_err().kind,
            StorageErrorKind::NotFound,
            "{key}"
        );
        assert_eq!(
            s.open_range(key, 0, 1).err().map(|e| e.kind),
            Some(StorageErrorKind::NotFound),
            "{key}"
        );
    }
    for key in ["images//x.jpg", "images/../x", "images/a\\b"] {
        assert_eq!(
            s.stat(key).unwrap_err().kind,
            StorageErrorKind::InvalidKey,
            "{key}"
        );
    }
}

/// A path that goes "through" a stored file names nothing: every read answers NotFound (the
/// file route turns that into a 404, not a server error).
#[test]
fn a_path_below_a_file_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let s = Arc::new(LocalStorage::new(dir.path()).unwrap());
    s.put("images/a/b.jpg", "", b"jpeg", PutMode::CreateNew)
        .unwrap();
    let key = "images/a/b.jpg/x.jpg";
    let kinds = [
        s.stat(key).map(|_| ()).unwrap_err().kind,
        s.get(key).map(|_| ()).unwrap_err().kind,
        s.get_range(key, 0, 10).map(|_| ()).unwrap_err().kind,
        s.size(key).map(|_| ()).unwrap_err().kind,
    ];
    for kind in kinds {
        assert_eq!(kind, StorageErrorKind::NotFound);
    }
}
