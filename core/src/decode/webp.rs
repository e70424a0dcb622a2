//! WebP decoding through libwebp (vendored in `libwebp-sys`, built with `cc`): several times
//! faster than the pure-Rust decoder, and it scales while decoding (its rescaler works row by
//! row), so a 16 MP WebP never exists at full size when only a 750 px medium is needed.
//! Animations go through the `image` crate (first frame): libwebp's simple decoder refuses them.

use libwebp_sys as ffi;
use upstage_sdk::{ErrorCode, PixelLayout, PixelRequest, Raster};

use crate::ItemError;

fn failed(code: ErrorCode, what: &str, status: ffi::VP8StatusCode) -> ItemError {
    ItemError::new(code, format!("Cannot decode webp: {what} ({status:?})"))
}

/// The bitstream's own description (size, alpha, animation, lossy or lossless).
fn features(bytes: &[u8]) -> Option<ffi::WebPBitstreamFeatures> {
    // SAFETY: a plain C struct of integers, for which all-zero bytes are a valid value.
    let mut f: ffi::WebPBitstreamFeatures = unsafe { std::mem::zeroed() };
    // SAFETY: libwebp reads at most `bytes.len()` bytes from the slice and writes only `f`.
    let status = unsafe { ffi::WebPGetFeatures(bytes.as_ptr(), bytes.len(), &mut f) };
    (status == ffi::VP8StatusCode::VP8_STATUS_OK).then_some(f)
}

/// The smallest size at or under the original that covers `want` on both axes, aspect kept.
fn covering(w: u32, h: u32, want: PixelRequest) -> (u32, u32) {
    let s = (f64::from(want.min_width) / f64::from(w))
        .max(f64::from(want.min_height) / f64::from(h))
        .min(1.0);
    if s >= 1.0 {
        return (w, h);
    }
    let sw = (f64::from(w) * s).ceil() as u32;
    let sh = (f64::from(h) * s).ceil() as u32;
    (sw.clamp(1, w), sh.clamp(1, h))
}

/// `Ok(None)` for animations (the caller decodes their first frame another way).
pub fn decode(bytes: &[u8], want: PixelRequest) -> Result<Option<Raster>, ItemError> {
    let Some(f) = features(bytes) else {
        return Err(ItemError::new(
            ErrorCode::Corrupt,
            "Cannot decode webp: no valid header",
        ));
    };
    if f.has_animation != 0 {
        return Ok(None);
    }
    let (w, h) = (
        u32::try_from(f.width).unwrap_or(0),
        u32::try_from(f.height).unwrap_or(0),
    );
    if w == 0 || h == 0 {
        return Err(ItemError::new(ErrorCode::Corrupt, "webp has no pixels"));
    }
    let (sw, sh) = covering(w, h, want);
    let (layout, mode, channels) = if f.has_alpha != 0 {
        (PixelLayout::Rgba8, ffi::WEBP_CSP_MODE::MODE_RGBA, 4)
    } else {
        (PixelLayout::Rgb8, ffi::WEBP_CSP_MODE::MODE_RGB, 3)
    };
    let stride = sw as usize * channels;
    let mut data = vec![0u8; stride * sh as usize];
    // SAFETY: the config is initialised by libwebp; the output buffer is ours (external
    // memory), exactly stride × height bytes, and outlives the call.
    let status = unsafe {
        let mut config: ffi::WebPDecoderConfig = std::mem::zeroed();
        if !ffi::WebPInitDecoderConfig(&mut config) {
            return Err(ItemError::new(
                ErrorCode::CodecUnavailable,
                "libwebp version mismatch",
            ));
        }
        if (sw, sh) != (w, h) {
            config.options.use_scaling = 1;
            config.options.scaled_width = sw as i32;
            config.options.scaled_height = sh as i32;
        }
        config.output.colorspace = mode;
        config.output.is_external_memory = 1;
        config.output.u.RGBA = ffi::WebPRGBABuffer {
            rgba: data.as_mut_ptr(),
            stride: stride as i32,
            size: data.len(),
        };
        let status = ffi::WebPDecode(bytes.as_ptr(), bytes.len(), &mut config);
        ffi::WebPFreeDecBuffer(&mut config.output);
        status
    };
    match status {
        ffi::VP8StatusCode::VP8_STATUS_OK => Ok(Raster::new(sw, sh, layout, data)),
        ffi::VP8StatusCode::VP8_STATUS_NOT_ENOUGH_DATA => {
            Err(failed(ErrorCode::Truncated, "file is truncated", status))
        }
        s => Err(failed(ErrorCode::Corrupt, "bad bitstream", s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covering_keeps_the_aspect_and_never_upscales() {
        let want = |w, h| PixelRequest {
            min_width: w,
            min_height: h,
        };
        assert_eq!(covering(4000, 3000, want(750, 320)), (750, 563));
        assert_eq!(covering(1000, 4000, want(750, 320)), (750, 3000));
        assert_eq!(covering(500, 400, want(750, 320)), (500, 400));
        assert_eq!(covering(3000, 1000, want(320, 320)), (960, 320));
    }

    fn webp(w: u32, h: u32, alpha: bool) -> Vec<u8> {
        let (channels, color) = if alpha {
            (4, image::ExtendedColorType::Rgba8)
        } else {
            (3, image::ExtendedColorType::Rgb8)
        };
        let px: Vec<u8> = (0..w * h * channels).map(|i| (i % 251) as u8).collect();
        let mut out = Vec::new();
        image::ImageEncoder::write_image(
            image::codecs::webp::WebPEncoder::new_lossless(&mut out),
            &px,
            w,
            h,
            color,
        )
        .unwrap();
        out
    }

    #[test]
    fn decodes_scaled_to_the_request_with_the_source_layout() {
        let want = PixelRequest {
            min_width: 100,
            min_height: 10,
        };
        let r = decode(&webp(400, 300, false), want).unwrap().unwrap();
        assert_eq!((r.width, r.height, r.layout), (100, 75, PixelLayout::Rgb8));
        let r = decode(&webp(40, 30, true), want).unwrap().unwrap();
        assert_eq!((r.width, r.height, r.layout), (40, 30, PixelLayout::Rgba8));
    }

    #[test]
    fn broken_files_are_errors() {
        let full = webp(64, 64, false);
        let cut = decode(&full[..full.len() / 2], PixelRequest::FULL).unwrap_err();
        assert!(matches!(
            cut.code,
            ErrorCode::Truncated | ErrorCode::Corrupt
        ));
        assert!(decode(b"RIFF\0\0\0\0WEBPnope", PixelRequest::FULL).is_err());
    }
}
