//! The reference chain: libvips at its best from the command line. Each worker is one long-lived
//! `vipsthumbnail` process over its share of the files (no per-file start-up,
//! `VIPS_CONCURRENCY=1`), making the 750 px medium from one shrink-on-load decode, then the thumb
//! chained from the medium, Q=90 (PNG at libvips' default compression).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use upstage_sdk::Format;

fn vips(args: &[String]) -> Result<()> {
    let out = Command::new("vipsthumbnail")
        .args(args)
        // One thread per process: `workers` processes then use exactly `workers` cores, as we do.
        .env("VIPS_CONCURRENCY", "1")
        .output()
        .context("running vipsthumbnail (install libvips-tools)")?;
    if !out.status.success() {
        bail!("vipsthumbnail: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

/// The output file name suffix and save options for a source format.
fn output(format: Format) -> (&'static str, &'static str) {
    match format {
        Format::Webp => ("webp", "[Q=90]"),
        Format::Png => ("png", ""),
        _ => ("jpg", "[Q=90]"),
    }
}

pub struct VipsRun {
    pub elapsed: Duration,
    pub bytes: u64,
    /// Per input file, the medium vips wrote (kept until the caller is done with `out`).
    pub mediums: Vec<PathBuf>,
}

pub fn run(workers: usize, files: &[PathBuf], format: Format, out: &Path) -> Result<VipsRun> {
    let _ = std::fs::remove_dir_all(out);
    let (ext, opts) = output(format);
    let chunk = files.len().div_ceil(workers.max(1));
    let start = Instant::now();
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .enumerate()
            .map(|(i, files)| {
                let dir = out.join(i.to_string());
                scope.spawn(move || -> Result<()> {
                    std::fs::create_dir_all(&dir)?;
                    let d = dir.to_string_lossy();
                    let mut md: Vec<String> = files
                        .iter()
                        .map(|f| f.to_string_lossy().into_owned())
                        .collect();
                    md.extend(["--size", "750x", "-o"].map(String::from));
                    md.push(format!("{d}/%s.md.{ext}{opts}"));
                    vips(&md)?;
                    let mut th: Vec<String> = files
                        .iter()
                        .filter_map(|f| f.file_stem())
                        .map(|s| format!("{d}/{}.md.{ext}", s.to_string_lossy()))
                        .collect();
                    th.extend(
                        ["--size", "320x320", "--smartcrop", "centre", "-o"].map(String::from),
                    );
                    th.push(format!("{d}/%s.th.{ext}{opts}"));
                    vips(&th)
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .map_err(|_| anyhow::anyhow!("vips worker panicked"))?
        })
    })?;
    let elapsed = start.elapsed();
    let mut bytes = 0;
    let mut mediums = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let stem = f.file_stem().map(|s| s.to_string_lossy().into_owned());
        let stem = stem.unwrap_or_default();
        let dir = out.join((i / chunk).to_string());
        // The thumb pass names its outputs after its inputs, the mediums: `X.md` → `X.md.th`.
        for kind in ["md", "md.th"] {
            let p = dir.join(format!("{stem}.{kind}.{ext}"));
            // vipsthumbnail writes both files for every input (it never upscales, but still
            // writes): a missing one means it failed.
            bytes += std::fs::metadata(&p)
                .with_context(|| format!("vips output {}", p.display()))?
                .len();
            if kind == "md" {
                mediums.push(p);
            }
        }
    }
    Ok(VipsRun {
        elapsed,
        bytes,
        mediums,
    })
}
