//! Where an upload's `source` part is kept until the upload is stored: in memory when the
//! request says how long it is and that fits the memory budget, otherwise in a temp file.
//!
//! Every body is read into memory by the pipeline anyway, so a body kept in memory costs
//! nothing more while it is processed; the budget bounds what waits for a worker. Skipping the
//! temp file saves its creation, the write, the read back and the removal (docs/performance.md).

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use md5_many::{Digest, Md5};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use upstage_library::processing::{temp_path, TempFile};

/// Bytes of upload bodies held in memory at once, across all requests.
pub struct MemoryBudget {
    bytes: Arc<Semaphore>,
    per_body: u64,
}

impl MemoryBudget {
    /// `total` bytes in all; one body may take at most a quarter of it, so one large upload
    /// does not send every small one behind it to disk.
    pub fn new(total: u64) -> Self {
        let total = usize::try_from(total)
            .unwrap_or(usize::MAX)
            .min(Semaphore::MAX_PERMITS);
        MemoryBudget {
            bytes: Arc::new(Semaphore::new(total)),
            per_body: total as u64 / 4,
        }
    }

    /// Reserves `len` bytes, or `None` when the body is too large or the budget is spent.
    fn reserve(&self, len: u64) -> Option<OwnedSemaphorePermit> {
        if self.per_body == 0 || len > self.per_body {
            return None;
        }
        let n = u32::try_from(len).ok()?;
        Arc::clone(&self.bytes).try_acquire_many_owned(n).ok()
    }

    /// Bytes no body holds now.
    pub fn available(&self) -> u64 {
        self.bytes.available_permits() as u64
    }
}

/// A received `source` part.
#[derive(Debug)]
pub enum Spooled {
    /// The bytes, and their share of the budget (given back when this is dropped).
    Memory(Vec<u8>, MemoryHold),
    /// Removed when dropped.
    Disk(TempFile),
}

/// A share of the [`MemoryBudget`]; given back when dropped.
#[derive(Debug)]
pub struct MemoryHold {
    _permit: OwnedSemaphorePermit,
}

/// Receives one part chunk by chunk, and its md5 in the same pass when asked for or when the
/// body goes to a temp file (the pipeline then reads the file itself: hashing later would read
/// it a second time). A body kept in memory and not hashed here is hashed by the library before
/// any stage runs, beside the pixel work when a worker is idle.
pub struct Spooler<'a> {
    temp_dir: &'a Path,
    into: Target,
    md5: Option<Md5>,
}

enum Target {
    Memory(Vec<u8>, OwnedSemaphorePermit),
    Disk(std::fs::File, TempFile),
}

impl<'a> Spooler<'a> {
    /// `expected` is the most the part can hold (the request's length, when it said).
    pub fn new(
        budget: &MemoryBudget,
        temp_dir: &'a Path,
        expected: Option<u64>,
        hash: bool,
    ) -> std::io::Result<Self> {
        let into = match expected.and_then(|len| Some((len, budget.reserve(len)?))) {
            // The reservation is the capacity, so what is counted is what is allocated.
            Some((len, held)) => Target::Memory(Vec::with_capacity(len as usize), held),
            None => {
                let (file, path) = temp_path(temp_dir)?;
                Target::Disk(file, path)
            }
        };
        let md5 = (hash || matches!(into, Target::Disk(..))).then(Md5::new);
        Ok(Spooler {
            temp_dir,
            into,
            md5,
        })
    }

    pub fn push(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        if let Some(md5) = &mut self.md5 {
            md5.update(chunk);
        }
        match &mut self.into {
            Target::Memory(bytes, _) if bytes.len() + chunk.len() <= bytes.capacity() => {
                bytes.extend_from_slice(chunk);
                Ok(())
            }
            // More than the request said it had: never grow past the reservation.
            Target::Memory(bytes, _) => {
                let (mut file, path) = temp_path(self.temp_dir)?;
                if self.md5.is_none() {
                    let mut md5 = Md5::new();
                    md5.update(&bytes[..]);
                    md5.update(chunk);
                    self.md5 = Some(md5);
                }
                file.write_all(bytes)?;
                file.write_all(chunk)?;
                self.into = Target::Disk(file, path);
                Ok(())
            }
            Target::Disk(file, _) => file.write_all(chunk),
        }
    }

    /// The body, and its md5 when taken here (always for a temp file).
    pub fn finish(self) -> std::io::Result<(Spooled, Option<String>)> {
        let md5 = self.md5.map(|m| hex::encode(m.finalize()));
        let body = match self.into {
            Target::Memory(bytes, held) => Spooled::Memory(bytes, MemoryHold { _permit: held }),
            Target::Disk(mut file, path) => {
                file.flush()?;
                Spooled::Disk(path)
            }
        };
        Ok((body, md5))
    }
}

#[cfg(test)]
#[path = "spooled_tests.rs"]
mod tests;
