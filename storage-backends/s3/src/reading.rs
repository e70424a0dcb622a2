//! Reading parts of objects: metadata from a HEAD, ranged GETs, and one streamed GET per
//! download whose body is handed to the caller's reader a few chunks at a time.

use std::io::{self, Read};

use futures_util::StreamExt;
use opendal::Operator;
use tokio::sync::mpsc;
use upstage_storage::{ObjectMeta, StorageError, StorageErrorKind};

use crate::bridge::Bridge;
use crate::errors;

/// Body chunks (as the HTTP client delivers them) that may wait for a slow reader: the GET
/// is paused, and TCP holds the rest, once this many wait.
const DEPTH: usize = 4;

/// Size and last write from a HEAD.
pub(crate) fn stat(op: &Operator, bridge: &Bridge, key: &str) -> Result<ObjectMeta, StorageError> {
    let (op, k) = (op.clone(), key.to_owned());
    let meta = bridge
        .run(async move { op.stat(&k).await })?
        .map_err(|e| errors::map("stat", key, e))?;
    Ok(ObjectMeta {
        size: meta.content_length(),
        modified: meta.last_modified().map(std::time::SystemTime::from),
    })
}

/// One GET with a `Range` header. A window past the object's end is refused by S3 (416) or by
/// OpenDAL's length check; the trait wants what there is, so on that path only a HEAD finds
/// the end and the read is retried within it.
pub(crate) fn get_range(
    op: &Operator,
    bridge: &Bridge,
    key: &str,
    offset: u64,
    len: u64,
) -> Result<Vec<u8>, StorageError> {
    if len == 0 {
        return Ok(Vec::new());
    }
    let read = |end: u64| {
        let (o, k) = (op.clone(), key.to_owned());
        bridge.run(async move { o.read_with(&k).range(offset..end).await })
    };
    match read(offset.saturating_add(len))? {
        Ok(buf) => Ok(buf.to_vec()),
        Err(e) if e.kind() == opendal::ErrorKind::NotFound => Err(errors::map("get", key, e)),
        Err(e) => match stat(op, bridge, key) {
            Ok(m) if offset >= m.size => Ok(Vec::new()),
            Ok(m) if offset.saturating_add(len) > m.size => read(m.size)?
                .map(|b| b.to_vec())
                .map_err(|e| errors::map("get", key, e)),
            _ => Err(errors::map("get", key, e)),
        },
    }
}

type Chunk = Result<Vec<u8>, StorageError>;

/// Bytes `[offset, offset + len)` as a reader over one streamed GET. The download runs on the
/// backend's runtime and waits whenever [`DEPTH`] chunks are unread; dropping the reader ends
/// it. The first chunk is awaited here, so a missing object fails this call.
pub(crate) fn open_range(
    op: &Operator,
    bridge: &Bridge,
    key: &str,
    offset: u64,
    len: u64,
) -> Result<Box<dyn Read + Send>, StorageError> {
    if len == 0 {
        return Ok(Box::new(io::empty()));
    }
    let (tx, mut rx) = mpsc::channel::<Chunk>(DEPTH);
    let (o, k) = (op.clone(), key.to_owned());
    let end = offset.saturating_add(len);
    bridge.spawn(async move {
        let opened = match o.reader_with(&k).await {
            Ok(r) => r.into_bytes_stream(offset..end).await,
            Err(e) => Err(e),
        };
        let mut stream = match opened {
            Ok(s) => s,
            Err(e) => {
                let _ = tx.send(Err(errors::map("get", &k, e))).await;
                return;
            }
        };
        let mut at = offset;
        while let Some(item) = stream.next().await {
            let item = match item {
                Ok(b) => Ok(b.to_vec()),
                // Asked past the end (416, or fewer bytes than the window): the object ended
                // where a HEAD says it does, which is a clean end, not a failure.
                Err(_) if o.stat(&k).await.is_ok_and(|m| at >= m.content_length()) => return,
                Err(e) => Err(io_error(&k, e)),
            };
            at += item.as_ref().map_or(0, |b| b.len() as u64);
            let failed = item.is_err();
            if tx.send(item).await.is_err() || failed {
                return;
            }
        }
    })?;
    let first = match rx.blocking_recv() {
        Some(Ok(chunk)) => chunk,
        None => Vec::new(),
        Some(Err(e)) => return Err(e),
    };
    Ok(Box::new(Download {
        rx,
        chunk: first,
        pos: 0,
    }))
}

fn io_error(key: &str, e: io::Error) -> StorageError {
    let kind = match e.kind() {
        io::ErrorKind::NotFound => StorageErrorKind::NotFound,
        _ => StorageErrorKind::Backend,
    };
    StorageError::new(kind, format!("s3 get {key}: {e}"))
}

struct Download {
    rx: mpsc::Receiver<Chunk>,
    chunk: Vec<u8>,
    pos: usize,
}

impl Read for Download {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.chunk.len() {
            if out.is_empty() {
                return Ok(0);
            }
            match self.rx.blocking_recv() {
                Some(Ok(next)) => (self.chunk, self.pos) = (next, 0),
                Some(Err(e)) => return Err(io::Error::other(e)),
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.chunk.len() - self.pos);
        out[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
