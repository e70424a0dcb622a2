//! The file sets `upstage bench` measures: the corpus JPEGs, N copies of one baseline ~2 MB
//! 1920×1280 q100 JPEG (the typical phone or web upload, made here from a corpus photo so every
//! run measures the same bytes), the corpus WebPs and PNGs.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
use upstage_core::probe;
use upstage_sdk::{Format, PixelLayout, Raster};

use crate::cli::BenchSet;

pub struct Set {
    pub name: String,
    pub format: Format,
    pub files: Vec<PathBuf>,
    pub megapixels: f64,
}

fn files_with(dir: &Path, exts: &[&str]) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// `DIR/sub` when the folder is a corpus (scripts/corpus layout), else `DIR` itself.
fn folder(dir: &Path, sub: &str) -> PathBuf {
    let d = dir.join(sub);
    if d.is_dir() {
        d
    } else {
        dir.to_path_buf()
    }
}

fn measured(name: String, format: Format, files: Vec<PathBuf>) -> Result<Set> {
    if files.is_empty() {
        bail!("no {format} files for the {name} set");
    }
    let mut megapixels = 0.0;
    for f in &files {
        let bytes = std::fs::read(f)?;
        let p = probe(format, &bytes, 1).map_err(|e| anyhow::anyhow!("{}: {e}", f.display()))?;
        megapixels += f64::from(p.width) * f64::from(p.height) / 1e6;
    }
    Ok(Set {
        name,
        format,
        files,
        megapixels,
    })
}

/// The most detailed corpus photo (most bytes per pixel) of at least 1920×1280 — a camera photo,
/// not a smooth rendered wallpaper — centre-cropped to 3:2, Lanczos to 1920×1280 and encoded
/// baseline q100 4:2:0, as a phone or a web export writes it.
fn baseline_photo(jpegs: &[PathBuf]) -> Result<Vec<u8>> {
    let mut candidates = Vec::new();
    for f in jpegs {
        let bytes = std::fs::read(f)?;
        let Ok(p) = probe(Format::Jpeg, &bytes, 1) else {
            continue;
        };
        if p.width >= 1920 && p.height >= 1280 {
            let density = bytes.len() as f64 / (f64::from(p.width) * f64::from(p.height));
            candidates.push((density, f));
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
    if let Some((_, f)) = candidates.first() {
        let img = image::open(f).with_context(|| format!("decoding {}", f.display()))?;
        let rgb = img.to_rgb8();
        let src = Raster::new(rgb.width(), rgb.height(), PixelLayout::Rgb8, rgb.into_raw())
            .context("raster")?;
        let r = upstage_imaging::cover(&src, 1920, 1280)?;
        let mut out = Vec::new();
        let mut enc = Encoder::new(&mut out, 100);
        enc.set_sampling_factor(SamplingFactor::F_2_2);
        enc.encode(&r.data, 1920, 1280, ColorType::Rgb)?;
        return Ok(out);
    }
    bail!("no corpus JPEG of at least 1920x1280")
}

pub fn build(dir: &Path, which: &[BenchSet], copies: usize, tmp: &Path) -> Result<Vec<Set>> {
    let jpegs = files_with(&folder(dir, "jpeg"), &["jpg", "jpeg"])?;
    let mut sets = Vec::new();
    for w in which {
        sets.push(match w {
            BenchSet::Jpeg => measured("corpus JPEGs".into(), Format::Jpeg, jpegs.clone())?,
            BenchSet::Baseline => {
                let bytes = baseline_photo(&jpegs)?;
                let d = tmp.join("baseline");
                std::fs::create_dir_all(&d)?;
                let files = (0..copies.max(1))
                    .map(|i| {
                        let p = d.join(format!("copy-{i:03}.jpg"));
                        std::fs::write(&p, &bytes).map(|()| p)
                    })
                    .collect::<std::io::Result<Vec<_>>>()?;
                let name = format!(
                    "{copies} x baseline 1920x1280 q100 ({:.1} MB)",
                    bytes.len() as f64 / 1e6
                );
                measured(name, Format::Jpeg, files)?
            }
            BenchSet::Webp => measured(
                "corpus WebPs".into(),
                Format::Webp,
                files_with(&folder(dir, "webp"), &["webp"])?,
            )?,
            BenchSet::Png => measured(
                "corpus PNGs".into(),
                Format::Png,
                files_with(&folder(dir, "png"), &["png"])?,
            )?,
        });
    }
    Ok(sets)
}
