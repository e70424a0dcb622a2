//! What a processed item becomes: its files stored (all or nothing, the file written ahead
//! linked when it holds the very bytes) and the facts the library keeps of it, md5s included.

use std::time::Duration;

use upstage_sdk::{DateTaken, Format, ItemContext, OutputKind};
use upstage_storage::{
    store_item_ahead, Ahead, Storage, StorageErrorKind, StoreOptions, StoredItem,
};

use super::timing::TimedJournal;
use super::{md5_hex, FilingDate, Timings};
use crate::journal::DbJournal;
use crate::LibraryError;

/// What the library keeps of a processed, stored item.
#[derive(Debug, Clone)]
pub struct Processed {
    pub stored: StoredItem,
    pub format: Format,
    pub width: u32,
    pub height: u32,
    pub md5: String,
    /// md5 of the upload as received, when the stored main file differs from it (resized, or
    /// GPS removed); `None` otherwise.
    pub source_md5: Option<String>,
    pub is_animated: bool,
    pub duration: u64,
    pub date_taken: Option<DateTaken>,
    pub exif_title: Option<String>,
    pub exif_description: Option<String>,
    /// The UTC date the item was filed under.
    pub filed_gmt: chrono::NaiveDateTime,
    pub timings: Timings,
}

impl Processed {
    pub fn size_of(&self, kind: OutputKind) -> i64 {
        self.stored.file(kind).map_or(0, |f| f.bytes as i64)
    }
}

/// Where and how a processed item is stored.
pub(super) struct Place<'a> {
    pub storage: &'a dyn Storage,
    pub journal: &'a mut DbJournal,
    pub mode: upstage_storage::StorageMode,
    pub tz: chrono_tz::Tz,
}

/// Files a processed item's outputs (all or nothing); `store` timing is set by the caller.
pub(super) fn store(
    place: Place<'_>,
    ctx: ItemContext,
    filing: FilingDate,
    upload_md5: Option<String>,
    ahead: Option<&Ahead>,
) -> Result<Processed, LibraryError> {
    let mut timings = Timings::default();
    timings.add_stages(&ctx.timings);
    let filed_gmt = filing(&ctx);
    let local_day = chrono::TimeZone::from_utc_datetime(&place.tz, &filed_gmt).date_naive();
    let opts = StoreOptions::new(place.mode, local_day);
    let mut timed = TimedJournal {
        inner: &mut *place.journal,
        spent: Duration::ZERO,
    };
    let stored = store_item_ahead(place.storage, &ctx, &opts, &mut timed, ahead);
    timings.claim = timed.spent;
    let stored = stored.map_err(|e| match (e.kind, place.journal.take_failure()) {
        // The database refused the claims: nothing was written.
        (StorageErrorKind::Journal, Some(db)) => LibraryError::NotRecorded(db),
        _ => LibraryError::Storage(e),
    })?;
    let (width, height) = ctx.main_size();
    let (md5, source_md5) = item_md5s(&ctx, upload_md5);
    Ok(Processed {
        format: ctx.main_format(),
        width,
        height,
        md5,
        source_md5,
        is_animated: ctx.meta.is_animated,
        // Whole seconds, truncated, as the reference stores it.
        duration: ctx.meta.duration_seconds.map_or(0, |d| d.max(0.0) as u64),
        date_taken: ctx.meta.date_taken,
        exif_title: ctx.meta.title.clone(),
        exif_description: ctx.meta.description.clone(),
        filed_gmt,
        stored,
        timings,
    })
}

/// md5 of the stored main file and of the upload as received (when they differ). The upload's
/// md5 was taken before any stage ran (while it was received, or by `received.rs`); the
/// original is hashed again only when a stage rewrote it (GPS removal, a plugin's new bytes).
fn item_md5s(ctx: &ItemContext, upload_md5: Option<String>) -> (String, Option<String>) {
    let received = || upload_md5.clone().unwrap_or_else(|| md5_hex(&ctx.original));
    match &ctx.outputs.main {
        Some(main) => (md5_hex(&main.bytes), Some(received())),
        None if ctx.meta.gps_removed || ctx.meta.original_rewritten => {
            (md5_hex(&ctx.original), upload_md5.clone())
        }
        None => (received(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use upstage_sdk::{Output, UploadOptions};

    #[test]
    fn the_main_md5_is_of_the_bytes_stored() {
        let sent = md5_hex(b"sent");
        let item = |edit: fn(&mut ItemContext)| {
            let mut ctx = ItemContext::new(
                "a.jpg".into(),
                Format::Jpeg,
                UploadOptions::default(),
                b"sent".to_vec(),
            );
            edit(&mut ctx);
            item_md5s(&ctx, Some(sent.clone()))
        };
        let stored_as_sent = item(|_| {});
        assert_eq!(stored_as_sent, (sent.clone(), None));
        let gps_removed = item(|c| {
            c.original = b"no gps".to_vec();
            c.meta.gps_removed = true;
        });
        assert_eq!(gps_removed, (md5_hex(b"no gps"), Some(sent.clone())));
        let replaced = item(|c| {
            c.original = b"a plugin's".to_vec();
            c.meta.original_rewritten = true;
        });
        assert_eq!(replaced, (md5_hex(b"a plugin's"), Some(sent.clone())));
        let resized = item(|c| {
            c.outputs.main = Some(Output {
                bytes: b"smaller".to_vec(),
                format: Format::Jpeg,
                width: 1,
                height: 1,
            })
        });
        assert_eq!(resized, (md5_hex(b"smaller"), Some(sent)));
    }
}
