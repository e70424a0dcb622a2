//! Spooling the `source` part to disk, and reading away what the server does not keep. A
//! client still sending when the server has its answer must have its body read (up to a
//! bound), or closing the connection resets it and the client never sees the answer.

use axum::body::Body;
use axum::extract::multipart::Field;
use axum::extract::Multipart;
use futures_util::StreamExt;

use super::spooled::{Spooled, Spooler};
use crate::state::AppState;

/// Whatever a client sends past the limits is read and thrown away up to this many more bytes;
/// past that the connection is dropped.
pub(crate) fn drain_allowance(state: &AppState) -> u64 {
    state.limits().max_bytes.max(1_048_576)
}

/// Reads and discards the rest of a field; `false` once the allowance is spent (stop reading).
pub(super) async fn drain(field: &mut Field<'_>, allowance: &mut u64) -> bool {
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => match allowance.checked_sub(chunk.len() as u64) {
                Some(left) => *allowance = left,
                None => return false,
            },
            Ok(None) => return true,
            Err(_) => return false,
        }
    }
}

pub(super) enum SpoolFailure {
    Body(axum::extract::multipart::MultipartError),
    Disk(std::io::Error),
}

/// Receives the `source` part (in memory or in a temp file, see [`Spooler`]) and, when `hash`
/// or when it went to a temp file, its md5 in the same pass; `None` when it went over
/// `max_bytes` (whatever was kept is dropped). `expected` is the request's announced length.
pub(super) async fn spool(
    field: &mut Field<'_>,
    state: &AppState,
    max_bytes: u64,
    expected: Option<u64>,
    hash: bool,
) -> Result<Option<(Spooled, Option<String>)>, SpoolFailure> {
    let mut spooler = Spooler::new(&state.body_memory, &state.temp_dir, expected, hash)
        .map_err(SpoolFailure::Disk)?;
    let mut bytes = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(SpoolFailure::Body)? {
        bytes += chunk.len() as u64;
        if bytes > max_bytes {
            return Ok(None);
        }
        spooler.push(&chunk).map_err(SpoolFailure::Disk)?;
    }
    spooler.finish().map(Some).map_err(SpoolFailure::Disk)
}

/// Reads and discards every remaining part, within the allowance.
pub(super) async fn drain_fields(mp: &mut Multipart, allowance: &mut u64) {
    while let Ok(Some(mut field)) = mp.next_field().await {
        if !drain(&mut field, allowance).await {
            return;
        }
    }
}

/// Reads and discards a whole body, within the allowance; `false` when it was not all read.
pub(crate) async fn discard(body: Body, mut allowance: u64) -> bool {
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return false;
        };
        match allowance.checked_sub(chunk.len() as u64) {
            Some(left) => allowance = left,
            None => return false,
        }
    }
    true
}
