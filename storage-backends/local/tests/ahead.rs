//! A file written ahead of its name: stored by a link when it holds the bytes to store, never
//! in place of other bytes, and never left behind (dropped, failed, or crashed and swept).

mod common;

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

use common::{all_files, day, disk_full, item, Hooked};
use upstage_storage::{store_item_ahead, Ahead, NoJournal, Storage, StorageErrorKind};
use upstage_storage_local::{LocalStorage, TEMP_PREFIX};

/// The folder `day()` files items in, where they are staged.
const DAY: &str = "images/2024/02/29/";

/// The temp files anywhere under `root` and their inodes.
fn staged_inodes(root: &Path) -> Vec<u64> {
    all_files(root)
        .into_iter()
        .filter(|f| f.rsplit('/').next().unwrap().starts_with(TEMP_PREFIX))
        .map(|f| ino(root, &f))
        .collect()
}

fn ino(root: &Path, key: &str) -> u64 {
    std::fs::metadata(root.join(key)).unwrap().ino()
}

fn staged(s: &LocalStorage, bytes: &[u8]) -> Ahead {
    Ahead::new(bytes.to_vec(), s.stage(bytes, DAY).expect("staged"))
}

#[test]
fn the_original_is_stored_by_linking_the_file_written_ahead() {
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path()).unwrap();
    let ahead = staged(&s, b"main");
    let [written] = staged_inodes(dir.path())[..] else {
        panic!("one staged file")
    };
    let stored = store_item_ahead(&s, &item("owl.jpg"), &day(), &mut NoJournal, Some(&ahead))
        .expect("stored");
    let main = &stored.files[0].key;
    assert_eq!(ino(dir.path(), main), written, "linked, not written again");
    assert_eq!(s.get(main).unwrap(), b"main");
    drop(ahead);
    assert_eq!(staged_inodes(dir.path()), Vec::<u64>::new());
    assert_eq!(
        all_files(dir.path()).len(),
        3,
        "{:?}",
        all_files(dir.path())
    );
}

#[test]
fn a_file_staged_in_the_folder_of_another_day_is_linked_all_the_same() {
    // Filed by its date taken, not the upload day it was staged for: same filesystem.
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path()).unwrap();
    let ahead = Ahead::new(
        b"main".to_vec(),
        s.stage(b"main", "images/2031/01/01/").unwrap(),
    );
    let written = staged_inodes(dir.path());
    assert!(all_files(dir.path())[0].starts_with("images/2031/01/01/.upstage-tmp-"));
    let stored = store_item_ahead(&s, &item("owl.jpg"), &day(), &mut NoJournal, Some(&ahead))
        .expect("stored");
    assert!(stored.files[0].key.starts_with(DAY));
    assert_eq!(written, [ino(dir.path(), &stored.files[0].key)]);
}

#[test]
fn a_folder_outside_the_root_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path().join("root")).unwrap();
    for folder in ["../", "images/../../", "/etc/"] {
        let err = s.stage(b"main", folder).err().expect(folder);
        assert_eq!(err.kind, StorageErrorKind::InvalidKey, "{folder}");
    }
    assert_eq!(all_files(dir.path()), Vec::<String>::new());
}

#[test]
fn a_file_holding_other_bytes_is_never_stored() {
    // A stage rewrote the original after it was staged (GPS removal, a plugin).
    for other in [&b"mainX"[..], b"mian"] {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalStorage::new(dir.path()).unwrap();
        let ahead = staged(&s, other);
        let written = staged_inodes(dir.path());
        let stored = store_item_ahead(&s, &item("owl.jpg"), &day(), &mut NoJournal, Some(&ahead))
            .expect("stored");
        let main = &stored.files[0].key;
        assert_eq!(s.get(main).unwrap(), b"main");
        assert!(!written.contains(&ino(dir.path(), main)));
        drop(ahead);
        assert_eq!(staged_inodes(dir.path()), Vec::<u64>::new());
    }
}

#[test]
fn a_taken_name_moves_the_link_to_the_next_name() {
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path()).unwrap();
    // Taken on disk (not in any journal), so the first attempt's link is refused.
    s.put(
        "images/2024/02/29/owl.jpg",
        "image/jpeg",
        b"older",
        upstage_storage::PutMode::CreateNew,
    )
    .unwrap();
    let ahead = staged(&s, b"main");
    let written = staged_inodes(dir.path());
    let stored = store_item_ahead(&s, &item("owl.jpg"), &day(), &mut NoJournal, Some(&ahead))
        .expect("stored");
    assert_ne!(stored.name, "owl");
    assert_eq!(s.get("images/2024/02/29/owl.jpg").unwrap(), b"older");
    assert_eq!(written, [ino(dir.path(), &stored.files[0].key)]);
}

#[test]
fn a_sibling_that_fails_takes_the_linked_original_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = Hooked::new(dir.path(), |key: &str| match key.contains(".th.") {
        true => Err(disk_full()),
        false => Ok(()),
    });
    let ahead = Ahead::new(b"main".to_vec(), s.inner.stage(b"main", DAY).unwrap());
    let err =
        store_item_ahead(&s, &item("owl.jpg"), &day(), &mut NoJournal, Some(&ahead)).unwrap_err();
    assert_eq!(err.kind, StorageErrorKind::Io);
    drop(ahead);
    assert_eq!(all_files(dir.path()), Vec::<String>::new());
}

#[test]
fn a_staged_file_is_dropped_or_swept_never_kept() {
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path()).unwrap();
    drop(s.stage(b"unused", DAY).unwrap());
    assert_eq!(all_files(dir.path()), Vec::<String>::new());
    // A crash between staging and storing: the temp name stays until the sweep.
    std::mem::forget(s.stage(b"crashed", DAY).unwrap());
    assert_eq!(staged_inodes(dir.path()).len(), 1);
    let removed = s
        .remove_stale_temp(SystemTime::now() + Duration::from_secs(1))
        .unwrap();
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert_eq!(all_files(dir.path()), Vec::<String>::new());
}

#[test]
fn backends_that_cannot_stage_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let s = Hooked::new(dir.path(), |_: &str| Ok(()));
    assert!(!s.can_stage() && s.inner.can_stage());
    let err = s.stage(b"main", DAY).err().expect("the default refuses");
    assert_eq!(err.kind, StorageErrorKind::Unsupported);
}

/// A staged file that cannot be linked (on another filesystem, say).
struct Unlinkable;

impl upstage_storage::StagedFile for Unlinkable {
    fn link(&self, key: &str) -> Result<upstage_storage::Stored, upstage_storage::StorageError> {
        Err(upstage_storage::StorageError::new(
            StorageErrorKind::Io,
            format!("link {key}: Invalid cross-device link"),
        ))
    }
}

#[test]
fn a_file_that_cannot_be_linked_leaves_the_bytes_to_an_ordinary_write() {
    let dir = tempfile::tempdir().unwrap();
    let s = LocalStorage::new(dir.path()).unwrap();
    let ahead = Ahead::new(b"main".to_vec(), Box::new(Unlinkable));
    let stored = store_item_ahead(&s, &item("owl.jpg"), &day(), &mut NoJournal, Some(&ahead))
        .expect("stored");
    assert_eq!(s.get(&stored.files[0].key).unwrap(), b"main");
    assert_eq!(stored.name, "owl");
}
