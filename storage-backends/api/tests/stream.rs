//! Objects as readers: the `get_range` fallback and the thread-fed reader of pushing backends.

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use upstage_storage::{
    byte_window, push_reader, range_reader, PutMode, Storage, StorageError, StorageErrorKind,
    Stored, PIECE,
};

/// A backend that can only answer whole reads and ranged reads, counting the ranged ones.
struct Ranged {
    body: Vec<u8>,
    calls: AtomicU64,
}

impl Storage for Ranged {
    fn name(&self) -> &str {
        "ranged"
    }
    fn put(&self, _: &str, _: &str, _: &[u8], _: PutMode) -> Result<Stored, StorageError> {
        Err(StorageError::new(
            StorageErrorKind::Unsupported,
            "read-only",
        ))
    }
    fn get(&self, _key: &str) -> Result<Vec<u8>, StorageError> {
        Ok(self.body.clone())
    }
    fn get_range(&self, key: &str, offset: u64, len: u64) -> Result<Vec<u8>, StorageError> {
        assert!(len <= PIECE, "a piece of {len} bytes");
        self.calls.fetch_add(1, Ordering::Relaxed);
        Ok(byte_window(self.get(key)?, offset, len))
    }
    fn delete(&self, _: &str) -> Result<(), StorageError> {
        Ok(())
    }
    fn exists(&self, _: &str) -> Result<bool, StorageError> {
        Ok(true)
    }
}

fn body(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 251) as u8).collect()
}

#[test]
fn a_backend_without_streaming_is_read_in_pieces() {
    let n = 3 * PIECE as usize + 123;
    let b = body(n);
    let s = Arc::new(Ranged {
        body: b.clone(),
        calls: AtomicU64::new(0),
    });
    // (offset, len) → the bytes, and how many ranged reads it takes at most.
    let cases = [
        (0, n as u64, 0..n, 4),
        (10, 20, 10..30, 1),
        (PIECE - 5, 10, PIECE as usize - 5..PIECE as usize + 5, 1),
        (n as u64 - 7, 1000, n - 7..n, 2),
        (n as u64 + 5, 10, n..n, 1),
    ];
    for (offset, len, want, max_calls) in cases {
        s.calls.store(0, Ordering::Relaxed);
        let mut got = Vec::new();
        range_reader(s.clone(), "k", offset, len)
            .unwrap()
            .read_to_end(&mut got)
            .unwrap();
        assert_eq!(got, b[want], "{offset}+{len}");
        assert!(
            s.calls.load(Ordering::Relaxed) <= max_calls,
            "{offset}+{len}"
        );
    }
}

#[test]
fn a_pushing_producer_is_read_in_order_at_the_readers_pace() {
    let b = body(1_000_003);
    let sent = b.clone();
    let mut r = push_reader("test-push", move |w| {
        // Odd-sized writes, so chunks never line up with what the producer wrote.
        for piece in sent.chunks(7919) {
            w.write_all(piece)
                .map_err(|e| StorageError::new(StorageErrorKind::Io, e.to_string()))?;
        }
        Ok(())
    })
    .unwrap();
    let mut got = Vec::new();
    r.read_to_end(&mut got).unwrap();
    assert_eq!(got.len(), b.len());
    assert!(got == b);

    let mut empty = Vec::new();
    push_reader("test-push", |_| Ok(()))
        .unwrap()
        .read_to_end(&mut empty)
        .unwrap();
    assert!(empty.is_empty());
}

#[test]
fn errors_before_the_first_byte_come_back_from_the_call_later_ones_from_read() {
    let e = push_reader("test-push", |_| {
        Err(StorageError::new(StorageErrorKind::NotFound, "no such key"))
    })
    .err()
    .expect("a missing object fails the call");
    assert_eq!(e.kind, StorageErrorKind::NotFound);

    let mut r = push_reader("test-push", |w| {
        w.write_all(&vec![1u8; 600 * 1024]).ok();
        Err(StorageError::new(
            StorageErrorKind::Backend,
            "connection reset",
        ))
    })
    .unwrap();
    let mut got = Vec::new();
    let e = r.read_to_end(&mut got).unwrap_err();
    assert!(e.to_string().contains("connection reset"), "{e}");
    assert!(got.len() <= 600 * 1024);
}

#[test]
fn dropping_the_reader_stops_the_producer() {
    let (done_tx, done_rx) = mpsc::channel();
    let written = Arc::new(AtomicU64::new(0));
    let count = written.clone();
    let mut r = push_reader("test-push", move |w| {
        let piece = vec![0u8; 64 * 1024];
        // Endless unless its writes start failing.
        let r = loop {
            if let Err(e) = w.write_all(&piece) {
                break Err(StorageError::new(StorageErrorKind::Io, e.to_string()));
            }
            count.fetch_add(piece.len() as u64, Ordering::Relaxed);
        };
        let _ = done_tx.send(());
        r
    })
    .unwrap();
    let mut first = vec![0u8; 1000];
    r.read_exact(&mut first).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    // Backpressure: a producer that outruns the reader waits, a few chunks ahead at most.
    let ahead = written.load(Ordering::Relaxed);
    assert!(ahead <= 2 * 1024 * 1024, "{ahead} bytes produced ahead");
    drop(r);
    done_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the producer stopped once the reader was gone");
}
