//! Zero-copy moves between the SDK's [`Raster`] and the `image` crate's buffers.

use image::{DynamicImage, RgbImage, RgbaImage};
use upstage_sdk::{PixelLayout, Raster};

/// `None` when the buffer does not match the dimensions.
pub fn to_dynamic(r: Raster) -> Option<DynamicImage> {
    match r.layout {
        PixelLayout::Rgb8 => {
            RgbImage::from_raw(r.width, r.height, r.data).map(DynamicImage::ImageRgb8)
        }
        PixelLayout::Rgba8 => {
            RgbaImage::from_raw(r.width, r.height, r.data).map(DynamicImage::ImageRgba8)
        }
    }
}

/// 8-bit RGB or RGBA, whatever the source depth: the SDK's two layouts.
pub fn from_dynamic(img: DynamicImage) -> Raster {
    let (width, height) = (img.width(), img.height());
    let (layout, data) = match img {
        DynamicImage::ImageRgb8(b) => (PixelLayout::Rgb8, b.into_raw()),
        DynamicImage::ImageRgba8(b) => (PixelLayout::Rgba8, b.into_raw()),
        other if other.color().has_alpha() => (PixelLayout::Rgba8, other.to_rgba8().into_raw()),
        other => (PixelLayout::Rgb8, other.to_rgb8().into_raw()),
    };
    Raster {
        width,
        height,
        layout,
        data,
    }
}
