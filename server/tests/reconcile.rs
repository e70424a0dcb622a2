//! The reconciler on both stacks — SQLite + local disk, and PostgreSQL + S3 (moto; needs
//! DATABASE_URL_PG and S3_MOTO_ENDPOINT, see scripts/test) — removes exactly the planted
//! leftovers: files of stale claims, orphans no row owns, temp files of interrupted writes; and
//! keeps committed files, files of fresh claims, and names no upload writes.

mod common;

use std::time::Duration;

use common::stack::{self, PgS3};
use common::TestServer;
use upstage_server::reconcile::{self, Report};
use upstage_storage::PutMode;

const DAY: &str = "images/2020/01/01/";

fn put(s: &TestServer, key: &str) {
    s.state
        .storage
        .put(key, "image/jpeg", b"leftover", PutMode::CreateNew)
        .unwrap();
}

/// The committed upload every case must leave alone, as its stored keys.
async fn committed(s: &TestServer) -> Vec<String> {
    let part = common::file_part(common::jpeg(900, 600), "keeper.jpg", "image/jpeg");
    let body: serde_json::Value = common::post_file(&s.endpoint(), &s.admin_key, part, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["status_code"], 200, "{body}");
    let keys = s.stored_keys();
    assert_eq!(keys.len(), 3, "{keys:?}");
    keys
}

/// Plant every kind of leftover next to a committed upload; returns the keys that must stay.
async fn plant(s: &TestServer) -> Vec<String> {
    let mut keep = committed(s).await;
    let main = keep
        .iter()
        .find(|k| k.ends_with("keeper.jpg"))
        .unwrap()
        .clone();
    let db = &s.state.db;
    // Orphans: no row, no claim.
    put(s, &format!("{DAY}ghost.jpg"));
    put(s, &format!("{DAY}ghost.th.jpg"));
    // A stale claim whose file was written, and one whose file never was.
    put(s, &format!("{DAY}half.jpg"));
    let dead = [format!("{DAY}half.jpg"), format!("{DAY}never.jpg")];
    for (i, k) in dead.iter().enumerate() {
        assert!(db
            .claim_keys(&format!("dead{i}"), std::slice::from_ref(k))
            .await
            .unwrap());
    }
    // And one on the committed upload's key, whose create-only write had failed before the
    // crash. `claim_keys` refuses a live image's name, but such a claim can still exist (left by
    // an older server, or a claim racing the row's commit on PostgreSQL), so it goes in directly.
    assert!(!db
        .claim_keys("dead2", std::slice::from_ref(&main))
        .await
        .unwrap());
    sqlx::query(
        "INSERT INTO pending_uploads (storage_key, upload, created_gmt) VALUES ($1, $2, $3)",
    )
    .bind(&main)
    .bind("dead2")
    .bind(upstage_library::db::now_gmt())
    .execute(&db.pool)
    .await
    .unwrap();
    // Kept: a derived file of the committed name in another format, and a name no upload writes.
    let stem = main.trim_end_matches(".jpg");
    for k in [format!("{stem}.th.webp"), "images/README".to_owned()] {
        put(s, &k);
        keep.push(k);
    }
    keep.sort();
    keep
}

fn expected(local: bool) -> Report {
    Report {
        claims: 3,
        claimed_files: vec![format!("{DAY}half.jpg")],
        temp_files: if local {
            vec![format!("{DAY}.upstage-tmp-crashed")]
        } else {
            vec![]
        },
        orphans: vec![format!("{DAY}ghost.jpg"), format!("{DAY}ghost.th.jpg")],
        orphan_walk_skipped: false,
    }
}

fn sorted(mut r: Report) -> Report {
    r.orphans.sort();
    r.claimed_files.sort();
    r
}

/// Servers whose own passes never reach the planted leftovers (an hour of grace).
fn patient(cfg: &mut upstage_server::ServerConfig) {
    cfg.reconcile_grace_seconds = 3600;
}

