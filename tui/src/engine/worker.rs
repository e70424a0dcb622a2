//! One file from queue to result: skip it if the journal has its content, else send it, retrying
//! network errors and 5xx with backoff, and journal the success before reporting it.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{mpsc, watch};

use super::journal::{sha256_file, Journal};
use super::{Backoff, BatchOptions, Event, ItemId, Links, Target, UploadError};

pub(super) struct Job {
    pub id: ItemId,
    pub path: PathBuf,
    pub options: Arc<BatchOptions>,
    pub target: Arc<Target>,
    pub journal: Option<Arc<Journal>>,
    pub backoff: Backoff,
    pub paused: watch::Receiver<bool>,
    pub events: mpsc::UnboundedSender<Event>,
}

/// How a job ended: the links, and whether they came from the journal.
pub(super) type Outcome = Result<(Links, bool), UploadError>;

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
        return Ok((links, true));
    }
    let image = send_with_retries(&job).await?;
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
    Ok((links, false))
}

async fn send_with_retries(job: &Job) -> Result<serde_json::Value, UploadError> {
    let params = job.options.params(&job.path, job.id + 1);
    let mut attempt = 1;
    loop {
        let _ = job.events.send(Event::Started {
            id: job.id,
            attempt,
        });
        let (events, id) = (job.events.clone(), job.id);
        let total = std::fs::metadata(&job.path).map(|m| m.len()).unwrap_or(0);
        let progress = Box::new(move |sent, bytes_per_sec| {
            let _ = events.send(Event::Progress {
                id,
                sent,
                total,
                bytes_per_sec,
            });
        });
        let res = job
            .target
            .send(&job.path, params.clone(), job.paused.clone(), progress)
            .await;
        match res {
            Err(e) if e.retryable() && attempt < job.backoff.tries => {
                let after = job.backoff.delay(attempt);
                let _ = job.events.send(Event::Retrying {
                    id: job.id,
                    attempt,
                    after,
                    error: e,
                });
                tokio::time::sleep(after).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}
