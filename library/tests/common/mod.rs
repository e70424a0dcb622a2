//! What the library's integration tests share: a library on real SQLite and a given storage.
#![allow(dead_code)] // each test file uses its own part

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use upstage_core::{Input, Limits, Pipeline, StageSpec};
use upstage_library::auth::Caller;
use upstage_library::options::Options;
use upstage_library::processing::Processor;
use upstage_library::store::{record_upload, Recorded};
use upstage_library::{db, ids, Library, LibraryError, RouteConfig, Settings};
use upstage_sdk::Stage;
use upstage_storage::{PutMode, Storage, StorageError, Stored};
use upstage_storage_local::LocalStorage;

pub fn photo() -> PathBuf {
    upstage_testenv::workspace_root().join("samples/harbour-sunset.jpg")
}

pub fn pipeline() -> Pipeline {
    pipeline_then(Vec::new())
}

/// The default pipeline with `extra` stages run after it.
pub fn pipeline_then(extra: Vec<Box<dyn Stage>>) -> Pipeline {
    let r = upstage_builtins::registry().expect("builtin stages");
    let specs = upstage_builtins::DEFAULT_PIPELINE.map(StageSpec::named);
    let mut stages = r.build(&specs).expect("default pipeline");
    stages.extend(extra);
    Pipeline::new(stages, Limits::default())
}

/// Worker count, how long an upload may wait for a worker, and the token that, cancelled,
/// refuses the uploads still waiting (the end of a shutdown's grace period).
pub struct Slots {
    pub workers: usize,
    pub wait: Duration,
    pub stopping: tokio_util::sync::CancellationToken,
}

impl Default for Slots {
    fn default() -> Self {
        Slots {
            workers: 2,
            wait: Duration::from_secs(30),
            stopping: tokio_util::sync::CancellationToken::new(),
        }
    }
}

pub async fn open(dir: &Path, storage: Arc<dyn Storage>, slots: Slots) -> Library {
    open_with(dir, storage, slots, pipeline()).await
}

/// [`open`] with a given pipeline (e.g. one with a stage the test watches).
pub async fn open_with(
    dir: &Path,
    storage: Arc<dyn Storage>,
    slots: Slots,
    pipeline: Pipeline,
) -> Library {
    let db = db::Db::connect(&db::default_url(dir), None)
        .await
        .expect("sqlite library");
    let processor = Processor::new(
        pipeline,
        storage.clone(),
        slots.workers,
        4,
        slots.wait,
        slots.stopping,
    )
    .expect("worker threads");
    let temp_dir = dir.join("tmp");
    std::fs::create_dir_all(&temp_dir).expect("temp dir");
    Library {
        db,
        ids: ids::IdCodec::new("5eed", 999),
        keys: Default::default(),
        storage,
        processor,
        base_url: "http://photos.test".into(),
        base_path: String::new(),
        tz: chrono_tz::UTC,
        storage_mode: upstage_storage::StorageMode::Datefolder,
        medium_size: 640,
        thumb_size: (160, 160),
        temp_dir,
        settings: Settings {
            routes: RouteConfig::default(),
            seo_urls: true,
            sweep_seconds: 60,
            sweep_batch: 50,
            reconcile_seconds: 300,
            reconcile_grace_seconds: 900,
            reconcile_orphan_walk: true,
        },
    }
}

pub async fn admin(lib: &Library) -> Caller {
    lib.ensure_admin().await.expect("first admin");
    let admin = lib.db.first_admin().await.expect("admin row");
    Caller::User(admin.expect("an admin"))
}

/// Every file under `root`, as paths relative to it.
pub fn files_under(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if let Ok(rel) = p.strip_prefix(root) {
                out.push(rel.display().to_string());
            }
        }
    }
    out.sort();
    out
}

pub async fn count(lib: &Library, table: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&lib.db.pool)
        .await
        .expect("count rows")
}

/// Real local storage that runs `hook` before every write: a write fails when it returns an
/// error (a backend going away part-way) or waits while it blocks (a slow disk).
pub struct BeforePut<F> {
    pub inner: LocalStorage,
    pub hook: F,
}

impl<F: Fn() -> Result<(), StorageError> + Send + Sync> Storage for BeforePut<F> {
    fn name(&self) -> &str {
        "before-put"
    }
    fn put(
        &self,
        key: &str,
        content_type: &str,
        bytes: &[u8],
        mode: PutMode,
    ) -> Result<Stored, StorageError> {
        (self.hook)()?;
        self.inner.put(key, content_type, bytes, mode)
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

/// The sample photo uploaded by `caller` from 10.0.0.1 with default options.
pub async fn upload_photo(lib: &Library, caller: &Caller) -> Result<Recorded, LibraryError> {
    upload_input(lib, caller, Input::from_path(photo()), &Options::default()).await
}

/// `input` uploaded by `caller` from 10.0.0.1 with `options`.
pub async fn upload_input(
    lib: &Library,
    caller: &Caller,
    input: Input,
    options: &Options,
) -> Result<Recorded, LibraryError> {
    record_upload(lib, input, options, caller, "10.0.0.1", None, None).await
}
