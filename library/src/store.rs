//! Process an input, store its files (all or nothing), record its row and tags. The upload
//! endpoint (after its HTTP checks) and the local import both come here, so both file items
//! identically.

use chrono::{NaiveDateTime, Utc};
use upstage_core::Input;

use crate::auth::{random_hex, Caller};
use crate::db::ImageRow;
use crate::journal::DbJournal;
use crate::options::Options;
use crate::processing::{Processed, Timings};
use crate::record::new_row;
use crate::{Library, LibraryError};

/// Which date an item was filed under (sent as `X-Upstage-Date-Source`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateUsed {
    /// The EXIF tag named.
    Taken(upstage_sdk::DateSource),
    /// The file's modification time (import with `--use-mtime-fallback`).
    Mtime,
    Upload,
}

impl DateUsed {
    pub fn as_str(self) -> &'static str {
        match self {
            DateUsed::Taken(upstage_sdk::DateSource::DateTimeOriginal) => "DateTimeOriginal",
            DateUsed::Taken(upstage_sdk::DateSource::DateTimeDigitized) => "DateTimeDigitized",
            DateUsed::Taken(upstage_sdk::DateSource::DateTime) => "DateTime",
            DateUsed::Mtime => "mtime",
            DateUsed::Upload => "upload",
        }
    }
}

pub struct Recorded {
    pub row: ImageRow,
    pub tags: Vec<String>,
    /// The delete token, shown once.
    pub token: String,
    pub date_used: DateUsed,
    pub timings: Timings,
}

/// The UTC instant of a date taken: its own offset, else the camera clock read in the site zone.
fn taken_utc(d: &upstage_sdk::DateTaken, tz: chrono_tz::Tz) -> Option<NaiveDateTime> {
    d.utc().map(|u| u.naive_utc()).or_else(|| {
        chrono::TimeZone::from_local_datetime(&tz, &d.local)
            .earliest()
            .map(|t| t.naive_utc())
    })
}

/// `fallback` (UTC) is used instead of the upload time when `use_file_date` finds no date;
/// `upload_md5` is the input's md5 when it was taken while receiving it.
pub async fn record_upload(
    state: &Library,
    input: Input,
    opts: &Options,
    caller: &Caller,
    ip: &str,
    fallback: Option<NaiveDateTime>,
    upload_md5: Option<String>,
) -> Result<Recorded, LibraryError> {
    let now = Utc::now().naive_utc();
    let client_name = input.client_name.clone();
    let input = input.with_options(opts.upload.clone());
    let use_file_date = opts.upload.use_file_date;
    let tz = state.tz;
    let filing = Box::new(move |ctx: &upstage_sdk::ItemContext| {
        match ctx.meta.date_taken.as_ref().filter(|_| use_file_date) {
            Some(d) => taken_utc(d, tz).unwrap_or(now),
            None if use_file_date => fallback.unwrap_or(now),
            None => now,
        }
    });
    // Files are claimed under this token before they are written (see `crate::reconcile`).
    let upload = random_hex(16);
    let journal = DbJournal::new(state.db.clone(), upload.clone());
    let processed = state
        .processor
        .process(input, state.storage_mode, tz, filing, journal, upload_md5)
        .await?;
    let date_used = match (&processed.date_taken, use_file_date) {
        (Some(d), true) if taken_utc(d, tz).is_some() => DateUsed::Taken(d.source),
        (_, true) if fallback.is_some() => DateUsed::Mtime,
        _ => DateUsed::Upload,
    };
    let token = random_hex(24);
    let row = new_row(state, &processed, opts, caller, &client_name, ip, &token);
    let claimed = processed.stored.files.len();
    let recording = std::time::Instant::now();
    let id = match state
        .db
        .record_image(&row, &opts.upload.tags, &upload, claimed)
        .await
    {
        Ok(id) => id,
        Err(e) => {
            abandon(state, &processed, &upload, claimed).await;
            return Err(LibraryError::NotRecorded(e));
        }
    };
    let timings = Timings {
        db: recording.elapsed(),
        ..processed.timings.clone()
    };
    Ok(Recorded {
        row: ImageRow { id, ..row },
        tags: opts.upload.tags.clone(),
        token,
        date_used,
        timings,
    })
}

/// After a failed record. All claims still held means the transaction did not commit (a commit
/// drops them), so the files are ours to remove, then the claims. Otherwise — claims gone, or the
/// database unreadable — the reconciler decides later, from what was committed.
async fn abandon(state: &Library, p: &Processed, upload: &str, claimed: usize) {
    let keys: Vec<String> = p.stored.files.iter().map(|f| f.key.clone()).collect();
    match state.db.claims_of(upload).await {
        Ok(held) if held == claimed as i64 => {
            if remove_files(state, keys.clone()).await {
                if let Err(e) = state.db.release_keys(upload, &keys).await {
                    tracing::warn!("file claims of a failed upload left to the reconciler: {e}");
                }
            }
        }
        Ok(_) => {}
        Err(e) => tracing::warn!("files of a failed upload left to the reconciler: {e}"),
    }
}

/// Off the async workers: a storage backend may block on the network (object storage). True
/// when every file is gone.
async fn remove_files(state: &Library, keys: Vec<String>) -> bool {
    let storage = state.storage.clone();
    tokio::task::spawn_blocking(move || {
        let mut all = true;
        for key in keys {
            match storage.delete(&key) {
                Ok(()) => {}
                Err(e) if e.kind == upstage_storage::StorageErrorKind::NotFound => {}
                Err(e) => {
                    tracing::warn!(key = %key, "could not remove a file of a failed upload: {e}");
                    all = false;
                }
            }
        }
        all
    })
    .await
    .unwrap_or(false)
}
