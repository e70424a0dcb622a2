//! `upstage serve` as the origin behind a CDN, on local disk and on S3 (moto): any path under
//! `/images/` that cannot name a stored file is 404 (never a 5xx, never an ERROR in the log),
//! and a 200 MB video in the bucket streams to a slow client while the server's memory stays
//! flat.

mod serve_support;

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serve_support::*;
use sha2::{Digest, Sha256};
use upstage_storage::{PutMode, Storage};
use upstage_storage_s3::testing::create_bucket;
use upstage_storage_s3::{S3Config, S3Storage, Secret};

const FILE: &str = "images/2026/11/29/harbour.jpg";

/// A fresh bucket, the backend on it, and the `upstage.toml` that serves from it.
fn bucket(tag: &str) -> (Arc<S3Storage>, String) {
    let endpoint = upstage_testenv::s3_endpoint().expect("S3 for the file route");
    let bucket = format!("origin-{tag}-{}", std::process::id());
    create_bucket(&endpoint, &bucket).expect("bucket");
    let cfg = S3Config {
        endpoint: Some(endpoint.clone()),
        region: Some("us-east-1".into()),
        bucket: bucket.clone(),
        prefix: "site".into(),
        access_key_id: Some("test".into()),
        secret_access_key: Some(Secret("test".into())),
        retries: 0,
        ..S3Config::default()
    };
    let toml = format!(
        "[storage]\nbackend = \"s3\"\n[storage.s3]\nendpoint = \"{endpoint}\"\n\
         region = \"us-east-1\"\nbucket = \"{bucket}\"\nprefix = \"site\"\n\
         access_key_id = \"test\"\nsecret_access_key = \"test\"\nretries = 0\n"
    );
    (Arc::new(S3Storage::new(&cfg).expect("S3 backend")), toml)
}

fn odd_paths() -> Vec<String> {
    let file = format!("/{FILE}");
    let mut paths: Vec<String> = [
        "/images/",
        "/images",
        "/images/2026/",
        "/images/2026",
        "/images/2026/11/29/",
        "/images/2026/11/29",
        "/images//harbour.jpg",
        "/images/2026//11/29/harbour.jpg",
        "/images/2026/11/29//harbour.jpg",
        "/images/%00",
        "/images/2026/11/29/harbour%00.jpg",
        "/images/2026/11/29/harbour.jpg%00",
        "/images/a%5cb.jpg",
        "/images/..%5c..%5cupstage.toml",
        "/images/../upstage.toml",
        "/images/2026/../../upstage.toml",
        "/images/%2e%2e/upstage.toml",
        "/images/.%2e/.%2e/upstage.toml",
        "/images/.upstage-tmp-1",
        "/images/%ff%fe.jpg",
        "/images/2026/%c3%28.jpg",
        "/images/%e2%82.jpg",
        "/images/%0a.jpg",
        "/images/2026/11/29/harbour.jpg%2f",
        "/images/2026%2f11%2f29%2f",
    ]
    .map(String::from)
    .to_vec();
    paths.push(format!("{file}/"));
    paths.push(format!("{file}/x.jpg"));
    paths.push(format!("/images/{}.jpg", "a".repeat(300)));
    paths.push(format!("/images/{}.jpg", "%c3%a9".repeat(200)));
    paths.push(format!("/images/{}x.jpg", "abc/".repeat(300)));
    paths
}

#[test]
fn odd_paths_are_404_on_disk_and_on_s3() {
    let (s3, s3_toml) = bucket("paths");
    s3.put(FILE, "image/jpeg", b"\xff\xd8 jpeg", PutMode::CreateNew)
        .expect("put");
    for (backend, config) in [("local", String::new()), ("s3", s3_toml)] {
        let dir = tempfile::tempdir().unwrap();
        if backend == "local" {
            let path = dir.path().join("data").join(FILE);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, b"\xff\xd8 jpeg").unwrap();
        }
        let server = start(dir.path(), &config);
        let ok = get(server.addr, &format!("/{FILE}")).expect("the stored file");
        assert_eq!(ok.status, 200, "{backend}: {ok:?}");
        for path in odd_paths() {
            let r = get(server.addr, &path).expect("an answer");
            let shown: String = path.chars().take(80).collect();
            assert_eq!(r.status, 404, "{backend} {shown}: {r:?}");
        }
        let log = server.log();
        assert!(!log.contains("ERROR"), "{backend}: {log}");
    }
}

/// Resident memory of a process, in bytes.
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

#[test]
fn a_200_mb_video_streams_from_s3_in_flat_memory() {
    const SIZE: usize = 200 * 1024 * 1024;
    let (s3, config) = bucket("video");
    let key = "images/2026/11/29/long-take.mp4";
    let want = {
        let mut video = vec![0u8; SIZE];
        let mut x = 0x2545_f491_u32;
        for b in video.iter_mut() {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *b = x as u8;
        }
        s3.put(key, "video/mp4", &video, PutMode::CreateNew)
            .expect("put the video");
        Sha256::digest(&video)
    };
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), &config);
    // Warm up the S3 client and the response path with a small range first.
    let mut s = connect(server.addr);
    let ask =
        format!("GET /{key} HTTP/1.1\r\nHost: t\r\nRange: bytes=0-99\r\nConnection: close\r\n\r\n");
    s.write_all(ask.as_bytes()).unwrap();
    assert_eq!(read_reply(&mut s).expect("a range").status, 206);
    std::thread::sleep(Duration::from_millis(300));
    let before = rss(server.pid());

    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (peak, done, pid) = (peak.clone(), done.clone(), server.pid());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let started = Instant::now();
    let mut s = connect(server.addr);
    let ask = format!("GET /{key} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    s.write_all(ask.as_bytes()).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).expect("the head");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains(&format!("content-length: {SIZE}")), "{head}");
    // A slow-ish client: 64 KiB at a time with a pause, so the server must hold back.
    let mut hash = Sha256::new();
    let mut got = 0usize;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = s.read(&mut buf).expect("the body");
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
        got += n;
        std::thread::sleep(Duration::from_micros(1500));
    }
    done.store(true, Ordering::Relaxed);
    watcher.join().unwrap();
    let growth = peak.load(Ordering::Relaxed).saturating_sub(before);
    eprintln!(
        "200 MB from S3 in {:.1} s; server RSS {} MB before, peak growth {:.1} MB",
        started.elapsed().as_secs_f64(),
        before >> 20,
        growth as f64 / 1048576.0
    );
    assert_eq!(got, SIZE);
    assert!(hash.finalize() == want, "the bytes arrived intact");
    assert!(
        growth < 64 << 20,
        "RSS grew by {growth} bytes while streaming"
    );
    assert!(!server.log().contains("ERROR"), "{}", server.log());
}
