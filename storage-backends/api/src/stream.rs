//! Objects as readers: whatever a backend can do (stream one request, seek, answer ranged
//! reads, or only push bytes into a callback), a caller gets a [`Read`] that holds a bounded
//! amount of the object at a time, so serving a 2 GB video costs the same memory as a thumbnail.

use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use crate::{Storage, StorageError, StorageErrorKind};

/// Bytes the fallback reader asks `get_range` for at a time.
pub const PIECE: u64 = 1 << 20;

/// What a pushing producer hands over at a time, and how many such chunks may wait for the
/// reader: the memory a [`push_reader`] holds is about `CHUNK * (DEPTH + 2)`.
const CHUNK: usize = 256 * 1024;
const DEPTH: usize = 2;

/// Bytes `[offset, offset + len)` of `key` as a reader: the backend's own
/// [`Storage::open_range`], or for one that cannot stream, `get_range` calls of [`PIECE`] bytes
/// made as the reader is read. The reader ends early (fewer bytes) at the object's end.
pub fn range_reader(
    storage: Arc<dyn Storage>,
    key: &str,
    offset: u64,
    len: u64,
) -> Result<Box<dyn Read + Send>, StorageError> {
    match storage.open_range(key, offset, len) {
        Err(e) if e.kind == StorageErrorKind::Unsupported => Ok(Box::new(Pieces {
            storage,
            key: key.to_owned(),
            at: offset,
            left: len,
            piece: Vec::new(),
            pos: 0,
        })),
        r => r,
    }
}

struct Pieces {
    storage: Arc<dyn Storage>,
    key: String,
    at: u64,
    left: u64,
    piece: Vec<u8>,
    pos: usize,
}

impl Read for Pieces {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.piece.len() {
            if self.left == 0 || out.is_empty() {
                return Ok(0);
            }
            let n = self.left.min(PIECE);
            let mut piece = self
                .storage
                .get_range(&self.key, self.at, n)
                .map_err(io::Error::other)?;
            piece.truncate(usize::try_from(n).unwrap_or(usize::MAX));
            if piece.is_empty() {
                self.left = 0;
                return Ok(0);
            }
            self.at += piece.len() as u64;
            self.left -= piece.len() as u64;
            (self.piece, self.pos) = (piece, 0);
        }
        let n = out.len().min(self.piece.len() - self.pos);
        out[..n].copy_from_slice(&self.piece[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

enum Msg {
    Data(Vec<u8>),
    End,
    Failed(StorageError),
}

/// A reader fed by `produce`, which runs on a thread of its own (named `thread`) and writes the
/// object into the [`Write`] it is given: how a backend that can only push bytes into a callback
/// is read at the reader's pace. The producer blocks while [`DEPTH`] chunks wait; once the reader
/// is dropped its writes fail, so it stops early. The first chunk (or the error) is awaited
/// here, so a missing object is reported by this call rather than by a failed read.
pub fn push_reader<F>(thread: &str, produce: F) -> Result<Box<dyn Read + Send>, StorageError>
where
    F: FnOnce(&mut dyn Write) -> Result<(), StorageError> + Send + 'static,
{
    let (tx, rx) = sync_channel(DEPTH);
    std::thread::Builder::new()
        .name(thread.to_owned())
        .spawn(move || {
            let mut w = ChannelWriter {
                tx,
                buf: Vec::with_capacity(CHUNK),
            };
            let end = match produce(&mut w).and_then(|()| w.send_buf()) {
                Ok(()) => Msg::End,
                Err(e) => Msg::Failed(e),
            };
            let _ = w.tx.send(end);
        })
        .map_err(|e| StorageError::new(StorageErrorKind::Io, format!("{thread}: {e}")))?;
    let mut r = ChannelReader {
        rx,
        chunk: Vec::new(),
        pos: 0,
        done: false,
    };
    match r.rx.recv() {
        Ok(Msg::Data(first)) => r.chunk = first,
        Ok(Msg::End) => r.done = true,
        Ok(Msg::Failed(e)) => return Err(e),
        Err(_) => return Err(stopped()),
    }
    Ok(Box::new(r))
}

fn stopped() -> StorageError {
    StorageError::new(
        StorageErrorKind::Backend,
        "the reading thread stopped early",
    )
}

struct ChannelWriter {
    tx: SyncSender<Msg>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send_buf(&mut self) -> Result<(), StorageError> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        self.tx.send(Msg::Data(full)).map_err(|_| {
            StorageError::new(StorageErrorKind::Io, "the reader has gone (download ended)")
        })
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let n = bytes.len().min(CHUNK - self.buf.len());
        self.buf.extend_from_slice(&bytes[..n]);
        if self.buf.len() == CHUNK {
            self.send_buf()
                .map_err(|e| io::Error::new(io::ErrorKind::BrokenPipe, e))?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct ChannelReader {
    rx: Receiver<Msg>,
    chunk: Vec<u8>,
    pos: usize,
    done: bool,
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.chunk.len() {
            if self.done || out.is_empty() {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Msg::Data(next)) => (self.chunk, self.pos) = (next, 0),
                Ok(Msg::End) => self.done = true,
                Ok(Msg::Failed(e)) => {
                    self.done = true;
                    return Err(io::Error::other(e));
                }
                Err(_) => {
                    self.done = true;
                    return Err(io::Error::other(stopped()));
                }
            }
        }
        let n = out.len().min(self.chunk.len() - self.pos);
        out[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
