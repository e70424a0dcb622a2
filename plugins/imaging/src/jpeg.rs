//! JPEG encoders. Two are built in so their trade-off can be measured on real photos
//! (`cargo bench -p upstage-imaging --bench encoders`, figures in docs/performance.md).

use std::panic::{catch_unwind, AssertUnwindSafe};

use jpeg_encoder::{ColorType, Encoder};
use mozjpeg::{ColorSpace, Compress};
use upstage_sdk::{PixelLayout, Raster};

/// Which JPEG encoder writes derivatives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum JpegEncoder {
    /// `jpeg-encoder` (pure Rust, AVX2): baseline, 4:4:4 chroma from quality 90 up, standard
    /// Huffman tables. Its optimised tables are off: zune-jpeg (the `image` crate's decoder)
    /// decodes some of them wrongly (a flat 64×48 test image came back green instead of blue).
    Rust,
    /// libjpeg-turbo's baseline encoder (through `mozjpeg` with its fastest profile) with
    /// optimised Huffman tables: with its SIMD, 1.7× faster than `jpeg-encoder` for the same
    /// bytes and PSNR on the corpus (docs/performance.md), and its tables decode everywhere.
    #[default]
    Turbo,
    /// mozjpeg at its defaults: trellis quantisation and progressive scans; smallest, slowest.
    Trellis,
}

pub(crate) fn encode(r: &Raster, quality: u8, which: JpegEncoder) -> Result<Vec<u8>, String> {
    match which {
        JpegEncoder::Rust => rust(r, quality),
        JpegEncoder::Turbo | JpegEncoder::Trellis => {
            catch_unwind(AssertUnwindSafe(|| mozjpeg(r, quality, which))).unwrap_or_else(|p| {
                Err(p
                    .downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_else(|| "libjpeg error".into()))
            })
        }
    }
}

fn rust(r: &Raster, quality: u8) -> Result<Vec<u8>, String> {
    let w = u16::try_from(r.width).map_err(|e| e.to_string())?;
    let h = u16::try_from(r.height).map_err(|e| e.to_string())?;
    let ct = match r.layout {
        PixelLayout::Rgb8 => ColorType::Rgb,
        PixelLayout::Rgba8 => ColorType::Rgba,
    };
    let mut out = Vec::new();
    let enc = Encoder::new(&mut out, quality);
    enc.encode(&r.data, w, h, ct).map_err(|e| e.to_string())?;
    Ok(out)
}

/// libjpeg reports errors by unwinding: the caller catches them.
fn mozjpeg(r: &Raster, quality: u8, which: JpegEncoder) -> Result<Vec<u8>, String> {
    let cs = match r.layout {
        PixelLayout::Rgb8 => ColorSpace::JCS_RGB,
        PixelLayout::Rgba8 => ColorSpace::JCS_EXT_RGBA,
    };
    let mut c = Compress::new(cs);
    if which == JpegEncoder::Turbo {
        c.set_fastest_defaults();
        c.set_optimize_coding(true);
    }
    c.set_size(r.width as usize, r.height as usize);
    c.set_quality(f32::from(quality));
    // Full-resolution chroma from quality 90 up, as jpeg-encoder and libvips do: the comparison
    // is then between encoders, not between subsampling choices.
    if quality >= 90 {
        c.set_chroma_sampling_pixel_sizes((1, 1), (1, 1));
    }
    let mut started = c
        .start_compress(Vec::with_capacity(r.data.len() / 8))
        .map_err(|e| e.to_string())?;
    started
        .write_scanlines(&r.data)
        .map_err(|e| e.to_string())?;
    started.finish().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 64×48, red top-left quadrant, blue elsewhere: few symbols, short optimised tables.
    fn quadrants() -> Raster {
        let mut data = Vec::with_capacity(64 * 48 * 3);
        for y in 0..48 {
            for x in 0..64 {
                let red = x < 32 && y < 24;
                data.extend(if red { [230, 20, 20] } else { [20, 20, 230] });
            }
        }
        Raster::new(64, 48, PixelLayout::Rgb8, data).expect("raster")
    }

    /// What every encoder writes must decode the same in another decoder than libjpeg: the
    /// `image` crate's (zune-jpeg), which rejected one encoder's optimised tables.
    #[test]
    fn every_encoder_decodes_the_same_elsewhere() {
        for which in [JpegEncoder::Rust, JpegEncoder::Turbo, JpegEncoder::Trellis] {
            let bytes = encode(&quadrants(), 90, which).expect("encoded");
            let img = image::load_from_memory(&bytes).expect("decodes").to_rgb8();
            let (tl, br) = (img.get_pixel(8, 8), img.get_pixel(56, 40));
            assert!(tl[0] > 200 && tl[2] < 50, "{which:?}: top-left {tl:?}");
            assert!(br[2] > 200 && br[0] < 50, "{which:?}: bottom-right {br:?}");
        }
    }
}
