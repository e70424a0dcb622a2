//! Writes are acknowledged only once committed: on a real SQLite file whose WAL is made
//! immutable (`chattr +i`, as when the WAL cannot grow), every write a client would see fails
//! with an error instead of returning an id, and once the fault clears ids continue without
//! reuse. Needs root (chattr) on a filesystem with inode flags (ext4, xfs, btrfs, tmpfs).

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use upstage_server::db::{take_stale_claims, Db, DbError, ImageRow};

fn chattr(flag: &str, file: &Path) {
    let out = Command::new("chattr")
        .arg(flag)
        .arg(file)
        .output()
        .expect("running chattr (e2fsprogs)");
    assert!(
        out.status.success(),
        "chattr {flag} {} failed (run as root on ext4/xfs/tmpfs): {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Clears the flag even when an assertion fails, so the temp dir can be removed.
struct Immutable<'a>(&'a Path);

impl<'a> Immutable<'a> {
    fn set(file: &'a Path) -> Self {
        chattr("+i", file);
        Immutable(file)
    }
}

impl Drop for Immutable<'_> {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(self.0).status();
    }
}

fn row(name: &str) -> ImageRow {
    ImageRow {
        id: 0,
        name: name.into(),
        extension: "jpg".into(),
        folder: "images/2026/01/02/".into(),
        size: 3,
        width: 1,
        height: 1,
        date: "2026-01-02 03:04:05".into(),
        date_gmt: "2026-01-02 03:04:05".into(),
        title: None,
        description: None,
        nsfw: 0,
        storage_mode: "datefolder".into(),
        md5: "00".into(),
        source_md5: None,
        original_filename: format!("{name}.jpg"),
        original_exifdata: None,
        views: 0,
        likes: 0,
        category_id: None,
        chain: 5,
        thumb_size: 1,
        medium_size: 0,
        medium_width: 0,
        medium_height: 0,
        frame_size: 0,
        expiration_date_gmt: None,
        is_animated: 0,
        is_approved: 1,
        is_360: 0,
        duration: 0,
        kind: "image".into(),
        user_id: None,
        album_id: None,
        uploader_ip: "127.0.0.1".into(),
        delete_hash: "x".into(),
    }
}

async fn open(dir: &Path) -> Db {
    Db::connect(&upstage_server::db::default_url(dir), None)
        .await
        .unwrap()
}

fn keys(name: &str) -> Vec<String> {
    ["jpg", "th.jpg"]
        .map(|e| format!("images/2026/01/02/{name}.{e}"))
        .to_vec()
}

#[tokio::test]
async fn a_failed_commit_is_an_error_and_ids_are_never_handed_out_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path()).await;
    let mut ids = HashSet::new();
    for i in 0..3 {
        assert!(ids.insert(db.insert_image(&row(&format!("ok{i}"))).await.unwrap()));
    }
    let wal = dir.path().join("upstage.db-wal");
    assert!(wal.is_file(), "SQLite is not in WAL mode");
    {
        let _fault = Immutable::set(&wal);
        for attempt in 0..3 {
            let name = format!("lost{attempt}");
            let r = db.insert_image(&row(&name)).await;
            assert!(
                r.is_err(),
                "insert acknowledged id {r:?} it could not commit"
            );
            assert!(db.claim_keys(&name, &keys(&name)).await.is_err());
            let r = db
                .record_image(&row(&name), &["tag".into()], &name, 0)
                .await;
            assert!(r.is_err(), "upload recorded as {r:?} without a commit");
            assert!(db.create_user(&name, false).await.is_err());
            let user = db.first_admin().await.unwrap();
            assert!(user.is_none());
            assert!(db.create_category(&name, &name).await.is_err());
        }
    }
    for i in 0..3 {
        let name = format!("after{i}");
        let id = db.insert_image(&row(&name)).await.unwrap();
        assert!(ids.insert(id), "id {id} handed out twice");
        assert_eq!(db.image(id).await.unwrap().unwrap().name, name);
    }
    let all = db.images_after(0, 100).await.unwrap();
    let names: Vec<&str> = all.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["ok0", "ok1", "ok2", "after0", "after1", "after2"]);
    assert!(db.pending_claims().await.unwrap().is_empty());
    db.close().await;
    assert!(
        std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
        "the WAL was not checkpointed at close"
    );
    let reopened = open(dir.path()).await;
    assert_eq!(reopened.images_after(0, 100).await.unwrap().len(), 6);
    reopened.close().await;
}

#[tokio::test]
async fn claims_are_exclusive_and_an_upload_whose_claims_were_taken_is_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path()).await;
    assert!(db.claim_keys("a", &keys("cat")).await.unwrap());
    // One key overlapping is enough to refuse the whole claim, and none of it stays.
    let overlap = vec![keys("dog")[0].clone(), keys("cat")[1].clone()];
    assert!(!db.claim_keys("b", &overlap).await.unwrap());
    assert_eq!(db.claims_of("b").await.unwrap(), 0);
    assert_eq!(db.claims_of("a").await.unwrap(), 2);

    // The reconciler takes the claims of "a" (as after the grace period) …
    let mut tx = db.pool.begin().await.unwrap();
    let taken = take_stale_claims(&mut tx, db.kind, "9999-12-31 23:59:59", 10)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(taken.len(), 2);
    // … so "a", still alive, must fail rather than record files that are being removed.
    let err = db.record_image(&row("cat"), &[], "a", 2).await.unwrap_err();
    assert!(matches!(err, DbError::ClaimsLost(_)), "{err}");
    assert!(db.images_after(0, 10).await.unwrap().is_empty());

    // The normal path: claims held, row recorded, claims gone in the same commit.
    assert!(db.claim_keys("c", &keys("owl")).await.unwrap());
    let id = db
        .record_image(&row("owl"), &["bird".into()], "c", 2)
        .await
        .unwrap();
    assert_eq!(db.claims_of("c").await.unwrap(), 0);
    assert_eq!(db.image_tags(id).await.unwrap(), ["bird"]);
    db.close().await;
}
