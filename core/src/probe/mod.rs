//! Header-only probing: dimensions and frame counts, read without decoding a pixel, so limits can
//! refuse a decompression bomb before it costs memory.

mod gif;
mod webp;

use std::io::Cursor;

use image::ImageReader;
use upstage_sdk::{ErrorCode, Format};

use crate::ItemError;

/// What the headers say about an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe {
    pub width: u32,
    pub height: u32,
    /// Number of frames, counted up to `frame_cap + 1` (counting stops early past the limit).
    pub frames: u32,
}

/// Read the dimensions and frame count of an image. Videos are probed by the frame stage.
pub fn probe(format: Format, bytes: &[u8], frame_cap: u32) -> Result<Probe, ItemError> {
    let image_format = match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        Format::Png => image::ImageFormat::Png,
        Format::Gif => image::ImageFormat::Gif,
        Format::Webp => image::ImageFormat::WebP,
        Format::Bmp => image::ImageFormat::Bmp,
        Format::Avif | Format::Mp4 | Format::Mov | Format::Webm => {
            return Err(ItemError::new(
                ErrorCode::CodecUnavailable,
                format!(
                    "No decoder for {} is available in this build",
                    format.extension()
                ),
            ))
        }
    };
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), image_format)
        .into_dimensions()
        .map_err(|e| header_error(format, &e))?;
    if width == 0 || height == 0 {
        return Err(ItemError::new(
            ErrorCode::Corrupt,
            "Image has a zero dimension",
        ));
    }
    let frames = match format {
        Format::Gif => gif::count_frames(bytes, frame_cap)?,
        Format::Webp => webp::count_frames(bytes, frame_cap)?,
        _ => 1,
    };
    Ok(Probe {
        width,
        height,
        frames,
    })
}

fn header_error(format: Format, e: &image::ImageError) -> ItemError {
    let text = e.to_string();
    let code = if text.contains("end of file") || text.contains("EOF") {
        ErrorCode::Truncated
    } else {
        ErrorCode::Corrupt
    };
    ItemError::new(
        code,
        format!("Unreadable {} header: {text}", format.extension()),
    )
}
