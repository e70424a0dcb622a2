//! EXIF orientation, applied to the working raster only: derived files come out upright while the
//! main file keeps its bytes (browsers honour its tag).

use image::metadata::Orientation;
use upstage_sdk::{ErrorCode, Raster};

use crate::convert::{from_dynamic, to_dynamic};
use crate::ItemError;

pub fn apply(raster: Raster, orientation: u8) -> Result<Raster, ItemError> {
    let Some(o) = Orientation::from_exif(orientation).filter(|o| *o != Orientation::NoTransforms)
    else {
        return Ok(raster);
    };
    let mut img = to_dynamic(raster)
        .ok_or_else(|| ItemError::new(ErrorCode::Corrupt, "raster buffer has the wrong size"))?;
    img.apply_orientation(o);
    Ok(from_dynamic(img))
}

#[cfg(test)]
mod tests {
    use super::*;
    use upstage_sdk::PixelLayout;

    /// 2×1 image: red then blue.
    fn red_blue() -> Raster {
        Raster::new(2, 1, PixelLayout::Rgb8, vec![255, 0, 0, 0, 0, 255]).unwrap()
    }

    #[test]
    fn orientation_6_rotates_clockwise() {
        let r = apply(red_blue(), 6).unwrap();
        assert_eq!((r.width, r.height), (1, 2));
        // Rotating 90° clockwise puts the left (red) pixel on top.
        assert_eq!(&r.data[0..3], &[255, 0, 0]);
    }

    #[test]
    fn orientation_2_mirrors() {
        let r = apply(red_blue(), 2).unwrap();
        assert_eq!(&r.data[0..3], &[0, 0, 255]);
    }

    #[test]
    fn unknown_orientation_is_identity() {
        let r = apply(red_blue(), 0).unwrap();
        assert_eq!(&r.data[0..3], &[255, 0, 0]);
    }
}
