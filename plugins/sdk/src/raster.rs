/// How the bytes of a [`Raster`] are laid out. Only 8-bit interleaved layouts are used, so a plugin
/// on the far side of a C ABI can read them without any Rust type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PixelLayout {
    Rgb8,
    Rgba8,
}

impl PixelLayout {
    pub fn channels(self) -> usize {
        match self {
            PixelLayout::Rgb8 => 3,
            PixelLayout::Rgba8 => 4,
        }
    }
}

/// Decoded pixels, upright (EXIF orientation already applied), possibly smaller than the source
/// when every stage asked for less (JPEG DCT-domain downscaling).
#[derive(Clone, Debug)]
pub struct Raster {
    pub width: u32,
    pub height: u32,
    pub layout: PixelLayout,
    pub data: Vec<u8>,
}

impl Raster {
    /// Returns `None` when `data` does not hold exactly `width * height` pixels of `layout`.
    pub fn new(width: u32, height: u32, layout: PixelLayout, data: Vec<u8>) -> Option<Self> {
        let expected = (width as usize)
            .checked_mul(height as usize)?
            .checked_mul(layout.channels())?;
        (data.len() == expected).then_some(Raster {
            width,
            height,
            layout,
            data,
        })
    }

    pub fn has_alpha(&self) -> bool {
        self.layout == PixelLayout::Rgba8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_checks_the_buffer_length() {
        assert!(Raster::new(2, 2, PixelLayout::Rgb8, vec![0; 12]).is_some());
        assert!(Raster::new(2, 2, PixelLayout::Rgba8, vec![0; 12]).is_none());
        assert!(Raster::new(u32::MAX, u32::MAX, PixelLayout::Rgba8, vec![]).is_none());
    }
}