async fn check(s: &TestServer, local: bool) {
    let keep = plant(s).await;
    if local {
        std::fs::write(s.dir.path().join(DAY).join(".upstage-tmp-crashed"), b"half").unwrap();
    }
    // Within the grace period everything is somebody's upload in flight.
    let fresh = reconcile::run(&s.state, true, Duration::from_secs(3600))
        .await
        .unwrap();
    assert_eq!(fresh, Report::default());
    // Past it, exactly the leftovers go.
    let report = reconcile::run(&s.state, true, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(sorted(report), expected(local));
    assert_eq!(s.stored_keys(), keep);
    assert!(s.state.db.pending_claims().await.unwrap().is_empty());
    // Nothing is left for a second pass.
    let again = reconcile::run(&s.state, true, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(again, Report::default());
}

#[tokio::test]
async fn sqlite_and_local_disk_lose_exactly_the_leftovers() {
    let s = common::start_with_backend(None, patient).await;
    check(&s, true).await;
}

const SERVICES: &str = "PostgreSQL + S3 tests need DATABASE_URL_PG and S3_MOTO_ENDPOINT: run \
     `eval \"$(scripts/pg start)\"; eval \"$(scripts/moto start)\"` (or scripts/test)";

async fn shared() -> PgS3 {
    stack::pg_s3().await.expect(SERVICES)
}

#[tokio::test]
async fn postgres_and_s3_lose_exactly_the_leftovers() {
    let site = shared().await;
    let s = common::start_with_backend(Some(&site), patient).await;
    check(&s, false).await;
}

/// Two instances reconciling one site at once split the stale claims (SKIP LOCKED) and
/// together remove each leftover once.
#[tokio::test]
async fn two_instances_share_the_work() {
    let site = shared().await;
    let a = common::start_with_backend(Some(&site), patient).await;
    let b = common::start_with_backend(Some(&site), patient).await;
    let mut doomed = Vec::new();
    for i in 0..250 {
        let k = format!("{DAY}crashed{i:03}.jpg");
        put(&a, &k);
        assert!(a
            .state
            .db
            .claim_keys(&format!("u{i}"), std::slice::from_ref(&k))
            .await
            .unwrap());
        doomed.push(k);
    }
    let (ra, rb) = tokio::join!(
        reconcile::run(&a.state, false, Duration::ZERO),
        reconcile::run(&b.state, false, Duration::ZERO)
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.claims + rb.claims, 250);
    let mut removed = [ra.claimed_files, rb.claimed_files].concat();
    removed.sort();
    assert_eq!(removed, doomed);
    assert!(a.stored_keys().is_empty(), "{:?}", a.stored_keys());
}

/// Local disk seen through a backend that cannot list (as plugin backends): the trait's
/// default `list_objects`.
struct NoListing(upstage_storage_local::LocalStorage);

impl upstage_storage::Storage for NoListing {
    fn name(&self) -> &str {
        "no-listing"
    }
    fn put(
        &self,
        key: &str,
        ct: &str,
        bytes: &[u8],
        mode: PutMode,
    ) -> Result<upstage_storage::Stored, upstage_storage::StorageError> {
        self.0.put(key, ct, bytes, mode)
    }
    fn get(&self, key: &str) -> Result<Vec<u8>, upstage_storage::StorageError> {
        self.0.get(key)
    }
    fn delete(&self, key: &str) -> Result<(), upstage_storage::StorageError> {
        self.0.delete(key)
    }
    fn exists(&self, key: &str) -> Result<bool, upstage_storage::StorageError> {
        self.0.exists(key)
    }
}

/// Without a listing the orphan walk is skipped (and says so); stale claims are still handled.
#[tokio::test]
async fn a_backend_that_cannot_list_skips_only_the_orphan_walk() {
    let files = tempfile::tempdir().unwrap();
    let local = upstage_storage_local::LocalStorage::new(files.path()).unwrap();
    let pipeline = common::pipeline(upstage_core::Limits::default());
    let s = common::start_with_parts(pipeline, std::sync::Arc::new(NoListing(local))).await;
    put(&s, &format!("{DAY}ghost.jpg"));
    put(&s, &format!("{DAY}half.jpg"));
    let half = vec![format!("{DAY}half.jpg")];
    assert!(s.state.db.claim_keys("dead", &half).await.unwrap());
    let report = reconcile::run(&s.state, true, Duration::ZERO)
        .await
        .unwrap();
    let want = Report {
        claims: 1,
        claimed_files: half,
        orphan_walk_skipped: true,
        ..Report::default()
    };
    assert_eq!(report, want);
    assert!(files.path().join(DAY).join("ghost.jpg").is_file());
}
