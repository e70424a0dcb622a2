use std::io::Cursor;

use image::codecs::gif::GifEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder};
use jpeg_encoder::{ColorType, Encoder};
use upstage_sdk::{ErrorCode, Format, PixelLayout, Raster, StageError};

/// Encoder settings.
#[derive(Clone, Copy, Debug)]
pub struct EncodeOptions {
    /// JPEG quality 1..=100. 90 is what the reference's image library uses.
    pub jpeg_quality: u8,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions { jpeg_quality: 90 }
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
            let (w, h) = (
                u16::try_from(r.width).map_err(|e| failed(format, e))?,
                u16::try_from(r.height).map_err(|e| failed(format, e))?,
            );
            let ct = match r.layout {
                PixelLayout::Rgb8 => ColorType::Rgb,
                PixelLayout::Rgba8 => ColorType::Rgba,
            };
            Encoder::new(&mut out, opts.jpeg_quality)
                .encode(&r.data, w, h, ct)
                .map_err(|e| failed(format, e))?;
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
            WebPEncoder::new_lossless(&mut out)
                .encode(&r.data, r.width, r.height, color(r.layout))
                .map_err(|e| failed(format, e))?;
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
