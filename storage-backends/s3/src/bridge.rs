//! Running OpenDAL's async calls from synchronous code.
//!
//! Callers of `Storage` are plain threads: the server's `spawn_blocking` pool, rayon workers of
//! `upstage process`/import (no runtime at all), and migrate-storage. `Runtime::block_on` panics
//! when the calling thread is inside a runtime, and `Handle::current()` fails where there is none,
//! so neither the caller's runtime nor a per-call runtime is usable. Instead the backend owns one
//! small multi-thread runtime: each call is spawned onto it and the caller waits on a std channel,
//! which is legal on any thread. It also keeps OpenDAL's HTTP connection pool bound to a single
//! runtime that lives as long as the backend (a pool whose runtime died hangs its connections).

use std::future::Future;
use std::sync::mpsc;

use upstage_storage::{StorageError, StorageErrorKind};

pub(crate) struct Bridge {
    rt: Option<tokio::runtime::Runtime>,
}

impl Bridge {
    pub(crate) fn new(threads: usize) -> Result<Self, StorageError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("upstage-s3")
            .enable_all()
            .build()
            .map_err(|e| StorageError::new(StorageErrorKind::Io, format!("s3 runtime: {e}")))?;
        Ok(Bridge { rt: Some(rt) })
    }

    /// Run `fut` to completion on the backend's runtime and wait for it on this thread.
    pub(crate) fn run<F, T>(&self, fut: F) -> Result<T, StorageError>
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let gone = || StorageError::new(StorageErrorKind::Backend, "s3 runtime is shut down");
        let rt = self.rt.as_ref().ok_or_else(gone)?;
        let (tx, rx) = mpsc::sync_channel(1);
        rt.spawn(async move {
            let _ = tx.send(fut.await);
        });
        rx.recv().map_err(|_| gone())
    }

    /// Start `fut` on the backend's runtime without waiting for it (a download that feeds a
    /// reader through a channel).
    pub(crate) fn spawn<F>(&self, fut: F) -> Result<(), StorageError>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let rt = self.rt.as_ref().ok_or_else(|| {
            StorageError::new(StorageErrorKind::Backend, "s3 runtime is shut down")
        })?;
        rt.spawn(fut);
        Ok(())
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        // The last reference may be dropped inside the server's runtime, where a blocking
        // shutdown panics; in-flight calls have all returned by then (they borrow the backend).
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}
