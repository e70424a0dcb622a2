//! The md5s of uploads waiting for a worker, taken together.
//!
//! When every worker is busy an upload's body waits in memory. The worker that takes the next one
//! hashes it together with the others still waiting, one per SIMD lane: a pass costs about what
//! hashing its longest body alone does (8 bodies of 2.4 MB in 4.0 ms here, one alone in 3.0), so
//! under load the md5 stops costing a tenth of the CPU an upload needs (docs/performance.md). A
//! body taken into another worker's pass waits for that pass instead of hashing itself again.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};

use md5_many::Md5Many;
use upstage_core::Input;

use super::md5_hex;

/// Uploads in memory whose md5 nobody has taken yet, oldest first.
pub(crate) struct Md5Queue {
    waiting: Mutex<Vec<Arc<Entry>>>,
    engine: Md5Many,
}

#[derive(Debug)]
struct Entry {
    input: Input,
    md5: Arc<Slot>,
}

/// Where a pass leaves one body's md5.
#[derive(Debug, Default)]
struct Slot {
    state: Mutex<State>,
    ready: Condvar,
}

#[derive(Debug, Default, Clone)]
enum State {
    #[default]
    Pending,
    Ready(String),
    /// The pass that took it ended without a result (it panicked): hash it alone.
    Abandoned,
}

/// One upload's place in the queue.
pub(crate) struct Ticket {
    entry: Arc<Entry>,
    leave: Leave,
}

/// Takes an entry out of the queue when its ticket is dropped unclaimed (the request gone).
struct Leave {
    queue: Arc<Md5Queue>,
    entry: Weak<Entry>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding these locks leaves the data whole (a Vec or a state value).
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Md5Queue {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Md5Queue {
            waiting: Mutex::new(Vec::new()),
            engine: Md5Many::new(),
        })
    }

    /// Puts `input` in the queue until its worker claims it; an input not held in memory (a
    /// path) is handed back, as there are no bytes to hash yet.
    pub(crate) fn enqueue(self: &Arc<Self>, input: Input) -> Result<Ticket, Box<Input>> {
        if input.bytes().is_none() {
            return Err(Box::new(input));
        }
        let entry = Arc::new(Entry {
            input,
            md5: Arc::default(),
        });
        lock(&self.waiting).push(Arc::clone(&entry));
        Ok(Ticket {
            leave: Leave {
                queue: Arc::clone(self),
                entry: Arc::downgrade(&entry),
            },
            entry,
        })
    }

    /// Bodies waiting, not yet taken into a pass.
    pub(crate) fn len(&self) -> usize {
        lock(&self.waiting).len()
    }

    /// Hashes `batch` in one pass and hands each body its md5. The entries are let go before
    /// any md5 is handed over, so the worker of each gets its input back without a copy.
    fn hash_pass(&self, batch: Vec<Arc<Entry>>) {
        let promise = Promise(batch.iter().map(|e| Arc::clone(&e.md5)).collect());
        // Bound after the promise, so dropped before it should hashing panic: a worker woken by
        // the abandoned promise then gets its body back without a copy.
        let entries = batch;
        let bytes: Vec<&[u8]> = entries
            .iter()
            .map(|e| e.input.bytes().unwrap_or_default())
            .collect();
        let mut digests = vec![[0u8; 16]; bytes.len()];
        self.engine.hash_many(&bytes, &mut digests);
        drop(bytes);
        drop(entries);
        promise.keep(digests.iter().map(hex::encode));
    }
}

impl Ticket {
    /// The input back, when no pass has taken it yet (its worker then hashes it beside the
    /// pixels, a core being idle); the ticket otherwise.
    pub(crate) fn take_back(self) -> Result<Input, Ticket> {
        let mut waiting = lock(&self.leave.queue.waiting);
        let Some(at) = waiting.iter().position(|e| Arc::ptr_eq(e, &self.entry)) else {
            drop(waiting);
            return Err(self);
        };
        drop(waiting.remove(at));
        drop(waiting);
        let Ticket { entry, leave } = self;
        drop(leave);
        Ok(Arc::try_unwrap(entry).map_or_else(|shared| shared.input.clone(), |e| e.input))
    }

    /// This upload's input and md5, on its worker's thread: hashed now, with the others still
    /// waiting, or by the pass that took it already.
    pub(crate) fn claim(self) -> (Input, String) {
        // `leave` is dropped at the end, when the entry is out of the queue either way.
        let Ticket { entry, leave } = self;
        let queue = &leave.queue;
        let batch = {
            let mut waiting = lock(&queue.waiting);
            waiting
                .iter()
                .position(|e| Arc::ptr_eq(e, &entry))
                .map(|own| {
                    let mut batch = vec![waiting.remove(own)];
                    let others = waiting.len().min(queue.engine.lanes().max(1) - 1);
                    batch.extend(waiting.drain(..others));
                    batch
                })
        };
        if let Some(batch) = batch {
            queue.hash_pass(batch);
        }
        let state = {
            let mut state = lock(&entry.md5.state);
            while matches!(*state, State::Pending) {
                state = entry
                    .md5
                    .ready
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            }
            state.clone()
        };
        // The pass let go of the entry before handing over the md5, so this is the last holder.
        let input = Arc::try_unwrap(entry).map_or_else(|shared| shared.input.clone(), |e| e.input);
        let md5 = match state {
            State::Ready(md5) => md5,
            State::Pending | State::Abandoned => md5_hex(input.bytes().unwrap_or_default()),
        };
        (input, md5)
    }
}

impl Drop for Leave {
    fn drop(&mut self) {
        let gone = self.entry.as_ptr();
        lock(&self.queue.waiting).retain(|e| !std::ptr::eq(Arc::as_ptr(e), gone));
    }
}

/// The md5s a pass owes; any not handed over when it is dropped are marked abandoned, so no
/// worker waits forever on a pass that panicked.
struct Promise(Vec<Arc<Slot>>);

impl Promise {
    fn keep(mut self, md5s: impl Iterator<Item = String>) {
        for (slot, md5) in std::mem::take(&mut self.0).into_iter().zip(md5s) {
            slot.settle(State::Ready(md5));
        }
    }
}

impl Drop for Promise {
    fn drop(&mut self) {
        for slot in self.0.drain(..) {
            slot.settle(State::Abandoned);
        }
    }
}

impl Slot {
    fn settle(&self, to: State) {
        *lock(&self.state) = to;
        self.ready.notify_all();
    }
}

#[cfg(test)]
#[path = "md5_queue_tests.rs"]
mod tests;
