//! Quality of a derivative: SSIM (`image-compare`'s MSSIM over 8×8 windows, on luma) of a
//! medium against a reference made from the full-size original by the same Lanczos3 resize to
//! the medium's exact size, so both encoders are judged against the same ideal.

use anyhow::{Context, Result};
use image::{imageops::FilterType, DynamicImage};
use image_compare::Algorithm;

/// Mean SSIM of the `mediums` (encoded files) against their `originals`.
pub fn mean(originals: &[Vec<u8>], mediums: &[Vec<u8>]) -> Result<f64> {
    let mut sum = 0.0;
    for (o, m) in originals.iter().zip(mediums) {
        let m = image::load_from_memory(m).context("decoding a medium")?;
        let o = image::load_from_memory(o).context("decoding an original")?;
        sum += score(&o, &m)?;
    }
    Ok(sum / originals.len().max(1) as f64)
}

fn score(original: &DynamicImage, medium: &DynamicImage) -> Result<f64> {
    let reference = original
        .resize_exact(medium.width(), medium.height(), FilterType::Lanczos3)
        .to_luma8();
    let s = image_compare::gray_similarity_structure(
        &Algorithm::MSSIMSimple,
        &reference,
        &medium.to_luma8(),
    )
    .map_err(|e| anyhow::anyhow!("ssim: {e}"))?;
    Ok(s.score)
}
