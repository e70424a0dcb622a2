//! A name already given to a live image is known to be taken before any byte is written: the
//! second upload of `photo.jpg` claims a new name at once, rather than writing and syncing the
//! whole file only to find the name taken when the no-clobber rename fails.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{admin, count, files_under, open, upload_photo, BeforePut, Slots};
use upstage_storage_local::LocalStorage;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_name_is_taken_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("images");
    let writes = Arc::new(AtomicUsize::new(0));
    let counted = writes.clone();
    let storage = BeforePut {
        inner: LocalStorage::new(&root).unwrap(),
        hook: move || {
            counted.fetch_add(1, Ordering::SeqCst);
            Ok(())
        },
    };
    let lib = open(dir.path(), Arc::new(storage), Slots::default()).await;
    let caller = admin(&lib).await;

    let first = upload_photo(&lib, &caller).await.unwrap();
    let per_upload = writes.load(Ordering::SeqCst);
    assert!(per_upload >= 2, "an original and derived files");
    let second = upload_photo(&lib, &caller).await.unwrap();

    assert_eq!(first.row.folder, second.row.folder);
    assert_ne!(first.row.name, second.row.name);
    assert_eq!(
        writes.load(Ordering::SeqCst),
        2 * per_upload,
        "the second upload wrote only the files it kept"
    );
    assert_eq!(files_under(&root).len(), 2 * per_upload);
    assert_eq!(count(&lib, "pending_uploads").await, 0);
}
