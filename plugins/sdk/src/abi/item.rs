use std::ffi::c_void;

use super::{UpBytes, UpStr};
use crate::{Format, OutputKind};

/// The stage wants the uploaded (encoded) bytes in `UpItem::original`.
pub const NEEDS_ENCODED: u32 = 1;
/// The stage wants the decoded, upright image as RGBA8 in `UpItem::pixels`.
pub const NEEDS_RGBA8: u32 = 2;

/// A stage's answer to `needs`. `flags == 0` means metadata only (no bytes, no decode).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpNeeds {
    pub flags: u32,
    /// With `NEEDS_RGBA8`: the smallest raster that will do (`u32::MAX` = full size).
    pub min_width: u32,
    pub min_height: u32,
}

/// A derived file already produced by an earlier stage (`present == 0`: none).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct UpOutputView {
    pub present: u32,
    pub format: u32,
    pub width: u32,
    pub height: u32,
    pub bytes: UpBytes,
}

/// The order of `UpItem::outputs` and the `kind` codes of `set_output`.
pub const OUTPUT_KINDS: [OutputKind; 4] = [
    OutputKind::Main,
    OutputKind::Thumb,
    OutputKind::Medium,
    OutputKind::Frame,
];

pub fn output_kind_code(kind: OutputKind) -> u32 {
    match kind {
        OutputKind::Main => 0,
        OutputKind::Thumb => 1,
        OutputKind::Medium => 2,
        OutputKind::Frame => 3,
    }
}

/// Changes a stage asks the host to make to the item. Applied after `process` returns `OK`
/// (nothing is applied on error). Every function returns a status.
#[repr(C)]
pub struct UpItemHost {
    pub ctx: *mut c_void,
    /// Replace the stored original bytes (e.g. with metadata removed).
    pub set_original: unsafe extern "C" fn(ctx: *mut c_void, bytes: UpBytes) -> i32,
    /// Set a metadata text field: `title`, `description`, `camera_make`, `camera_model`.
    pub set_meta: unsafe extern "C" fn(ctx: *mut c_void, key: UpStr, value: UpStr) -> i32,
    /// Set a derived file (an encoded image of `format`, `width`×`height`).
    pub set_output: unsafe extern "C" fn(
        ctx: *mut c_void,
        kind: u32,
        format: u32,
        width: u32,
        height: u32,
        bytes: UpBytes,
    ) -> i32,
    /// Have the host encode the (edited) pixels as the stored main file, in the format it would
    /// store anyway. Needs the full-size raster (`min_width = u32::MAX`).
    pub main_from_pixels: unsafe extern "C" fn(ctx: *mut c_void) -> i32,
}

/// One item as a stage sees it. Borrowed for the duration of the call. Append-only.
#[repr(C)]
pub struct UpItem {
    pub struct_size: u32,
    /// See [`format_code`].
    pub format: u32,
    /// Dimensions as stored in the file (before EXIF orientation).
    pub stored_width: u32,
    pub stored_height: u32,
    pub orientation: u32,
    pub frames: u32,
    pub is_animated: u32,
    pub client_name: UpStr,
    /// The item's metadata as a JSON object (the host's `Metadata`, read-only).
    pub meta_json: UpStr,
    /// The uploaded bytes when `NEEDS_ENCODED` was asked, else empty.
    pub original: UpBytes,
    /// Upright RGBA8 pixels, rows tightly packed, editable in place; null unless `NEEDS_RGBA8`.
    pub pixels: *mut u8,
    pub pixels_len: usize,
    pub width: u32,
    pub height: u32,
    pub outputs: [UpOutputView; 4],
    pub host: *const UpItemHost,
}

/// The stable number of a format on the ABI (0 = unknown).
pub fn format_code(f: Format) -> u32 {
    match f {
        Format::Jpeg => 1,
        Format::Png => 2,
        Format::Bmp => 3,
        Format::Gif => 4,
        Format::Webp => 5,
        Format::Avif => 6,
        Format::Mp4 => 7,
        Format::Mov => 8,
        Format::Webm => 9,
    }
}

pub fn format_from_code(code: u32) -> Option<Format> {
    Format::ALL.into_iter().find(|f| format_code(*f) == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_codes_round_trip_and_are_distinct() {
        for f in Format::ALL {
            assert_eq!(format_from_code(format_code(f)), Some(f));
        }
        assert_eq!(format_from_code(0), None);
    }
}
