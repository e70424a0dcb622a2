//! The S3 backend against a real S3 server on loopback (moto, started by `scripts/test`, which
//! sets `S3_MOTO_ENDPOINT`). Each test uses its own bucket.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use upstage_storage::{PutMode, Storage, StorageErrorKind};
use upstage_storage_s3::testing::create_bucket;
use upstage_storage_s3::{S3Config, S3Storage, Secret};

fn endpoint() -> Option<String> {
    upstage_testenv::s3_endpoint()
}

fn config(endpoint: &str, bucket: &str) -> S3Config {
    S3Config {
        endpoint: Some(endpoint.to_owned()),
        region: Some("us-east-1".into()),
        bucket: bucket.to_owned(),
        prefix: "site/one".into(),
        access_key_id: Some("test".into()),
        secret_access_key: Some(Secret("test".into())),
        retries: 1,
        retry_min_ms: 10,
        ..S3Config::default()
    }
}

fn fresh(endpoint: &str, tag: &str) -> (S3Storage, S3Config) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let bucket = format!(
        "t-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    if let Err(e) = create_bucket(endpoint, &bucket) {
        panic!("{e}");
    }
    let cfg = config(endpoint, &bucket);
    match S3Storage::new(&cfg) {
        Ok(s) => (s, cfg),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn put_get_exists_delete_with_content_type() {
    let Some(ep) = endpoint() else { return };
    let (s, _) = fresh(&ep, "rt");
    let key = "images/2026/11/26/cat.th.jpeg";
    let stored = s
        .put(key, "image/jpeg", b"jpeg bytes", PutMode::CreateNew)
        .expect("put");
    assert_eq!(stored.key, key);
    assert_eq!(stored.public_url, None);
    assert!(s.exists(key).expect("exists"));
    assert_eq!(s.get(key).expect("get"), b"jpeg bytes");
    let info = s.head(key).expect("head").expect("present");
    assert_eq!(info.size, 10);
    assert_eq!(info.content_type.as_deref(), Some("image/jpeg"));
    // The prefix is a real folder in the bucket: listing from the root shows only our keys.
    assert_eq!(s.list("").expect("list"), vec![key.to_owned()]);
    s.delete(key).expect("delete");
    assert!(!s.exists(key).expect("exists after delete"));
    let e = s.get(key).expect_err("gone");
    assert_eq!(e.kind, StorageErrorKind::NotFound, "{e}");
}

#[test]
fn create_new_refuses_a_taken_key_and_overwrite_replaces() {
    let Some(ep) = endpoint() else { return };
    let (s, _) = fresh(&ep, "cn");
    s.put("a/b.png", "image/png", b"one", PutMode::CreateNew)
        .expect("first");
    let e = s
        .put("a/b.png", "image/png", b"two", PutMode::CreateNew)
        .expect_err("taken");
    assert_eq!(e.kind, StorageErrorKind::AlreadyExists, "{e}");
    assert_eq!(s.get("a/b.png").expect("get"), b"one");
    s.put("a/b.png", "image/png", b"three", PutMode::Overwrite)
        .expect("overwrite");
    assert_eq!(s.get("a/b.png").expect("get"), b"three");
}

/// `put`s of `key` with `CreateNew` from plain threads, alternating between two backends as two
/// server instances would; returns the bodies of the writers that won.
fn race(
    mine: &Arc<dyn Storage>,
    other: &Arc<dyn Storage>,
    key: &str,
    writers: usize,
) -> Vec<String> {
    let wins = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|sc| {
        for i in 0..writers {
            let st = if i % 2 == 0 { mine } else { other };
            let wins = &wins;
            sc.spawn(move || {
                let body = format!("writer {i}");
                match st.put(key, "image/jpeg", body.as_bytes(), PutMode::CreateNew) {
                    Ok(_) => wins.lock().expect("wins").push(body),
                    Err(e) => assert_eq!(e.kind, StorageErrorKind::AlreadyExists, "{e}"),
                }
            });
        }
    });
    wins.into_inner().expect("wins")
}

