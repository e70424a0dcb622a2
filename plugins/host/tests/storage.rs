//! The content-addressed example store, loaded as a real library, behind the `Storage` trait.

#[path = "support/dylibs.rs"]
mod dylibs;

use std::path::Path;

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use upstage_plugin_host::{load_library, PluginStorage};
use upstage_storage::{PutMode, Storage, StorageErrorKind};

fn open(root: &Path, extra: &str) -> PluginStorage {
    let lib = load_library(&dylibs::example("cas_store")).unwrap();
    let config = format!(r#"{{"root": {:?}{extra}}}"#, root.to_str().unwrap());
    PluginStorage::new(&lib, &config).unwrap()
}

fn sha(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

#[test]
fn put_get_exists_delete_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(
        dir.path(),
        r#", "public_base_url": "https://cdn.example/o/""#,
    );
    assert_eq!(s.name(), "plugin:cas-store");
    let body: Vec<u8> = (0..700_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let key = "images/2026/11/26/cat.jpeg";

    let out = s
        .put_bytes(key, "image/jpeg", &body, PutMode::CreateNew)
        .unwrap();
    let h = sha(&body);
    assert_eq!(out.id, format!("sha256:{h}"));
    assert_eq!(
        out.public_url.as_deref(),
        Some(format!("https://cdn.example/o/{}/{}/{h}", &h[..2], &h[2..4]).as_str())
    );
    let blob = dir.path().join(cas_store::object_path(&h));
    assert_eq!(
        std::fs::read(&blob).unwrap(),
        body,
        "blob at its content address"
    );

    assert_eq!(s.get(key).unwrap(), body);
    assert!(s.exists(key).unwrap());
    // Sizes and ranges come from the plugin's own `stat` and seeking `get_range`.
    assert_eq!(s.size(key).unwrap(), body.len() as u64);
    for (offset, len) in [(0, 10), (699_990, 100), (12_345, 300_000), (700_000, 5)] {
        let end = (offset + len).min(body.len());
        let start = offset.min(body.len());
        assert_eq!(
            s.get_range(key, offset as u64, len as u64).unwrap(),
            &body[start..end],
            "{offset}+{len}"
        );
    }
    assert_eq!(
        s.size("nope.bin").unwrap_err().kind,
        StorageErrorKind::NotFound
    );
    let again = s
        .put(key, "image/jpeg", b"other", PutMode::CreateNew)
        .unwrap_err();
    assert_eq!(again.kind, StorageErrorKind::AlreadyExists, "{again}");
    assert!(again.message.contains("plugin 'cas-store'"), "{again}");
    assert_eq!(s.get(key).unwrap(), body, "a refused put changes nothing");

    // Overwrite, then a second key with the same bytes shares the blob.
    s.put(key, "image/png", b"small", PutMode::Overwrite)
        .unwrap();
    assert_eq!(s.get(key).unwrap(), b"small");
    s.put(
        "copy/x.bin",
        "application/octet-stream",
        b"small",
        PutMode::CreateNew,
    )
    .unwrap();
    let objects = walk_files(&dir.path().join("objects"));
    assert_eq!(objects, 2, "one blob per distinct content");

    s.delete(key).unwrap();
    assert!(!s.exists(key).unwrap());
    assert_eq!(s.get(key).unwrap_err().kind, StorageErrorKind::NotFound);
    assert_eq!(s.delete(key).unwrap_err().kind, StorageErrorKind::NotFound);
    assert_eq!(
        s.get("../escape").unwrap_err().kind,
        StorageErrorKind::InvalidKey
    );
    assert!(
        walk_files(&dir.path().join("tmp")) == 0,
        "no temp files are left behind"
    );
}

fn walk_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        walk_files(&p)
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn bodies_stream_from_a_reader_in_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), "");
    // 3 MB through a reader that hands out odd-sized pieces.
    let body: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
    struct Odd<'a>(&'a [u8]);
    impl std::io::Read for Odd<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.0.len()).min(77_777);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let out = s
        .put_stream(
            "big.bin",
            "application/octet-stream",
            &mut Odd(&body),
            PutMode::CreateNew,
        )
        .unwrap();
    assert_eq!(out.id, format!("sha256:{}", sha(&body)));
    assert_eq!(out.public_url, None);
    assert_eq!(s.get("big.bin").unwrap(), body);

    // A reader that fails half way stores nothing under the key.
    struct Broken(usize);
    impl std::io::Read for Broken {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("disk unplugged"));
            }
            self.0 -= 1;
            buf.fill(1);
            Ok(buf.len())
        }
    }
    let e = s
        .put_stream("broken.bin", "x/y", &mut Broken(3), PutMode::CreateNew)
        .unwrap_err();
    assert!(e.message.contains("disk unplugged"), "{e}");
    assert!(!s.exists("broken.bin").unwrap());
}

#[test]
fn bad_configuration_is_a_clear_create_error() {
    let lib = load_library(&dylibs::example("cas_store")).unwrap();
    let e = PluginStorage::new(&lib, "null").err().unwrap();
    assert_eq!(e.code(), "create_failed");
    let msg = e.to_string();
    assert!(
        msg.contains("plugin 'cas-store' could not start") && msg.contains("root"),
        "{msg}"
    );
    let e = PluginStorage::new(&lib, r#"{"root": "/tmp/x", "colour": 1}"#)
        .err()
        .unwrap();
    assert!(e.to_string().contains("colour"), "{e}");
}

/// 64 objects written and read back in parallel through one instance.
#[test]
fn sixty_four_parallel_puts_through_one_instance() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path(), "");
    let bodies: Vec<Vec<u8>> = (0..64u32)
        .map(|n| {
            (0..(10_000 + n * 997))
                .map(|i| (i * (n + 1) % 256) as u8)
                .collect()
        })
        .collect();
    let ids: Vec<String> = bodies
        .par_iter()
        .enumerate()
        .map(|(n, b)| {
            s.put_bytes(
                &format!("p/{n}.bin"),
                "application/octet-stream",
                b,
                PutMode::CreateNew,
            )
            .unwrap()
            .id
        })
        .collect();
    bodies.par_iter().enumerate().for_each(|(n, b)| {
        assert_eq!(ids[n], format!("sha256:{}", sha(b)));
        assert_eq!(&s.get(&format!("p/{n}.bin")).unwrap(), b, "object {n}");
        let blob = dir.path().join(cas_store::object_path(&sha(b)));
        assert_eq!(&std::fs::read(blob).unwrap(), b);
    });
}
