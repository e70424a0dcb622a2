//! WebP derivatives through libwebp (`webp` crate over the vendored `libwebp-sys`).
//!
//! Lossy at the configured quality, like every other derivative, unless the source is lossless
//! WebP *with* alpha: such files are drawings, screenshots and cut-outs whose sharp alpha edges
//! and flat colours lossy VP8 blurs (its alpha plane is lossless, but the colour under
//! semi-transparent edges is not), and lossless keeps them small anyway. A lossless photo without
//! alpha is still a photo: lossy is 5–10× smaller at no visible cost at thumbnail sizes.

use upstage_sdk::{PixelLayout, Raster};
use webp::{Encoder, PixelLayout as WebpLayout, WebPConfig};

/// Should derivatives of this WebP original be lossless? True only for a lossless bitstream
/// with alpha (see the module text).
pub fn lossless_source(original: &[u8]) -> bool {
    webp::BitstreamFeatures::new(original).is_some_and(|f| {
        f.has_alpha() && matches!(f.format(), Some(webp::BitstreamFormat::Lossless))
    })
}

pub(crate) fn encode(r: &Raster, quality: u8, lossless: bool) -> Result<Vec<u8>, String> {
    let layout = match r.layout {
        PixelLayout::Rgb8 => WebpLayout::Rgb,
        PixelLayout::Rgba8 => WebpLayout::Rgba,
    };
    let mut config = WebPConfig::new().map_err(|()| "libwebp version mismatch".to_string())?;
    config.lossless = i32::from(lossless);
    config.quality = if lossless { 75.0 } else { f32::from(quality) };
    let mem = Encoder::new(&r.data, layout, r.width, r.height)
        .encode_advanced(&config)
        .map_err(|e| format!("{e:?}"))?;
    Ok(mem.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raster(layout: PixelLayout) -> Raster {
        let n = 64 * 48 * if layout == PixelLayout::Rgba8 { 4 } else { 3 };
        Raster::new(
            64,
            48,
            layout,
            (0..n).map(|i| (i * 7 % 256) as u8).collect(),
        )
        .unwrap()
    }

    /// The bitstream chunk that says lossy (`VP8 `) or lossless (`VP8L`).
    fn is_lossless(webp: &[u8]) -> bool {
        webp::BitstreamFeatures::new(webp)
            .is_some_and(|f| matches!(f.format(), Some(webp::BitstreamFormat::Lossless)))
    }

    #[test]
    fn only_lossless_sources_with_alpha_keep_lossless_derivatives() {
        let cases = [
            (PixelLayout::Rgba8, true, true),
            (PixelLayout::Rgb8, true, false),
            (PixelLayout::Rgba8, false, false),
            (PixelLayout::Rgb8, false, false),
        ];
        for (layout, lossless, expected) in cases {
            let source = encode(&raster(layout), 90, lossless).unwrap();
            assert_eq!(is_lossless(&source), lossless);
            assert_eq!(
                lossless_source(&source),
                expected,
                "{layout:?} lossless={lossless}"
            );
        }
        assert!(!lossless_source(b"not a webp"));
    }

    #[test]
    fn lossy_quality_follows_the_setting() {
        let r = raster(PixelLayout::Rgb8);
        let low = encode(&r, 30, false).unwrap();
        let high = encode(&r, 95, false).unwrap();
        assert!(!is_lossless(&high));
        assert!(
            low.len() < high.len(),
            "q30 {} vs q95 {}",
            low.len(),
            high.len()
        );
    }
}
