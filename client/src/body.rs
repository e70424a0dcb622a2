//! A file as a streaming request body: read in chunks as the connection takes them, counting the
//! bytes handed over (real progress, flat memory), and holding while the batch is paused.

use std::path::Path;
use std::time::Instant;

use futures_util::stream::{self, Stream};
use tokio::io::AsyncReadExt;
use tokio::sync::watch;

const CHUNK: usize = 64 * 1024;

/// Called with (bytes sent so far, bytes per second since the body started).
pub type OnProgress = Box<dyn Fn(u64, f64) + Send + Sync>;

struct Reader {
    file: tokio::fs::File,
    sent: u64,
    started: Instant,
    paused: watch::Receiver<bool>,
    on_progress: OnProgress,
}

/// The chunks of `path`; an I/O error ends the body with that error (the upload then fails as a
/// network-level error and is retried).
pub async fn file_stream(
    path: &Path,
    paused: watch::Receiver<bool>,
    on_progress: OnProgress,
) -> std::io::Result<impl Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static> {
    let file = tokio::fs::File::open(path).await?;
    let reader = Reader {
        file,
        sent: 0,
        started: Instant::now(),
        paused,
        on_progress,
    };
    Ok(stream::unfold(Some(reader), |state| async move {
        let mut r = state?;
        // A closed pause channel means the engine is gone: carry on rather than hang.
        let _ = r.paused.wait_for(|p| !*p).await;
        let mut buf = vec![0u8; CHUNK];
        match r.file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                r.sent += n as u64;
                let secs = r.started.elapsed().as_secs_f64().max(1e-3);
                (r.on_progress)(r.sent, r.sent as f64 / secs);
                Some((Ok(buf), Some(r)))
            }
            Err(e) => Some((Err(e), None)),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn streams_every_byte_and_reports_progress() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("f");
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&p, &data).expect("write");
        let (_tx, rx) = watch::channel(false);
        let seen = Arc::new(AtomicU64::new(0));
        let s2 = seen.clone();
        let s = file_stream(&p, rx, Box::new(move |n, _| s2.store(n, Ordering::SeqCst)))
            .await
            .expect("open");
        let chunks: Vec<Vec<u8>> = s.map(|c| c.expect("chunk")).collect().await;
        assert_eq!(chunks.concat(), data);
        assert_eq!(seen.load(Ordering::SeqCst), 200_000);
    }
}
