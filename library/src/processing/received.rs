//! The md5 of an upload as received, when it was not taken while the body arrived (the HTTP
//! adapter skips it when nothing needs it before processing, such as an admin's upload; local
//! imports and uploads hand over a path): beside the pixels when a core is idle, first when every
//! worker is busy, or, for a body that waited for a worker, in one pass with the others waiting
//! (`md5_queue`). A stage may rewrite the original in place (GPS removal), so the hash is always
//! of the bytes before the pipeline runs.

use std::time::{Duration, Instant};

use upstage_core::{Input, ItemError, Pipeline};
use upstage_sdk::ItemContext;

use super::md5_hex;
use super::md5_queue::Ticket;

/// An upload as its worker gets it.
// One per upload, moved once into its worker: boxing the input would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Received {
    /// With its md5 when taken already.
    Direct(Input, Option<String>),
    /// Waiting in the md5 queue: hashed with the others waiting.
    Queued(Ticket),
}

/// Where the hash runs when the pipeline needs it taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Beside {
    /// Another worker is idle, and so is a core: hashed on its own thread during the pixel work,
    /// on a copy of the input. A lone upload then does not wait for it.
    IdleCore,
    /// Every worker is busy: hashed first on this thread, as the copy would only add work.
    Busy,
}

/// The pipeline's result and the input's md5 (`known` when given, else taken here: a path is
/// read into memory first, as the pipeline would read it, and hashed from that one read), and
/// how long the item waited for the hash.
pub(crate) fn run_and_hash(
    pipeline: &Pipeline,
    received: Received,
    beside: Beside,
) -> (Result<ItemContext, ItemError>, Option<String>, Duration) {
    let (input, known) = match received {
        Received::Direct(input, known) => (input, known),
        Received::Queued(ticket) => {
            // A core idle now: no reason to make this body wait for a pass.
            let ticket = match beside {
                Beside::IdleCore => match ticket.take_back() {
                    Ok(input) => {
                        return run_and_hash(pipeline, Received::Direct(input, None), beside)
                    }
                    Err(ticket) => ticket,
                },
                Beside::Busy => ticket,
            };
            let start = Instant::now();
            let (input, md5) = ticket.claim();
            let spent = start.elapsed();
            return (pipeline.run(input), Some(md5), spent);
        }
    };
    if known.is_some() {
        return (pipeline.run(input), known, Duration::ZERO);
    }
    let input = match input.loaded(pipeline.limits()) {
        Ok(input) => input,
        Err(e) => return (Err(e), None, Duration::ZERO),
    };
    let Some(bytes) = input.bytes() else {
        return (pipeline.run(input), None, Duration::ZERO);
    };
    if beside == Beside::IdleCore {
        let copy = bytes.to_vec();
        return std::thread::scope(|s| {
            let hashing = std::thread::Builder::new()
                .name("upstage-md5".into())
                .spawn_scoped(s, move || md5_hex(&copy));
            match hashing {
                Ok(hashing) => {
                    let ctx = pipeline.run(input);
                    let waited = Instant::now();
                    // md5 of a byte slice cannot panic; a join error would be a bug elsewhere.
                    let md5 = hashing.join().ok();
                    (ctx, md5, waited.elapsed())
                }
                // No thread to be had: hash here, as when every worker is busy.
                Err(_) => hash_first(pipeline, input),
            }
        });
    }
    hash_first(pipeline, input)
}

fn hash_first(
    pipeline: &Pipeline,
    input: Input,
) -> (Result<ItemContext, ItemError>, Option<String>, Duration) {
    let start = Instant::now();
    let md5 = input.bytes().map(md5_hex);
    let spent = start.elapsed();
    (pipeline.run(input), md5, spent)
}

#[cfg(test)]
#[path = "received_tests.rs"]
mod tests;
