//! With a core idle, an upload's original is written ahead while its pixels are made and is
//! stored by a link: the main file is never written a second time, it holds the bytes the
//! metadata stages left (GPS removed), and nothing staged outlives the upload, stored or not.

mod common;

use std::sync::{Arc, Mutex};

use common::{admin, count, files_under, open, upload_input, Slots};
use upstage_core::Input;
use upstage_library::options::Options;
use upstage_library::store::Recorded;
use upstage_library::LibraryError;
use upstage_storage::{PutMode, StagedFile, Storage, StorageError, StorageErrorKind, Stored};
use upstage_storage_local::{LocalStorage, TEMP_PREFIX};

/// Local storage that logs what it is asked, and can refuse every `put` (a full disk).
struct Logged {
    inner: LocalStorage,
    log: Mutex<Vec<String>>,
    puts_fail: bool,
}

impl Logged {
    fn new(root: &std::path::Path, puts_fail: bool) -> Arc<Self> {
        Arc::new(Logged {
            inner: LocalStorage::new(root).expect("storage"),
            log: Mutex::new(Vec::new()),
            puts_fail,
        })
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Storage for Logged {
    fn name(&self) -> &str {
        "logged"
    }
    fn can_stage(&self) -> bool {
        self.inner.can_stage()
    }
    fn stage(&self, bytes: &[u8], folder: &str) -> Result<Box<dyn StagedFile>, StorageError> {
        if let Ok(mut l) = self.log.lock() {
            l.push("stage".into());
        }
        self.inner.stage(bytes, folder)
    }
    fn put(&self, key: &str, ct: &str, b: &[u8], mode: PutMode) -> Result<Stored, StorageError> {
        if let Ok(mut l) = self.log.lock() {
            l.push(format!("put {key}"));
        }
        if self.puts_fail {
            return Err(StorageError::new(StorageErrorKind::Io, "No space left"));
        }
        self.inner.put(key, ct, b, mode)
    }
    fn get(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        self.inner.get(key)
    }
    fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.inner.delete(key)
    }
    fn exists(&self, key: &str) -> Result<bool, StorageError> {
        self.inner.exists(key)
    }
}

fn gps_photo() -> Vec<u8> {
    let fixture = "server/tests/fixtures/gps-position.jpg";
    std::fs::read(upstage_testenv::workspace_root().join(fixture)).expect("GPS fixture")
}

fn temp_files(root: &std::path::Path) -> Vec<String> {
    files_under(root)
        .into_iter()
        .filter(|f| {
            f.rsplit('/')
                .next()
                .is_some_and(|n| n.starts_with(TEMP_PREFIX))
        })
        .collect()
}

/// A library on `Logged` storage (2 workers, so a lone upload has a core idle) and a GPS photo
/// uploaded to it with `options`.
struct Uploaded {
    /// Removed when dropped: a test keeps it bound until its last look at the files.
    dir: tempfile::TempDir,
    root: std::path::PathBuf,
    storage: Arc<Logged>,
    lib: upstage_library::Library,
    result: Result<Recorded, LibraryError>,
}

async fn upload_gps(puts_fail: bool, options: &Options) -> Uploaded {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("data");
    let storage = Logged::new(&root, puts_fail);
    let lib = open(dir.path(), storage.clone(), Slots::default()).await;
    let caller = admin(&lib).await;
    let input = Input::from_bytes("gps.jpg", gps_photo());
    let result = upload_input(&lib, &caller, input, options).await;
    Uploaded {
        dir,
        root,
        storage,
        lib,
        result,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_upload_stores_its_original_by_a_link_gps_removed() {
    let Uploaded {
        dir: _dir,
        root,
        storage,
        result,
        ..
    } = upload_gps(false, &Options::default()).await;
    let sent = gps_photo();
    let recorded = result.expect("stored");
    let row = &recorded.row;
    let main = format!("{}{}.{}", row.folder, row.name, row.extension);
    let stored = storage.inner.get(&main).expect("main file");
    assert_ne!(
        stored, sent,
        "GPS removed before the original was written ahead"
    );
    assert_eq!(row.md5, upstage_library::processing::md5_hex(&stored));
    let log = storage.log();
    assert_eq!(log[0], "stage", "{log:?}");
    assert!(
        !log.contains(&format!("put {main}")),
        "written once: {log:?}"
    );
    assert_eq!(log.len(), 3, "the medium and thumbnail are put: {log:?}");
    assert_eq!(temp_files(&root), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_asking_a_width_writes_nothing_ahead() {
    let options = Options {
        upload: upstage_sdk::UploadOptions {
            width: Some(300),
            ..Default::default()
        },
        ..Options::default()
    };
    let Uploaded {
        dir: _dir,
        storage,
        result,
        ..
    } = upload_gps(false, &options).await;
    let recorded = result.expect("stored");
    let row = &recorded.row;
    assert_eq!(row.width, 300);
    let log = storage.log();
    assert!(!log.contains(&"stage".to_owned()), "{log:?}");
    let main = format!("{}{}.{}", row.folder, row.name, row.extension);
    assert!(
        log.contains(&format!("put {main}")),
        "the resized file: {log:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_whose_other_files_fail_leaves_neither_its_original_nor_a_staged_file() {
    let Uploaded {
        dir: _dir,
        root,
        storage,
        lib,
        result,
    } = upload_gps(true, &Options::default()).await;
    let Err(err) = result else {
        panic!("the medium and thumbnail cannot be written")
    };
    assert!(matches!(err, LibraryError::Storage(_)), "{err}");
    assert_eq!(storage.log()[0], "stage");
    assert_eq!(
        files_under(&root),
        Vec::<String>::new(),
        "nothing stored, nothing staged"
    );
    assert_eq!(count(&lib, "images").await, 0);
}
