use std::io::Cursor;

use image::codecs::gif::GifEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use upstage_sdk::{ErrorCode, Format, PixelLayout, Raster, StageError};

use crate::jpeg::{self, JpegEncoder};
use crate::webp;

/// Encoder settings.
#[derive(Clone, Copy, Debug)]
pub struct EncodeOptions {
    /// Lossy quality 1..=100 for JPEG and WebP. 90 is what the reference's image library uses.
    pub quality: u8,
    pub jpeg_encoder: JpegEncoder,
    /// Lossless WebP instead of lossy (see [`EncodeOptions::for_source`]).
    pub webp_lossless: bool,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions {
            quality: 90,
            jpeg_encoder: JpegEncoder::default(),
            webp_lossless: false,
        }
    }
}

impl EncodeOptions {
    /// These options adjusted to the original a derivative is made from: a lossless WebP with
    /// alpha keeps lossless derivatives (the rule and its reason: `webp.rs`).
    pub fn for_source(self, format: Format, original: &[u8]) -> Self {
        EncodeOptions {
            webp_lossless: format == Format::Webp && webp::lossless_source(original),
            ..self
        }
    }
}

fn failed(format: Format, e: impl std::fmt::Display) -> StageError {
    StageError::new(
        ErrorCode::StageFailed,
        format!("cannot encode {format}: {e}"),
    )
}

fn color(layout: PixelLayout) -> ExtendedColorType {
    match layout {
        PixelLayout::Rgb8 => ExtendedColorType::Rgb8,
        PixelLayout::Rgba8 => ExtendedColorType::Rgba8,
    }
}

/// Encode a raster as `format`. Formats without a still-image encoder here (AVIF, video) are an
/// error: their derived files are written in [`Format::derived`] instead.
pub fn encode(r: &Raster, format: Format, opts: EncodeOptions) -> Result<Vec<u8>, StageError> {
    let mut out = Vec::new();
    match format {
        Format::Jpeg => {
            out =
                jpeg::encode(r, opts.quality, opts.jpeg_encoder).map_err(|e| failed(format, e))?;
        }
        Format::Png | Format::Bmp => {
            PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
                .write_image(&r.data, r.width, r.height, color(r.layout))
                .map_err(|e| failed(format, e))?;
        }
        Format::Gif => {
            let rgba: Vec<u8> = match r.layout {
                PixelLayout::Rgba8 => r.data.clone(),
                PixelLayout::Rgb8 => r
                    .data
                    .chunks_exact(3)
                    .flat_map(|p| [p[0], p[1], p[2], 255])
                    .collect(),
            };
            GifEncoder::new_with_speed(Cursor::new(&mut out), 10)
                .encode(&rgba, r.width, r.height, ExtendedColorType::Rgba8)
                .map_err(|e| failed(format, e))?;
        }
        Format::Webp => {
            out =
                webp::encode(r, opts.quality, opts.webp_lossless).map_err(|e| failed(format, e))?;
        }
        Format::Avif | Format::Mp4 | Format::Mov | Format::Webm => {
            return Err(failed(format, "no encoder for this format"))
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_still_format_round_trips_its_size() {
        let r = Raster::new(8, 4, PixelLayout::Rgb8, vec![128; 8 * 4 * 3]).unwrap();
        for f in [Format::Jpeg, Format::Png, Format::Gif, Format::Webp] {
            let bytes = encode(&r, f, EncodeOptions::default()).unwrap();
            let img = image::load_from_memory(&bytes).unwrap();
            assert_eq!((img.width(), img.height()), (8, 4), "{f}");
        }
        assert!(encode(&r, Format::Mp4, EncodeOptions::default()).is_err());
    }
}
