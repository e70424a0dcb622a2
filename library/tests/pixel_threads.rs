//! The pixel work runs on exactly `workers` threads of its own, whatever the number of uploads
//! and however they overlap: the decoders' large buffers are reused by the threads that freed
//! them rather than kept by any of the runtime's blocking threads.

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use common::{admin, open_with, pipeline_then, upload_photo, Slots};
use upstage_sdk::{ItemContext, Needs, Stage, StageError};
use upstage_storage_local::LocalStorage;

/// Notes the name of the thread each item's pixel work runs on.
struct WhichThread(Arc<Mutex<BTreeSet<String>>>);

impl Stage for WhichThread {
    fn name(&self) -> &str {
        "which-thread"
    }
    fn needs(&self, _ctx: &ItemContext) -> Needs {
        Needs::Metadata
    }
    fn process(&self, _ctx: &mut ItemContext) -> Result<(), StageError> {
        let name = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_owned();
        if let Ok(mut seen) = self.0.lock() {
            seen.insert(name);
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pixels_are_made_on_the_workers_own_threads_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let storage = Arc::new(LocalStorage::new(dir.path().join("data")).expect("storage"));
    let pipeline = pipeline_then(vec![Box::new(WhichThread(seen.clone()))]);
    let lib = Arc::new(open_with(dir.path(), storage, Slots::default(), pipeline).await);
    let caller = admin(&lib).await;
    for round in 0..3 {
        let uploads: Vec<_> = (0..4)
            .map(|_| {
                let (lib, caller) = (lib.clone(), caller.clone());
                tokio::spawn(async move { upload_photo(&lib, &caller).await })
            })
            .collect();
        for u in uploads {
            assert!(u.await.expect("task").is_ok(), "round {round}");
        }
    }
    let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
    assert!(!seen.is_empty());
    for name in &seen {
        assert!(
            ["upstage-pixels-0", "upstage-pixels-1"].contains(&name.as_str()),
            "{seen:?}"
        );
    }
}
