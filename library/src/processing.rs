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

mod md5_queue;
mod received;
mod timing;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use upstage_core::{Input, Pipeline};
use upstage_sdk::{DateTaken, Format, ItemContext, OutputKind};
use upstage_storage::{
    store_item_ahead, Ahead, Storage, StorageErrorKind, StoreOptions, StoredItem,
};

use crate::journal::DbJournal;
use crate::LibraryError;
use md5_queue::Md5Queue;
use received::{run_and_hash, AheadTo, Beside, Received};
use timing::TimedJournal;
pub use timing::{is_decode, Timings};

/// What the library keeps of a processed, stored item.
#[derive(Debug, Clone)]
pub struct Processed {
    pub stored: StoredItem,
    pub format: Format,
    pub width: u32,
    pub height: u32,
    pub md5: String,
    /// md5 of the upload as received, when the stored main file differs from it (resized, or
    /// GPS removed); `None` otherwise.
    pub source_md5: Option<String>,
    pub is_animated: bool,
    pub duration: u64,
    pub date_taken: Option<DateTaken>,
    pub exif_title: Option<String>,
    pub exif_description: Option<String>,
    /// The UTC date the item was filed under.
    pub filed_gmt: chrono::NaiveDateTime,
    pub timings: Timings,
}

impl Processed {
    pub fn size_of(&self, kind: OutputKind) -> i64 {
        self.stored.file(kind).map_or(0, |f| f.bytes as i64)
    }
}

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

/// Where and how a processed item is stored.
struct Place<'a> {
    storage: &'a dyn Storage,
    journal: &'a mut DbJournal,
    mode: upstage_storage::StorageMode,
    tz: chrono_tz::Tz,
}

/// Files a processed item's outputs (all or nothing); `store` timing is set by the caller.
fn store(
    place: Place<'_>,
    ctx: ItemContext,
    filing: FilingDate,
    upload_md5: Option<String>,
    ahead: Option<&Ahead>,
) -> Result<Processed, LibraryError> {
    let mut timings = Timings::default();
    timings.add_stages(&ctx.timings);
    let filed_gmt = filing(&ctx);
    let local_day = chrono::TimeZone::from_utc_datetime(&place.tz, &filed_gmt).date_naive();
    let opts = StoreOptions::new(place.mode, local_day);
    let mut timed = TimedJournal {
        inner: &mut *place.journal,
        spent: Duration::ZERO,
    };
    let stored = store_item_ahead(place.storage, &ctx, &opts, &mut timed, ahead);
    timings.claim = timed.spent;
    let stored = stored.map_err(|e| match (e.kind, place.journal.take_failure()) {
        // The database refused the claims: nothing was written.
        (StorageErrorKind::Journal, Some(db)) => LibraryError::NotRecorded(db),
        _ => LibraryError::Storage(e),
    })?;
    let (width, height) = ctx.main_size();
    let (md5, source_md5) = item_md5s(&ctx, upload_md5);
    Ok(Processed {
        format: ctx.main_format(),
        width,
        height,
        md5,
        source_md5,
        is_animated: ctx.meta.is_animated,
        // Whole seconds, truncated, as the reference stores it.
        duration: ctx.meta.duration_seconds.map_or(0, |d| d.max(0.0) as u64),
        date_taken: ctx.meta.date_taken,
        exif_title: ctx.meta.title.clone(),
        exif_description: ctx.meta.description.clone(),
        filed_gmt,
        stored,
        timings,
    })
}

/// md5 of the stored main file and of the upload as received (when they differ). The upload's
/// md5 was taken before any stage ran (while it was received, or by `received.rs`); the
/// original is hashed again only when a stage rewrote it (GPS removal, a plugin's new bytes).
fn item_md5s(ctx: &ItemContext, upload_md5: Option<String>) -> (String, Option<String>) {
    let received = || upload_md5.clone().unwrap_or_else(|| md5_hex(&ctx.original));
    match &ctx.outputs.main {
        Some(main) => (md5_hex(&main.bytes), Some(received())),
        None if ctx.meta.gps_removed || ctx.meta.original_rewritten => {
            (md5_hex(&ctx.original), upload_md5.clone())
        }
        None => (received(), None),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use upstage_sdk::{Output, UploadOptions};

    #[test]
    fn the_main_md5_is_of_the_bytes_stored() {
        let sent = md5_hex(b"sent");
        let item = |edit: fn(&mut ItemContext)| {
            let mut ctx = ItemContext::new(
                "a.jpg".into(),
                Format::Jpeg,
                UploadOptions::default(),
                b"sent".to_vec(),
            );
            edit(&mut ctx);
            item_md5s(&ctx, Some(sent.clone()))
        };
        let stored_as_sent = item(|_| {});
        assert_eq!(stored_as_sent, (sent.clone(), None));
        let gps_removed = item(|c| {
            c.original = b"no gps".to_vec();
            c.meta.gps_removed = true;
        });
        assert_eq!(gps_removed, (md5_hex(b"no gps"), Some(sent.clone())));
        let replaced = item(|c| {
            c.original = b"a plugin's".to_vec();
            c.meta.original_rewritten = true;
        });
        assert_eq!(replaced, (md5_hex(b"a plugin's"), Some(sent.clone())));
        let resized = item(|c| {
            c.outputs.main = Some(Output {
                bytes: b"smaller".to_vec(),
                format: Format::Jpeg,
                width: 1,
                height: 1,
            })
        });
        assert_eq!(resized, (md5_hex(b"smaller"), Some(sent)));
    }
}
