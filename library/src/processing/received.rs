//! What a worker does with an upload besides the pipeline. The md5 as received, when it was not
//! taken while the body arrived (the HTTP adapter skips it when nothing needs it before
//! processing, such as an admin's upload; local imports and uploads hand over a path): beside the
//! pixels when a core is idle, first when every worker is busy, or, for a body that waited for a
//! worker, in one pass with the others waiting (`md5_queue`). A stage may rewrite the original in
//! place (GPS removal), so the hash is always of the bytes before the pipeline runs. And, with a
//! core idle, the write ahead of the original, so that storing it is a link.

use std::time::{Duration, Instant};

use upstage_core::{Input, ItemError, Pipeline};
use upstage_sdk::ItemContext;
use upstage_storage::{Ahead, Storage};

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

/// What a worker's run gives: the pipeline's result, the input's md5 (`known` when given, else
/// taken here), how long the item waited for the hash, and the original written ahead, when it
/// was (see [`write_ahead`]).
pub(crate) struct Ran {
    pub ctx: Result<ItemContext, ItemError>,
    pub md5: Option<String>,
    pub md5_wait: Duration,
    pub ahead: Option<Ahead>,
}

impl Ran {
    fn plain(ctx: Result<ItemContext, ItemError>, md5: Option<String>, md5_wait: Duration) -> Self {
        Ran {
            ctx,
            md5,
            md5_wait,
            ahead: None,
        }
    }
}

/// Runs the pipeline and takes the md5 the input still needs: a path is read into memory first,
/// as the pipeline would read it, and hashed from that one read. With a core idle, the hash and
/// the write ahead of the original (to `ahead_to`, when given) run beside the pixels.
pub(crate) fn run_and_hash(
    pipeline: &Pipeline,
    received: Received,
    beside: Beside,
    ahead_to: Option<AheadTo<'_>>,
) -> Ran {
    let (input, known) = match received {
        Received::Direct(input, known) => (input, known),
        Received::Queued(ticket) => {
            // A core idle now: no reason to make this body wait for a pass.
            let ticket = match beside {
                Beside::IdleCore => match ticket.take_back() {
                    Ok(input) => {
                        let direct = Received::Direct(input, None);
                        return run_and_hash(pipeline, direct, beside, ahead_to);
                    }
                    Err(ticket) => ticket,
                },
                Beside::Busy => ticket,
            };
            let start = Instant::now();
            let (input, md5) = ticket.claim();
            let spent = start.elapsed();
            return Ran::plain(pipeline.run(input), Some(md5), spent);
        }
    };
    let input = match known {
        Some(_) => input,
        None => match input.loaded(pipeline.limits()) {
            Ok(input) => input,
            Err(e) => return Ran::plain(Err(e), None, Duration::ZERO),
        },
    };
    match (beside, known) {
        (Beside::IdleCore, known) => beside_pixels(pipeline, input, known, ahead_to),
        (Beside::Busy, Some(known)) => Ran::plain(pipeline.run(input), Some(known), Duration::ZERO),
        (Beside::Busy, None) => hash_first(pipeline, input),
    }
}

/// The idle core's share: the md5 (on a copy of the input, when not known) and the write ahead
/// of the original, each on its own thread while this one makes the pixels.
fn beside_pixels(
    pipeline: &Pipeline,
    input: Input,
    known: Option<String>,
    ahead_to: Option<AheadTo<'_>>,
) -> Ran {
    std::thread::scope(|s| {
        let hashing = match (&known, input.bytes()) {
            (None, Some(bytes)) => {
                let copy = bytes.to_vec();
                let spawned = std::thread::Builder::new()
                    .name("upstage-md5".into())
                    .spawn_scoped(s, move || md5_hex(&copy));
                match spawned {
                    Ok(hashing) => Some(hashing),
                    // No thread to be had: hash here, as when every worker is busy.
                    Err(_) => return hash_first(pipeline, input),
                }
            }
            _ => None,
        };
        let mut writing = None;
        let ctx = pipeline.run_observed(input, &mut |ctx| {
            writing = ahead_to.and_then(|to| write_ahead(s, to, ctx));
        });
        let (md5, md5_wait) = match hashing {
            Some(hashing) => {
                let waited = Instant::now();
                // md5 of a byte slice cannot panic; a join error would be a bug elsewhere.
                (hashing.join().ok(), waited.elapsed())
            }
            None => (known, Duration::ZERO),
        };
        let ahead = writing.and_then(|w| w.join().ok().flatten());
        Ran {
            ctx,
            md5,
            md5_wait,
            ahead,
        }
    })
}

/// Originals larger than this are not copied to be written ahead: the copy would hold that much
/// memory again, outside the bodies' budget.
const AHEAD_MAX_BYTES: usize = 32 << 20;

/// Where an original is written ahead: the storage, and the folder (`images/2026/11/30/`) it
/// will most likely be stored in, so that the file and its final name share a filesystem.
#[derive(Clone, Copy)]
pub(crate) struct AheadTo<'a> {
    pub storage: &'a dyn Storage,
    pub folder: &'a str,
}

/// Starts writing the original, as it is when the pixel work begins, on its own thread: it is
/// then usually on disk and synced before its name is known (see `upstage_storage::Ahead`). Not
/// for an upload asking for a `width`, which stores a resized main file, nor when the backend
/// cannot (the original is then written when stored).
fn write_ahead<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    to: AheadTo<'scope>,
    ctx: &ItemContext,
) -> Option<std::thread::ScopedJoinHandle<'scope, Option<Ahead>>> {
    if !to.storage.can_stage()
        || ctx.options.width.is_some()
        || ctx.original.len() > AHEAD_MAX_BYTES
    {
        return None;
    }
    let copy = ctx.original.clone();
    std::thread::Builder::new()
        .name("upstage-ahead".into())
        .spawn_scoped(scope, move || match to.storage.stage(&copy, to.folder) {
            Ok(file) => Some(Ahead::new(copy, file)),
            Err(e) => {
                tracing::debug!("original not written ahead, it will be when stored: {e}");
                None
            }
        })
        .ok()
}

fn hash_first(pipeline: &Pipeline, input: Input) -> Ran {
    let start = Instant::now();
    let md5 = input.bytes().map(md5_hex);
    let spent = start.elapsed();
    Ran::plain(pipeline.run(input), md5, spent)
}

#[cfg(test)]
#[path = "received_tests.rs"]
mod tests;
