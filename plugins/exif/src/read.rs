//! From a parsed EXIF block to [`Metadata`]: capture date with its offset, orientation, title,
//! description and camera. Only the primary image's IFDs count; the thumbnail's tags describe the
//! thumbnail.

use exif::{Context, Exif, In, Reader, Tag, Value};
use upstage_sdk::{DateSource, DateTaken, Metadata};

use crate::date::{parse_datetime, parse_offset};
use crate::text::{from_ascii, from_utf16le, is_placeholder};

const XP_TITLE: Tag = Tag(Context::Tiff, 0x9C9B);
const XP_COMMENT: Tag = Tag(Context::Tiff, 0x9C9C);
const XP_SUBJECT: Tag = Tag(Context::Tiff, 0x9C9F);
/// Some phones (HTC) write Make and Model into the Exif IFD instead of IFD0.
const EXIF_IFD_MAKE: Tag = Tag(Context::Exif, 0x010F);
const EXIF_IFD_MODEL: Tag = Tag(Context::Exif, 0x0110);

/// Date tags in order of preference, each with the offset tag that belongs to it.
const DATE_SOURCES: [(Tag, Tag, DateSource); 3] = [
    (
        Tag::DateTimeOriginal,
        Tag::OffsetTimeOriginal,
        DateSource::DateTimeOriginal,
    ),
    (
        Tag::DateTimeDigitized,
        Tag::OffsetTimeDigitized,
        DateSource::DateTimeDigitized,
    ),
    (Tag::DateTime, Tag::OffsetTime, DateSource::DateTime),
];

/// Parses a TIFF block, keeping whatever could be read before an error: one bad field or a
/// broken thumbnail IFD should not cost the capture date. `None` when nothing is readable.
pub(crate) fn parse(tiff: &[u8]) -> Option<Exif> {
    match Reader::new()
        .continue_on_error(true)
        .read_raw(tiff.to_vec())
    {
        Ok(exif) => Some(exif),
        Err(e) => match e.distill_partial_result(|errors| {
            tracing::debug!(
                errors = errors.len(),
                "EXIF partly unreadable; using the rest"
            );
        }) {
            Ok(exif) => Some(exif),
            Err(e) => {
                tracing::debug!("EXIF unreadable, ignored: {e}");
                None
            }
        },
    }
}

/// Fills the EXIF-derived fields of `meta`. Fields the block does not have are left as they were,
/// except orientation, which is 1 unless the block says otherwise.
pub(crate) fn apply(exif: &Exif, meta: &mut Metadata) {
    meta.orientation = orientation(exif);
    let make = ascii(exif, Tag::Make).or_else(|| ascii(exif, EXIF_IFD_MAKE));
    let model = ascii(exif, Tag::Model).or_else(|| ascii(exif, EXIF_IFD_MODEL));
    if let Some(date) = date_taken(exif) {
        meta.date_taken = Some(date);
    }
    if let Some(title) = xp(exif, XP_TITLE) {
        meta.title = Some(title);
    }
    let description = ascii(exif, Tag::ImageDescription)
        .filter(|d| !is_placeholder(d, make.as_deref(), model.as_deref()))
        .or_else(|| xp(exif, XP_COMMENT))
        .or_else(|| xp(exif, XP_SUBJECT));
    if let Some(description) = description {
        meta.description = Some(description);
    }
    if make.is_some() {
        meta.camera_make = make;
    }
    if model.is_some() {
        meta.camera_model = model;
    }
}

/// The first date tag that parses, with its own offset tag, else an offset written into the date
/// value itself. An unreadable offset leaves the date local-only rather than dropping it.
fn date_taken(exif: &Exif) -> Option<DateTaken> {
    DATE_SOURCES
        .iter()
        .find_map(|&(date_tag, offset_tag, source)| {
            let (local, inline_offset) = parse_datetime(raw_text(exif, date_tag)?)?;
            let offset = raw_text(exif, offset_tag)
                .and_then(parse_offset)
                .or(inline_offset);
            Some(DateTaken {
                local,
                offset,
                source,
            })
        })
}

/// Orientation 1..=8; anything else (absent, 0, 9, a string) means upright.
fn orientation(exif: &Exif) -> u8 {
    field(exif, Tag::Orientation)
        .and_then(|v| v.get_uint(0))
        .and_then(|o| u8::try_from(o).ok())
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1)
}

fn ascii(exif: &Exif, tag: Tag) -> Option<String> {
    raw_text(exif, tag).and_then(from_ascii)
}

fn xp(exif: &Exif, tag: Tag) -> Option<String> {
    match field(exif, tag)? {
        Value::Byte(bytes) | Value::Undefined(bytes, _) => from_utf16le(bytes),
        _ => None,
    }
}

/// The bytes of a text-like value. ASCII is what the standard says; some writers use BYTE or
/// UNDEFINED for the same text.
fn raw_text(exif: &Exif, tag: Tag) -> Option<&[u8]> {
    match field(exif, tag)? {
        Value::Ascii(parts) => parts.iter().find(|p| !p.is_empty()).map(Vec::as_slice),
        Value::Byte(bytes) | Value::Undefined(bytes, _) => Some(bytes.as_slice()),
        _ => None,
    }
}

fn field(exif: &Exif, tag: Tag) -> Option<&Value> {
    exif.get_field(tag, In::PRIMARY).map(|f| &f.value)
}
