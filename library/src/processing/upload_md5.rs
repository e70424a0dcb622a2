//! The md5 of an upload as received, from whoever received it: known already, or still being
//! computed on another thread while the pipeline works. The HTTP adapter hashes a body as it
//! arrives; when it arrives faster than md5 runs (a fast network, loopback), the last
//! milliseconds of hashing overlap the decode instead of delaying it.

use tokio::sync::oneshot;

#[derive(Debug)]
pub enum UploadMd5 {
    Known(String),
    /// Sent when the hashing thread is done; dropped unsent if it was abandoned.
    Pending(oneshot::Receiver<String>),
}

impl UploadMd5 {
    /// One still to come, and where its hasher sends it.
    pub fn pending() -> (oneshot::Sender<String>, Self) {
        let (tx, rx) = oneshot::channel();
        (tx, UploadMd5::Pending(rx))
    }

    /// Waits for it on the async runtime; `None` when the hashing was abandoned.
    pub async fn get(self) -> Option<String> {
        match self {
            UploadMd5::Known(s) => Some(s),
            UploadMd5::Pending(rx) => rx.await.ok(),
        }
    }

    /// Waits for it from a blocking thread (never on the async runtime).
    pub fn wait(self) -> Option<String> {
        match self {
            UploadMd5::Known(s) => Some(s),
            UploadMd5::Pending(rx) => rx.blocking_recv().ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn known_pending_and_abandoned() {
        assert_eq!(
            UploadMd5::Known("a".into()).get().await.as_deref(),
            Some("a")
        );
        let (tx, md5) = UploadMd5::pending();
        let waiter = tokio::task::spawn_blocking(move || md5.wait());
        tx.send("b".into()).unwrap();
        assert_eq!(waiter.await.unwrap().as_deref(), Some("b"));
        let (tx, md5) = UploadMd5::pending();
        drop(tx);
        assert_eq!(md5.get().await, None, "a hasher that gave up sends nothing");
    }
}
