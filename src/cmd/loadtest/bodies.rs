//! Upload bodies: photo-like JPEGs made once, and distinct copies of them made for free by
//! writing a numbered comment segment (COM) right after the start-of-image marker — the pixels
//! and the work per upload stay the same, the bytes (and so the md5) differ.

use std::io::Cursor;
use std::path::Path;

use anyhow::{Context, Result};

/// A photo-like JPEG of about 2 MB: smooth gradients plus per-pixel noise so it does not compress
/// to nothing, and a `seed` so every upload has distinct bytes.
pub fn jpeg_2mb(seed: u32) -> Result<Vec<u8>> {
    let (w, h) = (1920, 1280);
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state & 0x3f) as u8;
        image::Rgb([
            (x / 8) as u8 ^ n,
            (y / 6) as u8 ^ n,
            ((x + y) / 12) as u8 ^ n,
        ])
    });
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92).encode_image(&img)?;
    Ok(out.into_inner())
}

/// `jpeg` with a comment segment holding `n` after its SOI marker.
pub fn numbered(jpeg: &[u8], n: u64) -> Vec<u8> {
    let text = format!("upstage loadtest {n}");
    let len = (text.len() + 2) as u16;
    let mut out = Vec::with_capacity(jpeg.len() + text.len() + 4);
    out.extend_from_slice(jpeg.get(..2).unwrap_or_default());
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(jpeg.get(2..).unwrap_or_default());
    out
}

/// The base photos of a soak: the JPEGs of `dir` (e.g. the corpus), or `fallback` generated ones.
pub fn base_photos(dir: Option<&Path>, fallback: u32) -> Result<Vec<Vec<u8>>> {
    let Some(dir) = dir else {
        return (0..fallback).map(jpeg_2mb).collect();
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("jpg") || x.eq_ignore_ascii_case("jpeg"))
        })
        .collect();
    files.sort();
    anyhow::ensure!(!files.is_empty(), "no JPEG in {}", dir.display());
    files
        .iter()
        .map(|p| std::fs::read(p).with_context(|| format!("reading {}", p.display())))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbered_copies_differ_and_still_decode() {
        let base = super::jpeg_2mb(1).unwrap();
        let (a, b) = (super::numbered(&base, 1), super::numbered(&base, 2));
        assert_ne!(a, b);
        for copy in [a, b] {
            let img = image::load_from_memory(&copy).unwrap();
            assert_eq!((img.width(), img.height()), (1920, 1280));
        }
    }
}
