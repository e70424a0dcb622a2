//! Where an upload's `source` part is kept until the upload is stored: in memory when the
//! request says how long it is and that fits the memory budget, otherwise in a temp file.
//!
//! Every body is read into memory by the pipeline anyway, so a body kept in memory costs
//! nothing more while it is processed; the budget bounds what waits for a worker. Skipping the
//! temp file saves its creation, the write, the read back and the removal (docs/performance.md).

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

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

/// Receives one part chunk by chunk.
pub struct Spooler<'a> {
    temp_dir: &'a Path,
    into: Target,
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
    ) -> std::io::Result<Self> {
        let into = match expected.and_then(|len| Some((len, budget.reserve(len)?))) {
            // The reservation is the capacity, so what is counted is what is allocated.
            Some((len, held)) => Target::Memory(Vec::with_capacity(len as usize), held),
            None => {
                let (file, path) = temp_path(temp_dir)?;
                Target::Disk(file, path)
            }
        };
        Ok(Spooler { temp_dir, into })
    }

    pub fn push(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        match &mut self.into {
            Target::Memory(bytes, _) if bytes.len() + chunk.len() <= bytes.capacity() => {
                bytes.extend_from_slice(chunk);
                Ok(())
            }
            // More than the request said it had: never grow past the reservation.
            Target::Memory(bytes, _) => {
                let (mut file, path) = temp_path(self.temp_dir)?;
                file.write_all(bytes)?;
                file.write_all(chunk)?;
                self.into = Target::Disk(file, path);
                Ok(())
            }
            Target::Disk(file, _) => file.write_all(chunk),
        }
    }

    pub fn finish(self) -> std::io::Result<Spooled> {
        match self.into {
            Target::Memory(bytes, held) => Ok(Spooled::Memory(bytes, MemoryHold { _permit: held })),
            Target::Disk(mut file, path) => {
                file.flush()?;
                Ok(Spooled::Disk(path))
            }
        }
    }
}

#[cfg(test)]
#[path = "spooled_tests.rs"]
mod tests;
