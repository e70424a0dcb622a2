//! Metadata from a HEAD, ranged GETs and streamed downloads against moto on loopback.

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use upstage_storage::{range_reader, PutMode, Storage, StorageErrorKind};
use upstage_storage_s3::testing::create_bucket;
use upstage_storage_s3::{S3Config, S3Storage, Secret};

fn fresh(tag: &str) -> Option<Arc<S3Storage>> {
    let endpoint = upstage_testenv::s3_endpoint()?;
    static N: AtomicUsize = AtomicUsize::new(0);
    let bucket = format!(
        "r-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    create_bucket(&endpoint, &bucket).expect("bucket");
    let cfg = S3Config {
        endpoint: Some(endpoint),
        region: Some("us-east-1".into()),
        bucket,
        prefix: "site".into(),
        access_key_id: Some("test".into()),
        secret_access_key: Some(Secret("test".into())),
        retries: 1,
        retry_min_ms: 10,
        ..S3Config::default()
    };
    Some(Arc::new(S3Storage::new(&cfg).expect("backend")))
}

fn body(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 253) as u8).collect()
}

#[test]
fn stat_is_a_head_with_size_and_date() {
    let Some(s) = fresh("stat") else { return };
    s.put(
        "images/a.jpg",
        "image/jpeg",
        &body(4321),
        PutMode::CreateNew,
    )
    .expect("put");
    let meta = s.stat("images/a.jpg").expect("stat");
    assert_eq!(meta.size, 4321);
    let age = meta
        .modified
        .expect("S3 reports Last-Modified")
        .elapsed()
        .unwrap_or_default();
    assert!(age.as_secs() < 600, "{age:?}");
    assert_eq!(s.size("images/a.jpg").expect("size"), 4321);
    for key in ["images/none.jpg", "images"] {
        let e = s.stat(key).expect_err("missing");
        assert_eq!(e.kind, StorageErrorKind::NotFound, "{key}: {e}");
    }
}

#[test]
fn ranged_reads_return_exactly_the_window() {
    let Some(s) = fresh("range") else { return };
    let b = body(3 * 1024 * 1024 + 17);
    let n = b.len() as u64;
    s.put("v/movie.mp4", "video/mp4", &b, PutMode::CreateNew)
        .expect("put");
    let all = b.len();
    let cases = [
        (0, 100, 0..100),
        (1_000_000, 5, 1_000_000..1_000_005),
        (n - 10, 10, all - 10..all),
        (n - 10, 1_000, all - 10..all),
        (0, n, 0..all),
        (n, 10, all..all),
        (n + 100, 10, all..all),
        (5, 0, 5..5),
    ];
    for (offset, len, want) in cases {
        let got = s.get_range("v/movie.mp4", offset, len).expect("get_range");
        assert!(got == b[want.clone()], "get_range {offset}+{len}");
        let mut streamed = Vec::new();
        range_reader(s.clone(), "v/movie.mp4", offset, len)
            .expect("open")
            .read_to_end(&mut streamed)
            .expect("read");
        assert!(streamed == b[want], "open_range {offset}+{len}");
    }
    let e = s.get_range("v/none.mp4", 0, 10).expect_err("missing");
    assert_eq!(e.kind, StorageErrorKind::NotFound, "{e}");
    let e = s.open_range("v/none.mp4", 0, 10).err().expect("missing");
    assert_eq!(e.kind, StorageErrorKind::NotFound, "{e}");
}

/// A reader dropped halfway (a client that went away) must not keep the download or the
/// backend's runtime busy: later reads work at once.
#[test]
fn an_abandoned_download_frees_the_backend() {
    let Some(s) = fresh("drop") else { return };
    let b = body(12 * 1024 * 1024);
    s.put("v/long.mp4", "video/mp4", &b, PutMode::CreateNew)
        .expect("put");
    for _ in 0..8 {
        let mut r = s.open_range("v/long.mp4", 0, b.len() as u64).expect("open");
        let mut first = vec![0u8; 64 * 1024];
        r.read_exact(&mut first).expect("first bytes");
        assert!(first == b[..first.len()]);
    }
    let got = s.get_range("v/long.mp4", 7, 3).expect("still answering");
    assert_eq!(got, b[7..10]);
}