#[test]
fn concurrent_claims_of_one_name_are_refused_as_already_existing() {
    let Some(ep) = endpoint() else { return };
    let (s, cfg) = fresh(&ep, "race");
    let s = Arc::new(s);
    let other: Arc<dyn Storage> = Arc::new(S3Storage::new(&cfg).expect("second"));
    let mine: Arc<dyn Storage> = s.clone();

    // A taken name: every racer is refused, through the service's conditional write.
    s.put("race/cat.jpg", "image/jpeg", b"first", PutMode::CreateNew)
        .expect("first claim");
    let late = race(&mine, &other, "race/cat.jpg", 7);
    assert!(late.is_empty(), "a taken name was claimed again: {late:?}");
    assert_eq!(s.get("race/cat.jpg").expect("get"), b"first");

    // A free name: the losers are told it exists and what is stored is a winner's. Real S3
    // evaluates `If-None-Match: *` atomically; moto checks and writes in separate steps across
    // its threads, so against it two racers may both win and only "at least one" is asserted.
    let wins = race(&mine, &other, "race/dog.jpg", 8);
    assert!(!wins.is_empty(), "nobody won a free name");
    let stored = String::from_utf8(s.get("race/dog.jpg").expect("get")).expect("text");
    assert!(
        wins.contains(&stored),
        "{stored:?} is not a winner's: {wins:?}"
    );
}

#[test]
fn big_objects_go_up_in_parts() {
    let Some(ep) = endpoint() else { return };
    let (s, _) = fresh(&ep, "big");
    let big: Vec<u8> = (0..12 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    s.put("v/movie.mp4", "video/mp4", &big, PutMode::CreateNew)
        .expect("multipart put");
    let info = s.head("v/movie.mp4").expect("head").expect("present");
    assert_eq!(info.size, big.len() as u64);
    assert_eq!(info.content_type.as_deref(), Some("video/mp4"));
    assert!(s.get("v/movie.mp4").expect("get") == big);
    let e = s
        .put("v/movie.mp4", "video/mp4", &big, PutMode::CreateNew)
        .expect_err("taken");
    assert_eq!(e.kind, StorageErrorKind::AlreadyExists);
}

#[test]
fn public_url_base_goes_into_stored() {
    let Some(ep) = endpoint() else { return };
    let (_, mut cfg) = fresh(&ep, "cdn");
    cfg.public_url = Some("https://cdn.example.com/site/one/".into());
    let s = S3Storage::new(&cfg).expect("backend");
    let stored = s
        .put("images/x.gif", "image/gif", b"GIF89a", PutMode::CreateNew)
        .expect("put");
    assert_eq!(
        stored.public_url.as_deref(),
        Some("https://cdn.example.com/site/one/images/x.gif")
    );
}

#[test]
fn usable_from_inside_an_async_runtime() {
    let Some(ep) = endpoint() else { return };
    let (s, _) = fresh(&ep, "rt");
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    // A handler that forgets spawn_blocking must still get its answer, not a panic.
    let got = rt.block_on(async {
        s.put("k/a.txt", "text/plain", b"x", PutMode::Overwrite)?;
        s.get("k/a.txt")
    });
    assert_eq!(got.expect("get"), b"x");
    drop(rt);
    drop(s);
}

#[test]
fn unreachable_service_is_a_clear_backend_error() {
    // Nothing listens on a port we just released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let mut cfg = config(&format!("http://127.0.0.1:{port}"), "nowhere");
    cfg.retries = 0;
    let s = S3Storage::new(&cfg).expect("config only");
    let e = s
        .put("a/b.jpg", "image/jpeg", b"x", PutMode::CreateNew)
        .expect_err("no service");
    assert_eq!(e.kind, StorageErrorKind::Backend, "{e}");
    assert!(e.message.contains("a/b.jpg"), "{e}");
}

#[test]
fn missing_bucket_setting_is_refused() {
    let e = S3Storage::new(&S3Config::default())
        .err()
        .expect("no bucket");
    assert!(e.message.contains("bucket"), "{e}");
}

/// The reconciler's walk: every object under a prefix across listing pages (1000 keys each),
/// with its date, and nothing outside the prefix.
#[test]
fn list_objects_walks_every_page() {
    let Some(ep) = endpoint() else { return };
    let (s, _) = fresh(&ep, "list");
    let s = Arc::new(s);
    let mut want: Vec<String> = (0..1003)
        .map(|i| format!("images/2026/{i:04}.jpg"))
        .collect();
    std::thread::scope(|scope| {
        for chunk in want.chunks(256) {
            let s = s.clone();
            scope.spawn(move || {
                for k in chunk {
                    s.put(k, "image/jpeg", b"x", PutMode::CreateNew).unwrap();
                }
            });
        }
    });
    s.put("other/a.jpg", "image/jpeg", b"x", PutMode::CreateNew)
        .unwrap();
    let mut got = Vec::new();
    s.list_objects("images/", &mut |o| {
        assert!(o.modified.is_some(), "{} has no date", o.key);
        got.push(o.key);
        Ok(())
    })
    .unwrap();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}
