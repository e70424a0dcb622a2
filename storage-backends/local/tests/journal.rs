//! Journaled stores on real local disk: every key is claimed before anything is written under
//! it, claims of attempts that left nothing are released, and a claim whose files could not be
//! removed stays for the reconciler. Also the listing and temp sweep the reconciler relies on.

mod common;

use std::path::Path;
use std::time::{Duration, SystemTime};

use common::{day, disk_full, item_with, Hooked};
use upstage_sdk::{ItemContext, OutputKind};
use upstage_storage::{
    store_item_journaled, KeyJournal, PutMode, Storage, StorageError, StorageErrorKind,
};
use upstage_storage_local::{LocalStorage, TEMP_PREFIX};

/// An original and a thumbnail: two files.
fn item(name: &str) -> ItemContext {
    item_with(name, &[OutputKind::Thumb])
}

/// Records every call, with which claimed keys already had a file at claim time.
struct Recorder<'a> {
    root: &'a Path,
    /// Answers for successive claims (`true` once they run out).
    grant: Vec<bool>,
    fail_claims: bool,
    claims: Vec<(Vec<String>, Vec<bool>)>,
    releases: Vec<Vec<String>>,
}

impl<'a> Recorder<'a> {
    fn new(root: &'a Path) -> Self {
        Recorder {
            root,
            grant: Vec::new(),
            fail_claims: false,
            claims: Vec::new(),
            releases: Vec::new(),
        }
    }
}

impl KeyJournal for Recorder<'_> {
    fn claim(&mut self, keys: &[String]) -> Result<bool, StorageError> {
        if self.fail_claims {
            return Err(StorageError::new(
                StorageErrorKind::Journal,
                "database is full",
            ));
        }
        let existed = keys.iter().map(|k| self.root.join(k).exists()).collect();
        self.claims.push((keys.to_vec(), existed));
        Ok(if self.grant.is_empty() {
            true
        } else {
            self.grant.remove(0)
        })
    }

    fn release(&mut self, keys: &[String]) -> Result<(), StorageError> {
        self.releases.push(keys.to_vec());
        Ok(())
    }
}

fn keys_of(stored: &upstage_storage::StoredItem) -> Vec<String> {
    stored.files.iter().map(|f| f.key.clone()).collect()
}

#[test]
fn keys_are_claimed_before_they_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path()).unwrap();
    let mut j = Recorder::new(dir.path());
    let stored = store_item_journaled(&s, &item("cat.jpg"), &day(), &mut j).unwrap();
    assert_eq!(j.claims.len(), 1);
    assert_eq!(j.claims[0].0, keys_of(&stored));
    assert_eq!(
        j.claims[0].1,
        [false, false],
        "a key was written before its claim"
    );
    assert!(j.releases.is_empty());
}

#[test]
fn a_taken_name_releases_its_claim_and_the_next_name_is_claimed() {
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path()).unwrap();
    store_item_journaled(&s, &item("cat.jpg"), &day(), &mut Recorder::new(dir.path())).unwrap();
    let mut j = Recorder::new(dir.path());
    let second = store_item_journaled(&s, &item("cat.jpg"), &day(), &mut j).unwrap();
    assert_eq!(j.claims.len(), 2);
    assert_eq!(j.releases, [j.claims[0].0.clone()]);
    assert_eq!(j.claims[1].0, keys_of(&second));
    assert_ne!(second.name, "cat");
}

#[test]
fn a_key_claimed_elsewhere_is_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path()).unwrap();
    let mut j = Recorder::new(dir.path());
    j.grant = vec![false];
    let stored = store_item_journaled(&s, &item("dog.jpg"), &day(), &mut j).unwrap();
    assert_ne!(stored.name, "dog");
    for key in &j.claims[0].0 {
        assert!(
            !dir.path().join(key).exists(),
            "{key} written without a claim"
        );
    }
    assert!(
        j.releases.is_empty(),
        "nothing to release for a refused claim"
    );
}

#[test]
fn a_failed_claim_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path()).unwrap();
    let mut j = Recorder::new(dir.path());
    j.fail_claims = true;
    let err = store_item_journaled(&s, &item("dog.jpg"), &day(), &mut j).unwrap_err();
    assert_eq!(err.kind, StorageErrorKind::Journal);
    assert!(!dir.path().join("images").exists());
}

#[test]
fn a_claim_is_released_only_when_its_files_are_gone() {
    for stuck in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        // The thumbnail's put fails; when stuck, so does every delete.
        let mut s = Hooked::new(dir.path(), |key: &str| match key.contains(".th.") {
            true => Err(disk_full()),
            false => Ok(()),
        });
        s.deletes_fail = stuck;
        let mut j = Recorder::new(dir.path());
        let err = store_item_journaled(&s, &item("owl.jpg"), &day(), &mut j).unwrap_err();
        assert_eq!(err.kind, StorageErrorKind::Io);
        let main = &j.claims[0].0[0];
        assert_eq!(dir.path().join(main).exists(), stuck, "stuck={stuck}");
        // A stuck file keeps its claim, so the reconciler can still find it.
        assert_eq!(j.releases.is_empty(), stuck, "stuck={stuck}");
    }
}

#[test]
fn listing_skips_temp_files_and_the_sweep_removes_only_old_ones() {
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path()).unwrap();
    s.put("images/2024/a.jpg", "image/jpeg", b"a", PutMode::CreateNew)
        .unwrap();
    s.put("images/b.th.png", "image/png", b"b", PutMode::CreateNew)
        .unwrap();
    let temp = format!("images/2024/{TEMP_PREFIX}abc");
    std::fs::write(dir.path().join(&temp), b"half").unwrap();
    let mut listed = Vec::new();
    s.list_objects("images/", &mut |o| {
        assert!(o.modified.is_some(), "{}", o.key);
        listed.push(o.key);
        Ok(())
    })
    .unwrap();
    listed.sort();
    assert_eq!(listed, ["images/2024/a.jpg", "images/b.th.png"]);
    let long_ago = SystemTime::now() - Duration::from_secs(3600);
    assert!(
        s.remove_stale_temp(long_ago).unwrap().is_empty(),
        "a fresh temp file was removed"
    );
    let later = SystemTime::now() + Duration::from_secs(60);
    assert_eq!(
        s.remove_stale_temp(later).unwrap(),
        std::slice::from_ref(&temp)
    );
    assert!(!dir.path().join(&temp).exists());
    assert!(dir.path().join("images/2024/a.jpg").exists());
}
