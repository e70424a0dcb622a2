//! Byte plumbing between a plugin and the host: the streamed `put` body, the host's sinks as
//! `Write`, and the writers behind the default `get_range` and `size`.

use std::io::{Read, Write};

use crate::abi::{status, UpByteSink, UpBytes, UpChunkSource};

/// The body of a `put`: a [`Read`] over the host's chunks, without copying them up front.
pub struct Body<'a> {
    source: &'a UpChunkSource,
    chunk: &'a [u8],
    done: bool,
}

impl<'a> Body<'a> {
    pub(crate) fn new(source: &'a UpChunkSource) -> Self {
        Body {
            source,
            chunk: &[],
            done: false,
        }
    }

    /// Total length when the host knows it.
    pub fn len_hint(&self) -> Option<u64> {
        (self.source.total_len != u64::MAX).then_some(self.source.total_len)
    }

    /// The next chunk borrowed from the host, or `None` at the end.
    pub fn next_chunk(&mut self) -> std::io::Result<Option<&[u8]>> {
        let c = match std::mem::take(&mut self.chunk) {
            [] => self.pull()?,
            rest => rest,
        };
        Ok((!c.is_empty()).then_some(c))
    }

    /// Ask the host for the next chunk; empty at the end. The host keeps a chunk alive until the
    /// next call, and only this function makes that call.
    fn pull(&mut self) -> std::io::Result<&'a [u8]> {
        if self.done {
            return Ok(&[]);
        }
        let mut raw = UpBytes::EMPTY;
        // SAFETY: the source is valid for the whole `put` call.
        let code = unsafe { (self.source.next)(self.source.ctx, &mut raw) };
        if code != status::OK {
            self.done = true;
            return Err(std::io::Error::other(format!(
                "the host failed to supply the body (status {code})"
            )));
        }
        // SAFETY: valid until the next `next` call, i.e. the next `pull`.
        let chunk = unsafe { raw.as_slice() };
        self.done = chunk.is_empty();
        Ok(chunk)
    }
}

impl Read for Body<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.chunk.is_empty() {
            self.chunk = self.pull()?;
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        self.chunk = &self.chunk[n..];
        Ok(n)
    }
}

/// A host sink as a [`Write`].
pub(crate) struct SinkWriter<'a>(pub(crate) &'a UpByteSink);

impl Write for SinkWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // SAFETY: the host's sink is valid for the duration of the call.
        match unsafe { (self.0.write)(self.0.ctx, UpBytes::new(buf)) } {
            status::OK => Ok(buf.len()),
            code => Err(std::io::Error::other(format!(
                "the host refused the output (status {code})"
            ))),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Passes on bytes `[offset, offset + len)` of what is written, then refuses more so a
/// streaming `get` can stop early.
pub(crate) struct Window<'a> {
    out: &'a mut dyn Write,
    skip: u64,
    left: u64,
}

impl<'a> Window<'a> {
    pub(crate) fn new(out: &'a mut dyn Write, offset: u64, len: u64) -> Self {
        Window {
            out,
            skip: offset,
            left: len,
        }
    }

    pub(crate) fn is_full(&self) -> bool {
        self.left == 0
    }
}

impl Write for Window<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other("range complete"));
        }
        let skipped = usize::try_from(self.skip)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        self.skip -= skipped as u64;
        let rest = &buf[skipped..];
        let take = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(rest.len());
        self.out.write_all(&rest[..take])?;
        self.left -= take as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Counts what is written.
#[derive(Default)]
pub(crate) struct Counter(pub(crate) u64);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_keeps_its_bytes_across_writes() {
        let data: Vec<u8> = (0..100).collect();
        for (offset, len, want) in [
            (0, 10, 0..10),
            (95, 10, 95..100),
            (30, 0, 30..30),
            (200, 5, 100..100),
            (7, 50, 7..57),
        ] {
            let mut got = Vec::new();
            let mut w = Window::new(&mut got, offset, len);
            for piece in data.chunks(9) {
                if w.write_all(piece).is_err() {
                    break;
                }
            }
            assert_eq!(got, data[want].to_vec(), "{offset}+{len}");
        }
    }
}
