//! Fault injection against the real `upstage serve` on SQLite + local disk: kill -9 at random
//! points while 8 clients upload at once, many rounds, and a clean stop. After each the
//! consistency checker (tests/common/consistency.rs) must find no orphan, no temp leftover, no
//! row without files, no id handed out twice, and every acknowledged upload still served byte
//! for byte. Storage faults (WAL, full disk) are in faults_storage.rs.

mod common;
mod fault_support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use fault_support::rounds::{acked, acked_batch, assert_consistent, start};
use fault_support::{photo, upload, Outcome, Removed, Rng};
use serde_json::Value;

const SEED: u64 = 0x5eed_f417;
const ROUNDS: u64 = 12;
const CLIENTS: u64 = 8;

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

/// A clean stop checkpoints the database: nothing is left only in the WAL.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_clean_stop_leaves_everything_in_the_database_file() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let port = fault_support::free_port();
    let (mut server, key) = start(&data, port).await;
    let all = acked_batch(&server, &key.expect("admin key"), 1, 4).await;
    let status = tokio::task::spawn_blocking(move || {
        let status = server.interrupt();
        drop(server);
        status
    })
    .await
    .unwrap();
    assert!(status.success(), "{status}");
    let wal = std::fs::metadata(data.join("upstage.db-wal")).map_or(0, |m| m.len());
    assert_eq!(wal, 0, "rows left in the WAL after a clean stop");
    let (server, _) = start(&data, port).await;
    assert_consistent(&data, &server, &all, "after a clean stop").await;
}
