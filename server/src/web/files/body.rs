//! A response body read from a storage reader one piece at a time, as the client takes it:
//! each piece is one short blocking read off the async workers, so a slow client holds no
//! thread and at most a piece of the file sits in this server between reads.

use std::io::Read;

use axum::body::{Body, Bytes};

/// Bytes read per step: big enough that the hop to the blocking pool is noise.
const PIECE: usize = 256 * 1024;

/// Exactly `len` bytes from `reader`; a reader that ends sooner or fails ends the body with an
/// error, so the client sees a cut transfer rather than a short file it would believe whole.
pub(super) fn stream(reader: Box<dyn Read + Send>, key: String, len: u64) -> Body {
    let steps = futures_util::stream::try_unfold((reader, len, 0u64), move |(r, left, at)| {
        let key = key.clone();
        async move {
            if left == 0 {
                return Ok(None);
            }
            let want = usize::try_from(left).unwrap_or(usize::MAX).min(PIECE);
            let (r, read) = tokio::task::spawn_blocking(move || fill(r, want))
                .await
                .map_err(std::io::Error::other)?;
            let piece = match read {
                Ok(p) if p.is_empty() => Err(format!("{key} ended at byte {at}")),
                Ok(p) => Ok(p),
                Err(e) => Err(format!("reading {key} at byte {at}: {e}")),
            }
            .map_err(|why| {
                tracing::warn!("{why}");
                std::io::Error::other(why)
            })?;
            let n = piece.len() as u64;
            Ok::<_, std::io::Error>(Some((Bytes::from(piece), (r, left - n, at + n))))
        }
    });
    Body::from_stream(steps)
}

/// Up to `want` bytes: fewer only at the reader's end.
type Filled = (Box<dyn Read + Send>, std::io::Result<Vec<u8>>);

fn fill(mut r: Box<dyn Read + Send>, want: usize) -> Filled {
    let mut buf = vec![0u8; want];
    let mut got = 0;
    while got < want {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return (r, Err(e)),
        }
    }
    buf.truncate(got);
    (r, Ok(buf))
}
