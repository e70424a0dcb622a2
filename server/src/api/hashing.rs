//! md5 of an upload body on a blocking thread, fed the chunks as they arrive. Receiving does not
//! wait for hashing, so on a fast link the tail of the hashing overlaps the decode. At most
//! [`QUEUED`] chunks wait for the hasher: a client faster than md5 is slowed down, not buffered.

use axum::body::Bytes;
use md5::{Digest, Md5};
use tokio::sync::mpsc;
use upstage_library::processing::UploadMd5;

const QUEUED: usize = 64;

pub(super) struct Hashing {
    chunks: mpsc::Sender<Bytes>,
}

impl Hashing {
    /// Starts the hasher; the md5 comes when this is dropped (after the last chunk).
    pub fn start() -> (Self, UploadMd5) {
        let (chunks, mut rx) = mpsc::channel::<Bytes>(QUEUED);
        let (done, md5) = UploadMd5::pending();
        tokio::task::spawn_blocking(move || {
            let mut hasher = Md5::new();
            while let Some(chunk) = rx.blocking_recv() {
                hasher.update(&chunk);
            }
            // Nobody waits when the upload was abandoned.
            let _ = done.send(hex::encode(hasher.finalize()));
        });
        (Hashing { chunks }, md5)
    }

    pub async fn feed(&self, chunk: Bytes) {
        // The hasher only stops when this side is dropped.
        let _ = self.chunks.send(chunk).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn the_md5_of_the_chunks_in_order() {
        let (h, md5) = Hashing::start();
        for part in ["The quick brown fox ", "jumps over ", "the lazy dog"] {
            h.feed(Bytes::from_static(part.as_bytes())).await;
        }
        drop(h);
        assert_eq!(
            md5.get().await.as_deref(),
            Some("9e107d9d372bb6826bd81d3542a419d6")
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn many_more_chunks_than_the_queue_holds() {
        let (h, md5) = Hashing::start();
        let chunk = Bytes::from(vec![7u8; 1000]);
        for _ in 0..QUEUED * 4 {
            h.feed(chunk.clone()).await;
        }
        drop(h);
        let expected = hex::encode(Md5::digest(vec![7u8; 1000 * QUEUED * 4]));
        assert_eq!(md5.get().await, Some(expected));
    }
}
