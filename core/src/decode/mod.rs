//! One decode per item, at the smallest size every remaining stage can work from.

mod generic;
mod jpeg;
pub mod scans;
// The one FFI binding outside the plugin boundary: libwebp's scaling decoder has no safe wrapper
// (the `webp` crate decodes at full size only). Every unsafe block states its contract.
#[allow(unsafe_code)]
mod webp;

pub use jpeg::decode_turbo as decode_jpeg_scaled;

use upstage_sdk::{ErrorCode, Format, ItemContext, PixelRequest, Raster};

use crate::{orient, ItemError};

/// Decode `ctx.original` into an upright raster at least as large as `request` (upright
/// coordinates; clamped to the image). JPEG uses DCT-domain downscaling when the request allows,
/// WebP libwebp's scaling decoder.
pub fn decode_for(ctx: &ItemContext, request: PixelRequest) -> Result<Raster, ItemError> {
    // Requests are upright; the file is stored rotated for orientations 5..=8.
    let stored = if ctx.meta.swaps_axes() {
        PixelRequest {
            min_width: request.min_height,
            min_height: request.min_width,
        }
    } else {
        request
    };
    let raster = match ctx.format {
        Format::Jpeg => jpeg::decode(
            &ctx.original,
            (ctx.meta.stored_width, ctx.meta.stored_height),
            stored,
        )?,
        Format::Webp => match webp::decode(&ctx.original, stored)? {
            Some(r) => r,
            None => generic::decode(&ctx.original, ctx.format)?,
        },
        Format::Png | Format::Gif | Format::Bmp => generic::decode(&ctx.original, ctx.format)?,
        other => {
            return Err(ItemError::new(
                ErrorCode::CodecUnavailable,
                format!("No pixel decoder for {other} in this pipeline"),
            ))
        }
    };
    orient::apply(raster, ctx.meta.orientation)
}

/// The largest JPEG scale denominator (8, 4, 2 or 1) whose output still covers `want` on both
/// axes. Scaled sizes round up, as libjpeg's do.
pub(crate) fn jpeg_denominator(full: (u32, u32), want: PixelRequest) -> u32 {
    let want_w = want.min_width.min(full.0);
    let want_h = want.min_height.min(full.1);
    [8u32, 4, 2]
        .into_iter()
        .find(|d| full.0.div_ceil(*d) >= want_w && full.1.div_ceil(*d) >= want_h)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_largest_sufficient_denominator() {
        let medium = PixelRequest {
            min_width: 750,
            min_height: 320,
        };
        assert_eq!(jpeg_denominator((6000, 4000), medium), 8);
        assert_eq!(jpeg_denominator((4000, 3000), medium), 4);
        assert_eq!(jpeg_denominator((1000, 800), medium), 1);
        assert_eq!(jpeg_denominator((700, 500), medium), 1);
        assert_eq!(jpeg_denominator((4000, 3000), PixelRequest::FULL), 1);
        // A tall image: the 320 px height rules.
        let thumb = PixelRequest {
            min_width: 320,
            min_height: 320,
        };
        assert_eq!(jpeg_denominator((3000, 1000), thumb), 2);
    }
}
