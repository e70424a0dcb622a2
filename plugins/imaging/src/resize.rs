use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use upstage_sdk::{ErrorCode, PixelLayout, Raster, StageError};

fn pixel_type(layout: PixelLayout) -> PixelType {
    match layout {
        PixelLayout::Rgb8 => PixelType::U8x3,
        PixelLayout::Rgba8 => PixelType::U8x4,
    }
}

fn failed(e: impl std::fmt::Display) -> StageError {
    StageError::new(ErrorCode::StageFailed, format!("resize failed: {e}"))
}

/// Resize `src` into a `w`×`h` raster; `crop_centre` first crops the source to the target's
/// aspect ratio around its centre (a "cover" fit) instead of stretching.
fn resize_into(src: &Raster, w: u32, h: u32, crop_centre: bool) -> Result<Raster, StageError> {
    if w == 0 || h == 0 {
        return Err(StageError::new(
            ErrorCode::InvalidOption,
            "target size is zero",
        ));
    }
    let pt = pixel_type(src.layout);
    let src_ref = ImageRef::new(src.width, src.height, &src.data, pt).map_err(failed)?;
    let mut dst = Image::new(w, h, pt);
    // Lanczos3 like libvips' default reducer; convolution also anti-aliases large reductions.
    let mut opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if crop_centre {
        opts = opts.fit_into_destination(Some((0.5, 0.5)));
    }
    Resizer::new()
        .resize(&src_ref, &mut dst, &opts)
        .map_err(failed)?;
    Raster::new(w, h, src.layout, dst.into_vec()).ok_or_else(|| failed("buffer size mismatch"))
}

/// Exactly `w`×`h`, aspect ratio not preserved.
pub fn resize_exact(src: &Raster, w: u32, h: u32) -> Result<Raster, StageError> {
    resize_into(src, w, h, false)
}

/// Proportional resize to `width` (height rounded, at least 1).
pub fn fit_width(src: &Raster, width: u32) -> Result<Raster, StageError> {
    let h = (u64::from(src.height) * u64::from(width)).div_ceil(u64::from(src.width.max(1)));
    let h = u32::try_from(h.max(1)).map_err(failed)?;
    resize_into(src, width, h, false)
}

/// Centre-crop to the aspect ratio of `w`×`h`, then scale to exactly that size (up or down).
pub fn cover(src: &Raster, w: u32, h: u32) -> Result<Raster, StageError> {
    resize_into(src, w, h, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32) -> Raster {
        let data = (0..w * h)
            .flat_map(|i| {
                let x = (i % w) as u8;
                [x, 0, 255 - x]
            })
            .collect();
        Raster::new(w, h, PixelLayout::Rgb8, data).unwrap()
    }

    #[test]
    fn cover_crops_the_centre() {
        // A 200×100 horizontal gradient: the centre crop keeps x in 50..150.
        let r = cover(&gradient(200, 100), 10, 10).unwrap();
        assert_eq!((r.width, r.height), (10, 10));
        let first_red = r.data[0];
        assert!(
            (45..=65).contains(&first_red),
            "left edge of crop was x={first_red}"
        );
    }

    #[test]
    fn cover_upscales_small_images() {
        let r = cover(&gradient(20, 10), 320, 320).unwrap();
        assert_eq!((r.width, r.height), (320, 320));
    }

    #[test]
    fn fit_width_keeps_the_ratio() {
        let r = fit_width(&gradient(1000, 750), 750).unwrap();
        assert_eq!((r.width, r.height), (750, 563));
        assert!(resize_exact(&gradient(4, 4), 0, 3).is_err());
    }
}
