//! JPEG decoding through libjpeg-turbo's decoder (vendored in `mozjpeg-sys`, built with `cc`):
//! its Huffman decoder is the fastest we measured, and it decodes straight to 1/2, 1/4 or 1/8
//! scale in the DCT domain, skipping most IDCT, upsampling and colour-conversion work. Progressive
//! files are first cut down to the scans that scale needs ([`scans::prune`]). CMYK/YCCK files,
//! which libjpeg cannot turn into RGB, go through zune-jpeg at full size.

use std::panic::{catch_unwind, AssertUnwindSafe};

use mozjpeg::{ColorSpace as JColor, Decompress};
use upstage_sdk::{ErrorCode, PixelLayout, PixelRequest, Raster};
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;

use super::{jpeg_denominator, scans};
use crate::ItemError;

pub fn decode(bytes: &[u8], full: (u32, u32), want: PixelRequest) -> Result<Raster, ItemError> {
    require_end_of_image(bytes)?;
    let d = jpeg_denominator(full, want);
    let pruned = if d > 1 { scans::prune(bytes, d) } else { None };
    match decode_turbo(pruned.as_deref().unwrap_or(bytes), d)? {
        Some(r) => Ok(r),
        None => decode_full_cmyk(bytes),
    }
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

/// Decode at 1/`d` scale to RGB. `Ok(None)` for colour spaces libjpeg cannot convert to RGB.
/// libjpeg reports fatal errors by unwinding out of its error handler (the `mozjpeg` crate's
/// `C-unwind` callback): caught here and returned as a corrupt-file error.
pub fn decode_turbo(bytes: &[u8], d: u32) -> Result<Option<Raster>, ItemError> {
    let result = catch_unwind(AssertUnwindSafe(|| -> std::io::Result<Option<Raster>> {
        let mut dec = Decompress::builder().from_mem(bytes)?;
        if matches!(dec.color_space(), JColor::JCS_CMYK | JColor::JCS_YCCK) {
            return Ok(None);
        }
        // 8/d: libjpeg's scaled IDCTs for 1/2, 1/4 and 1/8.
        dec.scale((8 / d.clamp(1, 8)) as u8);
        // Smoothing guesses the AC coefficients a pruned stream no longer carries; the scaled
        // IDCT does not need them, and guessing costs time.
        dec.do_block_smoothing(false);
        let mut started = dec.rgb()?;
        let (w, h) = (started.width() as u32, started.height() as u32);
        let data = started.read_scanlines::<u8>()?;
        started.finish()?;
        Ok(Raster::new(w, h, PixelLayout::Rgb8, data))
    }));
    match result {
        Ok(Ok(Some(r))) => Ok(Some(r)),
        Ok(Ok(None)) => Ok(None),
        Ok(Err(e)) => Err(corrupt(e)),
        Err(panic) => Err(corrupt(
            panic
                .downcast_ref::<String>()
                .map_or("libjpeg error", String::as_str),
        )),
    }
}

fn decode_full_cmyk(bytes: &[u8]) -> Result<Raster, ItemError> {
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
