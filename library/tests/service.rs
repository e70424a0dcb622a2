//! The library service run directly (no HTTP), on a real SQLite file and real local disk: a
//! photo is processed, stored and recorded; a storage failure part-way through the item's files
//! leaves no row, no file and no claim behind.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{admin, count, files_under, open, upload_photo, BeforePut, Slots};
use upstage_library::LibraryError;
use upstage_storage::{StorageError, StorageErrorKind};
use upstage_storage_local::LocalStorage;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_is_processed_stored_and_recorded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = dir.path().join("files");
    let storage = Arc::new(LocalStorage::new(&files).expect("local storage"));
    let lib = open(dir.path(), storage, Slots::default()).await;
    let caller = admin(&lib).await;
    let rec = upload_photo(&lib, &caller).await.expect("recorded");
    let row = lib
        .db
        .image(rec.row.id)
        .await
        .expect("read")
        .expect("the row");
    assert_eq!((row.width, row.height), (rec.row.width, rec.row.height));
    assert_eq!(row.original_filename, "harbour-sunset.jpg");
    assert_eq!(row.title.as_deref(), Some("harbour sunset"));
    assert_eq!(row.uploader_ip, "10.0.0.1");
    let stored = files_under(&files);
    let main = format!("{}{}.{}", row.folder, row.name, row.extension);
    assert!(stored.contains(&main), "{main} not in {stored:?}");
    for key in upstage_library::delete::chain_keys(&row) {
        assert!(stored.contains(&key), "{key} not in {stored:?}");
    }
    assert_eq!(
        count(&lib, "pending_uploads").await,
        0,
        "the row's commit drops its claims"
    );
    let view = upstage_library::view::build(&row, &rec.tags, &lib, Some(&rec.token));
    assert_eq!(view.url, format!("http://photos.test/{main}"));
    lib.db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storage_failure_halfway_leaves_no_row_and_no_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = dir.path().join("files");
    // Writes fail from the second on, as a backend that goes away part-way through an item
    // (the network drops, the volume is pulled).
    let puts = Arc::new(AtomicUsize::new(0));
    let counted = puts.clone();
    let storage = Arc::new(BeforePut {
        inner: LocalStorage::new(&files).expect("local storage"),
        hook: move || match counted.fetch_add(1, Ordering::SeqCst) + 1 {
            n if n >= 2 => Err(StorageError::new(
                StorageErrorKind::Backend,
                "connection reset",
            )),
            _ => Ok(()),
        },
    });
    let lib = open(dir.path(), storage.clone(), Slots::default()).await;
    let caller = admin(&lib).await;
    let Err(err) = upload_photo(&lib, &caller).await else {
        panic!("recorded although the second file could not be written");
    };
    assert!(
        matches!(err, LibraryError::Storage(_)),
        "{}: {err}",
        err.code()
    );
    assert!(puts.load(Ordering::SeqCst) >= 2, "a first file was written");
    assert_eq!(count(&lib, "images").await, 0, "no row");
    assert_eq!(files_under(&files), Vec::<String>::new(), "no file");
    assert_eq!(count(&lib, "pending_uploads").await, 0, "no claim");
    lib.db.close().await;
}
