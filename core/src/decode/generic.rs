//! Non-JPEG images through the `image` crate (first frame of animations), with an allocation cap
//! as a second line of defence behind the probe limits.

use std::io::Cursor;

use image::ImageReader;
use upstage_sdk::{ErrorCode, Format, Raster};

use crate::convert::from_dynamic;
use crate::ItemError;

const MAX_ALLOC: u64 = 2 * 1024 * 1024 * 1024;

pub fn decode(bytes: &[u8], format: Format) -> Result<Raster, ItemError> {
    let fmt = match format {
        Format::Png => image::ImageFormat::Png,
        Format::Gif => image::ImageFormat::Gif,
        Format::Webp => image::ImageFormat::WebP,
        _ => image::ImageFormat::Bmp,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), fmt);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| {
        let text = e.to_string();
        let code = if text.contains("end of file") || text.contains("EOF") {
            ErrorCode::Truncated
        } else {
            ErrorCode::Corrupt
        };
        ItemError::new(code, format!("Cannot decode {format}: {text}"))
    })?;
    Ok(from_dynamic(img))
}
