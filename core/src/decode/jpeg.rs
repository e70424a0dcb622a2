//! JPEG decoding. Full-size decodes use zune-jpeg (the fastest entropy decoder in Rust); reduced
//! decodes use jpeg-decoder's DCT-domain scaling, which skips most of the IDCT, upsampling and
//! colour-conversion work when only 1/2, 1/4 or 1/8 of the resolution is needed.

use std::io::Cursor;

use upstage_sdk::{ErrorCode, PixelLayout, PixelRequest, Raster};
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;

use super::{jpeg_denominator, scans};
use crate::ItemError;

pub fn decode(bytes: &[u8], full: (u32, u32), want: PixelRequest) -> Result<Raster, ItemError> {
    require_end_of_image(bytes)?;
    let d = jpeg_denominator(full, want);
    if d > 1 {
        let pruned = scans::prune(bytes, scans::highest_coefficient(d));
        if let Some(r) = decode_scaled(pruned.as_deref().unwrap_or(bytes), full, d)? {
            return Ok(r);
        }
    }
    decode_full(bytes)
}

/// A JPEG cut short still "decodes" in most libraries (the rest is grey): we refuse it so a broken
/// upload is reported rather than stored. Some cameras append data after EOI, so look near the end.
fn require_end_of_image(bytes: &[u8]) -> Result<(), ItemError> {
    let tail = &bytes[bytes.len().saturating_sub(64 * 1024)..];
    if tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
        Ok(())
    } else {
        Err(ItemError::new(
            ErrorCode::Truncated,
            "JPEG is truncated: no end-of-image marker",
        ))
    }
}

fn corrupt(e: impl std::fmt::Display) -> ItemError {
    ItemError::new(ErrorCode::Corrupt, format!("Cannot decode JPEG: {e}"))
}

fn decode_full(bytes: &[u8]) -> Result<Raster, ItemError> {
    let opts = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::RGB)
        .set_max_width(1 << 16)
        .set_max_height(1 << 16);
    let mut dec = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), opts);
    let data = dec.decode().map_err(corrupt)?;
    let (w, h) = dec
        .dimensions()
        .ok_or_else(|| corrupt("no dimensions after decode"))?;
    Raster::new(w as u32, h as u32, PixelLayout::Rgb8, data)
        .ok_or_else(|| corrupt("decoder returned a buffer of the wrong size"))
}

/// `Ok(None)` when the scaled decoder cannot produce RGB for this file (e.g. CMYK): the caller
/// falls back to a full decode.
fn decode_scaled(bytes: &[u8], full: (u32, u32), d: u32) -> Result<Option<Raster>, ItemError> {
    let mut dec = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    dec.read_info().map_err(corrupt)?;
    let want_w = u16::try_from(full.0.div_ceil(d)).map_err(corrupt)?;
    let want_h = u16::try_from(full.1.div_ceil(d)).map_err(corrupt)?;
    let (w, h) = dec.scale(want_w, want_h).map_err(corrupt)?;
    let pixels = dec.decode().map_err(corrupt)?;
    let Some(info) = dec.info() else {
        return Ok(None);
    };
    let (w, h) = (u32::from(w), u32::from(h));
    let data = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => pixels,
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
        _ => return Ok(None),
    };
    Ok(Raster::new(w, h, PixelLayout::Rgb8, data))
}
