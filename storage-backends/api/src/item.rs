//! Storing a processed item: every chain member under one free name, or nothing at all.

use chrono::NaiveDate;
use serde::Serialize;
use upstage_sdk::{Format, ItemContext, OutputKind};

use crate::naming::{chain_key, date_folder, mixed_name, original_name, StorageMode};
use crate::{Ahead, KeyJournal, NoJournal, PutMode, Storage, StorageError, StorageErrorKind};

#[derive(Clone, Debug)]
pub struct StoreOptions {
    pub mode: StorageMode,
    /// The day the item is filed under (upload day, or the date taken with `use_file_date`).
    pub date: NaiveDate,
    /// How many names to try before giving up (the reference tries 25 for external storage).
    pub max_attempts: u32,
}

impl StoreOptions {
    pub fn new(mode: StorageMode, date: NaiveDate) -> Self {
        StoreOptions {
            mode,
            date,
            max_attempts: 25,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct StoredFile {
    pub kind: OutputKind,
    pub key: String,
    pub public_url: Option<String>,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    pub mime: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct StoredItem {
    /// The file name without extension, shared by every chain member.
    pub name: String,
    pub extension: String,
    pub folder: String,
    pub files: Vec<StoredFile>,
}

impl StoredItem {
    pub fn file(&self, kind: OutputKind) -> Option<&StoredFile> {
        self.files.iter().find(|f| f.kind == kind)
    }
}

struct Member<'a> {
    kind: OutputKind,
    bytes: &'a [u8],
    format: Format,
    ext: &'a str,
    size: (u32, u32),
}

fn members(ctx: &ItemContext) -> (String, Vec<Member<'_>>) {
    let main_format = ctx.main_format();
    // The reference keeps `jpg` when the client named a JPEG that way.
    let main_ext =
        if main_format == Format::Jpeg && ctx.client_name.to_ascii_lowercase().ends_with(".jpg") {
            "jpg"
        } else {
            main_format.extension()
        };
    let (main_bytes, main_size) = match &ctx.outputs.main {
        Some(o) => (o.bytes.as_slice(), (o.width, o.height)),
        None => (ctx.original.as_slice(), ctx.meta.upright_size()),
    };
    let mut list = vec![Member {
        kind: OutputKind::Main,
        bytes: main_bytes,
        format: main_format,
        ext: main_ext,
        size: main_size,
    }];
    for kind in [OutputKind::Frame, OutputKind::Medium, OutputKind::Thumb] {
        if let Some(o) = ctx.outputs.get(kind) {
            let ext = if o.format == main_format {
                main_ext
            } else {
                o.format.extension()
            };
            list.push(Member {
                kind,
                bytes: &o.bytes,
                format: o.format,
                ext,
                size: (o.width, o.height),
            });
        }
    }
    (main_ext.to_owned(), list)
}

/// Write the main file and every derived file of `ctx`. Names are claimed with create-only writes,
/// so two uploads of `cat.jpg` at once get `cat.jpg` and `cat<16 hex>.jpg`, never one file.
/// On failure every file already written for this item is removed again.
pub fn store_item(
    storage: &dyn Storage,
    ctx: &ItemContext,
    opts: &StoreOptions,
) -> Result<StoredItem, StorageError> {
    store_item_journaled(storage, ctx, opts, &mut NoJournal)
}

/// [`store_item`] with each naming attempt's keys claimed in `journal` before they are written
/// and released when the attempt leaves nothing behind. A claim stays when its files could not
/// be removed (storage down), so a reconciler can finish the job.
pub fn store_item_journaled(
    storage: &dyn Storage,
    ctx: &ItemContext,
    opts: &StoreOptions,
    journal: &mut dyn KeyJournal,
) -> Result<StoredItem, StorageError> {
    store_item_ahead(storage, ctx, opts, journal, None)
}

/// [`store_item_journaled`] with a file written ahead (see [`Ahead`]): the member whose bytes
/// it holds is given its name by a link instead of being written again.
pub fn store_item_ahead(
    storage: &dyn Storage,
    ctx: &ItemContext,
    opts: &StoreOptions,
    journal: &mut dyn KeyJournal,
    ahead: Option<&Ahead>,
) -> Result<StoredItem, StorageError> {
    let folder = date_folder(opts.mode, opts.date);
    let base = original_name(&ctx.client_name);
    let (extension, members) = members(ctx);
    for attempt in 0..opts.max_attempts.max(1) {
        let name = if attempt == 0 {
            base.clone()
        } else {
            mixed_name(&base)
        };
        let keys: Vec<String> = members
            .iter()
            .map(|m| chain_key(&folder, &name, m.kind, m.ext))
            .collect();
        if !journal.claim(&keys)? {
            continue;
        }
        match write_all(storage, &keys, &members, ahead) {
            Ok(files) => {
                return Ok(StoredItem {
                    name,
                    extension,
                    folder,
                    files,
                })
            }
            Err(Failed { error, cleaned }) => {
                if cleaned {
                    journal.release(&keys)?;
                }
                if error.kind != StorageErrorKind::AlreadyExists {
                    return Err(error);
                }
            }
        }
    }
    Err(StorageError::new(
        StorageErrorKind::AlreadyExists,
        format!(
            "no free file name for {base} after {} attempts",
            opts.max_attempts
        ),
    ))
}

/// A failed attempt; `cleaned` tells whether every file it wrote was removed again.
struct Failed {
    error: StorageError,
    cleaned: bool,
}

/// Writes the item's files at once: they are independent, so an item costs its slowest file's
/// write and sync rather than the sum of all of them (a stalled sync, then, is paid once). The
/// first file is written on this thread, the others on scoped threads (inline when a thread
/// cannot be started).
fn write_all(
    storage: &dyn Storage,
    keys: &[String],
    members: &[Member<'_>],
    ahead: Option<&Ahead>,
) -> Result<Vec<StoredFile>, Failed> {
    let put = |m: &Member<'_>, key: &String| {
        let write = || storage.put(key, m.format.mime(), m.bytes, PutMode::CreateNew);
        match ahead.and_then(|a| a.holding(m.bytes)) {
            // A taken name is the caller's to retry; any other failure to link (another
            // filesystem, say) leaves the bytes to an ordinary write.
            Some(staged) => staged.link(key).or_else(|e| match e.kind {
                StorageErrorKind::AlreadyExists => Err(e),
                _ => write(),
            }),
            None => write(),
        }
        .map(|stored| StoredFile {
            kind: m.kind,
            key: stored.key,
            public_url: stored.public_url,
            bytes: m.bytes.len() as u64,
            width: m.size.0,
            height: m.size.1,
            mime: m.format.mime(),
        })
    };
    let results: Vec<Result<StoredFile, StorageError>> = std::thread::scope(|scope| {
        let mut pairs = members.iter().zip(keys);
        let first = pairs.next();
        let started: Vec<_> = pairs
            .map(|(m, key)| {
                std::thread::Builder::new()
                    .name("upstage-put".into())
                    .spawn_scoped(scope, move || put(m, key))
                    .map_err(|_| (m, key))
            })
            .collect();
        let mut out: Vec<_> = first.into_iter().map(|(m, key)| put(m, key)).collect();
        for s in started {
            out.push(match s {
                Ok(handle) => handle.join().unwrap_or_else(|_| {
                    Err(StorageError::new(
                        StorageErrorKind::Backend,
                        "a storage write panicked",
                    ))
                }),
                Err((m, key)) => put(m, key),
            });
        }
        out
    });
    let (written, errors): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    let written: Vec<StoredFile> = written.into_iter().filter_map(Result::ok).collect();
    // A refused name only means "try another" when nothing worse happened to the others.
    let Some(error) = errors
        .into_iter()
        .filter_map(Result::err)
        .min_by_key(|e| e.kind == StorageErrorKind::AlreadyExists)
    else {
        return Ok(written);
    };
    let mut cleaned = true;
    for f in &written {
        if let Err(undo) = storage.delete(&f.key) {
            tracing::warn!(key = %f.key, "could not remove a partly stored item: {undo}");
            cleaned = false;
        }
    }
    Err(Failed { error, cleaned })
}
