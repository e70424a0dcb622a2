//! Fault injection against the real `upstage serve` on SQLite + local disk: kill -9 at random
//! points while 8 clients upload at once, many rounds; an immutable WAL; a full disk. After
//! each fault the consistency checker (tests/common/consistency.rs) must find no orphan, no
//! temp leftover, no row without files, no id handed out twice, and every acknowledged upload
//! still served byte for byte. Needs root (chattr, mount).

mod common;
mod fault_support;

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::consistency::{self, stored_files};
use fault_support::{photo, upload, Immutable, Outcome, Removed, Rng, Serve, Tmpfs};
use md5::{Digest, Md5};
use serde_json::Value;

const SEED: u64 = 0x5eed_f417;
const ROUNDS: u64 = 12;
const CLIENTS: u64 = 8;

async fn start(data: &Path, port: u16) -> (Serve, Option<String>) {
    let data = data.to_path_buf();
    tokio::task::spawn_blocking(move || Serve::start(&data, port))
        .await
        .expect("server start")
}

/// Upload `n` photos at once (seeds from `seed`); every outcome, in order.
async fn batch(base: &str, key: &str, seed: u64, n: u64) -> Vec<(Vec<u8>, Outcome)> {
    let client = reqwest::Client::new();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let (client, base, key) = (client.clone(), base.to_owned(), key.to_owned());
        tasks.spawn(async move {
            let bytes = tokio::task::spawn_blocking(move || photo(seed + i))
                .await
                .unwrap();
            let out = upload(
                &client,
                &base,
                &key,
                &format!("p{}.jpg", seed + i),
                bytes.clone(),
            )
            .await;
            (bytes, out)
        });
    }
    tasks.join_all().await
}

/// The `image` of an acknowledged upload, after checking it stored exactly what was sent.
fn acked(sent: &[u8], out: Outcome) -> Option<Value> {
    match out {
        Outcome::Acked(image) => {
            assert_eq!(
                image["md5"],
                hex::encode(Md5::digest(sent)),
                "stored main differs from the upload"
            );
            Some(image)
        }
        _ => None,
    }
}

