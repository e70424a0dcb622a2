//! Storage faults against the real `upstage serve` on SQLite + local disk: a WAL that cannot be
//! written (`chattr +i`) and a full disk (a small tmpfs), under the whole library and under
//! `images/` only. Uploads during the fault get a clear `503`/`507` and leave nothing visible; after
//! it clears they work again with ids never handed out before, and the consistency checker
//! finds the library whole. Needs root (chattr, mount).

mod common;
mod fault_support;

use std::collections::HashSet;
use std::path::Path;

use common::consistency::stored_files;
use fault_support::rounds::{acked, acked_batch, assert_consistent, batch, start};
use fault_support::{Immutable, Outcome, Serve, Tmpfs};
use serde_json::Value;

/// Uploads at once during and after a fault.
const CLIENTS: u64 = 8;

/// Uploads during a fault: none acknowledged, each refused with `status` and the message of the
/// fault (`says`), nothing new visible in storage.
async fn refused_cleanly(
    data: &Path,
    server: &Serve,
    key: &str,
    seed: u64,
    (status_wanted, says): (u16, &str),
) {
    let before = stored_files(data);
    for (_, out) in batch(&server.base, key, seed, CLIENTS).await {
        match out {
            Outcome::Refused(status, body) => {
                assert!(
                    status == status_wanted && body.contains(says),
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
        refused_cleanly(&data, &server, &key, 100, (503, "Database unavailable")).await;
    }
    recovered(&server, &key, 200, &mut all).await;
    assert_consistent(&data, &server, &all, "after the WAL fault").await;
    server.kill();
    (server, _) = start(&data, port).await;
    assert_consistent(&data, &server, &all, "after a restart").await;
}

/// A full disk under the whole library (the body waits in memory; the upload is refused when its
/// file claims are committed) and under `images/` only (refused when its files are written).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_disk_refuses_uploads_and_recovers_with_fresh_ids() {
    let cases = [
        ("disk", "disk/data", (507, "\"Insufficient storage")),
        ("data/images", "data", (507, "\"Insufficient storage")),
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
