//! One file from queue to result: skip it if the journal has its content, else send it, retrying
//! what the retry policy allows, and journal the success before reporting it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};

use super::journal::{sha256_file, Journal};
use super::{BatchOptions, Event, ItemId, Links, RetryPolicy, Target, UploadError};

pub(super) struct Job {
    pub id: ItemId,
    pub path: PathBuf,
    pub options: Arc<BatchOptions>,
    pub target: Arc<Target>,
    pub journal: Option<Arc<Journal>>,
    pub retry: RetryPolicy,
    pub paused: watch::Receiver<bool>,
    pub events: mpsc::UnboundedSender<Event>,
}

/// How a job ended: the links, whether they came from the journal, and how long the server took
/// between the last byte and its answer.
pub(super) type Outcome = Result<(Links, bool, Duration), UploadError>;

pub(super) async fn run(job: Job) -> Outcome {
    let name = job
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let path = job.path.clone();
    let hash = tokio::task::spawn_blocking(move || sha256_file(&path))
        .await
        .map_err(|e| UploadError::local(e.to_string()))?
        .map_err(|e| UploadError::local(format!("could not read: {e}")))?;
    if let Some(entry) = job.journal.as_ref().and_then(|j| j.done.get(&hash)) {
        let links = entry
            .detail
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_else(|| Links {
                name: name.clone(),
                direct: entry.url.clone(),
                ..Links::default()
            });
        return Ok((links, true, Duration::ZERO));
    }
    let mut params = job.options.params(&job.path, job.id + 1);
    if let Ok(Some(max)) = job.options.max_width() {
        let path = job.path.clone();
        let narrower = tokio::task::spawn_blocking(move || image_width(&path))
            .await
            .ok()
            .flatten()
            .is_some_and(|w| w <= max);
        // "At most": the API refuses a width above the original's (610), so none is asked.
        if narrower {
            params.retain(|(k, _)| *k != "width");
        }
    }
    let (image, processing) = send_with_retries(&job, params).await?;
    let links = Links::from_image(&image, &name)
        .ok_or_else(|| UploadError::network("the response has no image.url"))?;
    if let Some(j) = &job.journal {
        let detail = serde_json::to_string(&links).ok();
        j.record(&hash, &job.path, &links.direct, detail.as_deref())
            .map_err(|e| {
                UploadError::local(format!(
                    "uploaded as {} but not journaled: {e}",
                    links.direct
                ))
            })?;
    }
    Ok((links, false, processing))
}

/// The pixel width of a still image; `None` for videos and unreadable headers.
fn image_width(path: &Path) -> Option<u32> {
    let bytes = std::fs::read(path).ok()?;
    let format = upstage_core::sniff(&bytes).ok()?;
    upstage_core::probe(format, &bytes, 1).ok().map(|p| p.width)
}

async fn send_with_retries(
    job: &Job,
    params: Vec<(&'static str, String)>,
) -> Result<(serde_json::Value, Duration), UploadError> {
    let last_byte = Arc::new(Mutex::new(None::<Instant>));
    let try_once = |attempt| {
        let _ = job.events.send(Event::Started {
            id: job.id,
            attempt,
        });
        let (events, id) = (job.events.clone(), job.id);
        let total = std::fs::metadata(&job.path).map(|m| m.len()).unwrap_or(0);
        let mark = last_byte.clone();
        let progress = Box::new(move |sent, bytes_per_sec| {
            if sent >= total {
                if let Ok(mut m) = mark.lock() {
                    *m = Some(Instant::now());
                }
            }
            let _ = events.send(Event::Progress {
                id,
                sent,
                total,
                bytes_per_sec,
            });
        });
        job.target
            .send(&job.path, params.clone(), job.paused.clone(), progress)
    };
    let before_retry = |attempt, after, error: &UploadError| {
        // The scheduler pauses the batch and queues the file again; no try is spent.
        if matches!(error, UploadError::Unreachable { .. }) {
            return false;
        }
        let _ = job.events.send(Event::Retrying {
            id: job.id,
            attempt,
            after,
            error: error.clone(),
        });
        true
    };
    let image = job
        .retry
        .run(try_once, before_retry)
        .await
        .map_err(|f| f.error)?;
    let sent_at = last_byte.lock().ok().and_then(|m| *m);
    Ok((image, sent_at.map(|t| t.elapsed()).unwrap_or_default()))
}
