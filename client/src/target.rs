//! Where a batch goes: a remote site or the local library.

use std::path::Path;

use tokio::sync::watch;

use super::body::OnProgress;
use super::local::LocalLibrary;
use super::remote::Remote;
use super::{BatchOptions, UploadError};

pub enum Target {
    Remote(Remote),
    Local(Box<dyn LocalLibrary>),
}

impl Target {
    /// A stable name for the target: the endpoint, or `local:<data dir>`.
    pub fn describe(&self) -> String {
        match self {
            Target::Remote(r) => r.endpoint().to_owned(),
            Target::Local(l) => l.describe(),
        }
    }

    /// Options resolved once per batch before anything is sent: locally an album is named, and
    /// the API parameter wants its id (found or created once, not per file).
    pub async fn prepare(&self, mut o: BatchOptions) -> Result<BatchOptions, UploadError> {
        if let Target::Local(l) = self {
            if !o.album.trim().is_empty() {
                o.album = l.album_param(o.album.trim()).await?;
            }
        }
        Ok(o)
    }

    /// One try at one file. The local target has no wire to measure: it reports the whole file
    /// once stored.
    pub async fn send(
        &self,
        path: &Path,
        params: Vec<(&'static str, String)>,
        paused: watch::Receiver<bool>,
        on_progress: OnProgress,
    ) -> Result<serde_json::Value, UploadError> {
        match self {
            Target::Remote(r) => Ok(r.send(path, &params, paused, on_progress).await?.image),
            Target::Local(l) => {
                let image = l.ingest(path, &params).await?;
                let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                on_progress(len, 0.0);
                Ok(image)
            }
        }
    }
}
