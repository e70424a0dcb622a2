//! Uploads are processed on the core pipeline off the async runtime, on `workers` threads of
//! their own, one upload each at a time. A full pool makes new uploads wait for a bounded time
//! (their bodies in temp files, or in memory within the HTTP adapter's budget), and past a
//! bounded queue they are refused at once: memory never grows with the request rate.
//!
//! Storing is a second step with its own `workers` slots: the files' writes and fsyncs wait on the
//! disk, not the CPU, so a worker slot passes to the next upload as soon as the pixels are done.
//! An item keeps its worker slot until it has a storing slot, so a slow storage backend holds back
//! the pixel work instead of piling processed items up in memory.
//!
//! With a worker idle, an upload's original is written to storage beside its pixel work, so
//! that storing it is a link (see `received.rs` and `upstage_storage::Ahead`).

mod filed;
mod md5_queue;
mod received;
mod timing;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use upstage_core::{Input, Pipeline};
use upstage_sdk::ItemContext;
use upstage_storage::Storage;

use crate::journal::DbJournal;
use crate::LibraryError;
pub use filed::Processed;
use filed::{store, Place};
use md5_queue::Md5Queue;
use received::{run_and_hash, AheadTo, Beside, Received};
pub use timing::{is_decode, Timings};

pub struct Processor {
    pipeline: Arc<Pipeline>,
    /// Exactly `workers` threads make the pixels. On the runtime's blocking pool an upload could
    /// land on any of its threads, and each one's allocator heap kept the large buffers the
    /// decoders had freed there; here every buffer is reused by the thread that freed it.
    pixels: rayon::ThreadPool,
    storage: Arc<dyn Storage>,
    running: Arc<Semaphore>,
    storing: Arc<Semaphore>,
    waiting: Arc<Semaphore>,
    /// Bodies waiting for a worker, to be hashed together (see `md5_queue`).
    md5s: Arc<Md5Queue>,
    wait: Duration,
    /// Cancelled when the shutdown grace period is over: an upload still waiting for a worker
    /// then is refused rather than started.
    stopping: tokio_util::sync::CancellationToken,
}

/// Decides the filing date from the processed item (upload time, or the date taken).
pub type FilingDate = Box<dyn FnOnce(&ItemContext) -> chrono::NaiveDateTime + Send>;

impl Processor {
    pub fn new(
        pipeline: Pipeline,
        storage: Arc<dyn Storage>,
        workers: usize,
        queue: usize,
        wait: Duration,
        stopping: tokio_util::sync::CancellationToken,
    ) -> Result<Self, LibraryError> {
        let pixels = rayon::ThreadPoolBuilder::new()
            .num_threads(workers.max(1))
            .thread_name(|i| format!("upstage-pixels-{i}"))
            .build()
            .map_err(|e| LibraryError::Internal(format!("cannot start the workers: {e}")))?;
        Ok(Processor {
            pipeline: Arc::new(pipeline),
            pixels,
            storage,
            running: Arc::new(Semaphore::new(workers.max(1))),
            storing: Arc::new(Semaphore::new(workers.max(1))),
            waiting: Arc::new(Semaphore::new(queue.max(1))),
            md5s: Md5Queue::new(),
            wait,
            stopping,
        })
    }

    pub fn limits(&self) -> &upstage_core::Limits {
        self.pipeline.limits()
    }

    /// Bodies waiting for a worker whose md5 is still to be taken (see `md5_queue`).
    pub fn waiting_md5s(&self) -> usize {
        self.md5s.len()
    }

    pub async fn process(
        &self,
        input: Input,
        mode: upstage_storage::StorageMode,
        tz: chrono_tz::Tz,
        filing: FilingDate,
        mut journal: DbJournal,
        upload_md5: Option<String>,
    ) -> Result<Processed, LibraryError> {
        let waiting_since = Instant::now();
        let queued = self
            .waiting
            .clone()
            .try_acquire_owned()
            .map_err(|_| LibraryError::Busy)?;
        // A body that will wait for a worker joins the bodies to be hashed together.
        let received = match upload_md5 {
            None if self.running.available_permits() == 0 => match self.md5s.enqueue(input) {
                Ok(ticket) => Received::Queued(ticket),
                Err(path) => Received::Direct(*path, None),
            },
            md5 => Received::Direct(input, md5),
        };
        let permit = tokio::select! {
            p = tokio::time::timeout(self.wait, self.running.clone().acquire_owned()) => p
                .map_err(|_| LibraryError::Busy)?
                .map_err(|_| LibraryError::Busy)?,
            _ = self.stopping.cancelled() => return Err(LibraryError::ShuttingDown),
        };
        drop(queued);
        let queue = waiting_since.elapsed();
        let pipeline = self.pipeline.clone();
        // Taken after this item's own slot: a free one means a worker, and so a core, is idle.
        let beside = if self.running.available_permits() > 0 {
            Beside::IdleCore
        } else {
            Beside::Busy
        };
        // The slot travels with the work: a dropped request does not free it before the pixels
        // are done.
        let storage = self.storage.clone();
        // Where an upload filed today goes; one filed by its date taken lands on the same disk.
        let today = chrono::Utc::now().with_timezone(&tz).date_naive();
        let folder = upstage_storage::date_folder(mode, today);
        let (ran, permit) = self
            .on_pixel_thread(move || {
                let to = AheadTo {
                    storage: storage.as_ref(),
                    folder: &folder,
                };
                let ran = run_and_hash(&pipeline, received, beside, Some(to));
                (ran, permit)
            })
            .await?;
        let ctx = ran.ctx.map_err(LibraryError::Item)?;
        let storing_since = Instant::now();
        let slot = self
            .storing
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| LibraryError::ShuttingDown)?;
        drop(permit);
        let storage = self.storage.clone();
        let job = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let place = Place {
                storage: storage.as_ref(),
                journal: &mut journal,
                mode,
                tz,
            };
            let ahead = ran.ahead;
            store(place, ctx, filing, ran.md5, ahead.as_ref()).map(|mut p| {
                p.timings.queue = queue;
                p.timings.md5 = ran.md5_wait;
                p.timings.store = storing_since.elapsed();
                p
            })
        });
        job.await.map_err(task_failed)?
    }
}

impl Processor {
    /// Runs `work` on one of the pixel threads. A worker slot is held before this is called, so
    /// a thread is free and nothing waits in the pool's own queue.
    async fn on_pixel_thread<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, LibraryError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.pixels.spawn(move || {
            // The pool's default for a panic is to abort the process: answer an error instead.
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            let _ = tx.send(out);
        });
        match rx.await {
            Ok(Ok(out)) => Ok(out),
            Ok(Err(_)) => Err(LibraryError::Internal(
                "processing task failed: it panicked".into(),
            )),
            Err(_) => Err(LibraryError::Internal(
                "processing task failed: its thread went away".into(),
            )),
        }
    }
}

/// A blocking task that panicked or was cancelled.
fn task_failed(e: tokio::task::JoinError) -> LibraryError {
    LibraryError::Internal(format!("processing task failed: {e}"))
}

/// Lowercase hex md5, as the API answers it.
pub fn md5_hex(bytes: &[u8]) -> String {
    hex::encode(md5_many::md5(bytes))
}

/// A temp file that is removed when dropped, unless kept.
pub type TempFile = tempfile::TempPath;

pub fn temp_path(dir: &std::path::Path) -> std::io::Result<(std::fs::File, TempFile)> {
    let f = tempfile::Builder::new()
        .prefix(".upload-")
        .tempfile_in(dir)?;
    let (file, path) = f.into_parts();
    Ok((file, path))
}