async fn assert_consistent(data: &Path, server: &Serve, acked: &[Value], when: &str) {
    if let Err(problems) = consistency::check(data, &server.base, acked).await {
        panic!(
            "{when}: {} problems:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_concurrent_uploads_leaves_only_complete_uploads() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let port = fault_support::free_port();
    let (mut server, key) = start(&data, port).await;
    let key = key.expect("admin key at first start");
    let mut rng = Rng(SEED);
    let (mut all, mut lost, mut refused) = (Vec::<Value>::new(), 0, Vec::new());
    let mut removed = Removed::default();
    for round in 0..ROUNDS {
        let client = reqwest::Client::new();
        let done = Arc::new(AtomicU64::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for c in 0..CLIENTS {
            let (client, base, key) = (client.clone(), server.base.clone(), key.clone());
            let done = done.clone();
            tasks.spawn(async move {
                let mut outcomes = Vec::new();
                for i in 0.. {
                    let seed = round * 100_000 + c * 1000 + i;
                    let bytes = tokio::task::spawn_blocking(move || photo(seed))
                        .await
                        .unwrap();
                    let name = format!("r{round}c{c}n{i}.jpg");
                    let out = upload(&client, &base, &key, &name, bytes.clone()).await;
                    let dead = matches!(out, Outcome::Lost(_));
                    outcomes.push((bytes, out));
                    if dead {
                        return outcomes;
                    }
                    done.fetch_add(1, Ordering::SeqCst);
                }
                outcomes
            });
        }
        // The crash point: after a random number of answers, plus a random moment, so kills
        // land in every phase of the uploads in flight whatever the machine's speed.
        let answers = rng.below(CLIENTS * 2);
        let jitter = Duration::from_millis(rng.below(400));
        let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
        while done.load(Ordering::SeqCst) < answers {
            assert!(
                tokio::time::Instant::now() < deadline,
                "round {round}: uploads stalled"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(jitter).await;
        server.kill();
        let before = all.len();
        for (sent, out) in tasks.join_all().await.into_iter().flatten() {
            match out {
                Outcome::Lost(_) => lost += 1,
                Outcome::Refused(status, body) => refused.push(format!("{status} {body}")),
                out => all.extend(acked(&sent, out)),
            }
        }
        (server, _) = start(&data, port).await;
        let r = server.removed_at_start();
        eprintln!(
            "round {round}: {} acked, reconciled {r:?}",
            all.len() - before
        );
        removed.claims += r.claims;
        removed.claimed_files += r.claimed_files;
        removed.temp_files += r.temp_files;
        removed.orphans += r.orphans;
        assert_eq!(
            r.orphans, 0,
            "round {round}: a crash left a file no claim covered"
        );
        assert_consistent(&data, &server, &all, &format!("after kill {round}")).await;
    }
    assert!(
        refused.is_empty(),
        "uploads refused while the server was up: {refused:?}"
    );
    let ids: HashSet<&str> = all
        .iter()
        .filter_map(|i| i["id_encoded"].as_str())
        .collect();
    assert_eq!(ids.len(), all.len(), "an id was acknowledged twice");
    assert!(
        all.len() as u64 >= ROUNDS,
        "too few uploads got through to prove anything"
    );
    eprintln!(
        "{ROUNDS} rounds: {} acknowledged, {lost} cut off by the kill; reconciled at restarts: \
         {} claims, {} claimed files, {} temp files, {} orphans",
        all.len(),
        removed.claims,
        removed.claimed_files,
        removed.temp_files,
        removed.orphans
    );
}

/// Uploads during a fault: none acknowledged, each refused with `503` and the message of the
/// fault (`says`), nothing new visible in storage.
async fn refused_cleanly(data: &Path, server: &Serve, key: &str, seed: u64, says: &str) {
    let before = stored_files(data);
    for (_, out) in batch(&server.base, key, seed, CLIENTS).await {
        match out {
            Outcome::Refused(status, body) => {
                assert!(
                    status == 503 && body.contains(says) && body.contains("try again"),
                    "unclear error: {status} {body}\n{}",
                    server.log.lock().unwrap().join("\n")
                );
            }
            other => panic!("an upload during the fault ended as {other:?}"),
        }
    }
    assert_eq!(
        stored_files(data),
        before,
        "a refused upload left files behind"
    );
}

/// After the fault: uploads work again, with ids never seen before.
async fn recovered(server: &Serve, key: &str, seed: u64, all: &mut Vec<Value>) {
    let seen: HashSet<Value> = all.iter().map(|i| i["id_encoded"].clone()).collect();
    for (sent, out) in batch(&server.base, key, seed, CLIENTS).await {
        let image = acked(&sent, out).expect("an upload after the fault cleared was refused");
        assert!(
            !seen.contains(&image["id_encoded"]),
            "id reused: {}",
            image["id_encoded"]
        );
        all.push(image);
    }
}

async fn acked_batch(server: &Serve, key: &str, seed: u64, n: u64) -> Vec<Value> {
    batch(&server.base, key, seed, n)
        .await
        .into_iter()
        .map(|(sent, out)| acked(&sent, out).expect("upload before the fault"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unwritable_wal_refuses_uploads_and_recovers_with_fresh_ids() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let port = fault_support::free_port();
    let (mut server, key) = start(&data, port).await;
    let key = key.expect("admin key");
    let mut all = acked_batch(&server, &key, 1, 4).await;
    let wal = data.join("upstage.db-wal");
    assert!(wal.is_file(), "no WAL next to the database");
    {
        let _fault = Immutable::set(&wal);
        refused_cleanly(&data, &server, &key, 100, "Database unavailable").await;
    }
    recovered(&server, &key, 200, &mut all).await;
    assert_consistent(&data, &server, &all, "after the WAL fault").await;
    server.kill();
    (server, _) = start(&data, port).await;
    assert_consistent(&data, &server, &all, "after a restart").await;
}

/// A full disk under the whole library (the upload cannot even be received), and under
/// `images/` only (received and processed, refused when its files are written).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_disk_refuses_uploads_and_recovers_with_fresh_ids() {
    let cases = [
        ("disk", "disk/data", "Server storage unavailable"),
        ("data/images", "data", "\"Storage unavailable"),
    ];
    for (mount, data, says) in cases {
        let root = tempfile::tempdir().unwrap();
        let disk = Tmpfs::mount(&root.path().join(mount), "48m");
        let data = root.path().join(data);
        let port = fault_support::free_port();
        let (mut server, key) = start(&data, port).await;
        let key = key.expect("admin key");
        let mut all = acked_batch(&server, &key, 1, 4).await;
        let filler = root.path().join(mount).join("filler");
        disk.fill(&filler);
        refused_cleanly(&data, &server, &key, 100, says).await;
        std::fs::remove_file(&filler).unwrap();
        recovered(&server, &key, 200, &mut all).await;
        // Claims the full disk kept from being released are the reconciler's, at the next start.
        server.kill();
        (server, _) = start(&data, port).await;
        assert_consistent(&data, &server, &all, &format!("after a full {mount}")).await;
        drop(server);
        drop(disk);
    }
}
