//! `upstage bench DIR`: images/s and MP/s for decode + EXIF + medium + thumb + encode over the JPEGs
//! of a folder, and the same work done by libvips' `vipsthumbnail` in the same run, same worker
//! count, so the ratio does not depend on the machine.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use upstage_core::{probe, run_batch, Input, Limits, Pipeline, StageSpec};
use upstage_sdk::Format;

use crate::cli::{BenchArgs, Reference};
use crate::config::Config;

struct Corpus {
    files: Vec<PathBuf>,
    megapixels: f64,
}

fn load_corpus(dir: &Path) -> Result<Corpus> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no JPEG files in {}", dir.display());
    }
    let mut megapixels = 0.0;
    for f in &files {
        let bytes = std::fs::read(f)?;
        let p =
            probe(Format::Jpeg, &bytes, 1).map_err(|e| anyhow::anyhow!("{}: {e}", f.display()))?;
        megapixels += f64::from(p.width) * f64::from(p.height) / 1e6;
    }
    Ok(Corpus { files, megapixels })
}

fn time_upstage(cfg: &Config, corpus: &Corpus) -> Result<(Duration, usize)> {
    let specs: Vec<StageSpec> = ["exif", "medium", "thumbnail"]
        .map(StageSpec::named)
        .to_vec();
    let stages = crate::builtins::registry()?.build(&specs)?;
    // The photos are up to 24 MP: lift the size limit so every file is measured.
    let limits = Limits {
        max_bytes: u64::MAX,
        ..cfg.limits
    };
    let pipeline = Pipeline::new(stages, limits);
    let inputs: Vec<Input> = corpus.files.iter().map(Input::from_path).collect();
    let report = run_batch(
        &pipeline,
        inputs,
        cfg.workers,
        |ctx| Ok(ctx.outputs),
        |_| {},
    )?;
    for item in &report.items {
        if let Err(e) = &item.result {
            bail!("{}: {e}", item.client_name);
        }
    }
    Ok((report.elapsed, report.items.len()))
}

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

/// libvips at its best from the command line: each worker is one long-lived `vipsthumbnail`
/// process over its share of the files (no per-file start-up), making the 750 px medium from
/// one shrink-on-load decode, then the thumb chained from the medium.
fn time_vips(workers: usize, corpus: &Corpus) -> Result<Duration> {
    let tmp = std::env::temp_dir().join(format!("upstage-bench-vips-{}", std::process::id()));
    let chunk = corpus.files.len().div_ceil(workers.max(1));
    let start = Instant::now();
    let result: Result<()> = std::thread::scope(|scope| {
        let handles: Vec<_> = corpus
            .files
            .chunks(chunk)
            .enumerate()
            .map(|(i, files)| {
                let dir = tmp.join(i.to_string());
                scope.spawn(move || -> Result<()> {
                    std::fs::create_dir_all(&dir)?;
                    let d = dir.to_string_lossy();
                    let mut md: Vec<String> = files
                        .iter()
                        .map(|f| f.to_string_lossy().into_owned())
                        .collect();
                    md.extend(["--size", "750x", "-o"].map(String::from));
                    md.push(format!("{d}/%s.md.jpg[Q=90]"));
                    vips(&md)?;
                    let mut th: Vec<String> = files
                        .iter()
                        .filter_map(|f| f.file_stem())
                        .map(|s| format!("{d}/{}.md.jpg", s.to_string_lossy()))
                        .collect();
                    th.extend(
                        ["--size", "320x320", "--smartcrop", "centre", "-o"].map(String::from),
                    );
                    th.push(format!("{d}/%s.th.jpg[Q=90]"));
                    vips(&th)
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .map_err(|_| anyhow::anyhow!("vips worker panicked"))?
        })
    });
    let elapsed = start.elapsed();
    let _ = std::fs::remove_dir_all(&tmp);
    result.map(|()| elapsed)
}

fn line(name: &str, elapsed: Duration, corpus: &Corpus) -> String {
    let s = elapsed.as_secs_f64();
    format!(
        "| {name:<28} | {:>7.2} | {:>7.1} | {:>8.1} |",
        s,
        corpus.files.len() as f64 / s,
        corpus.megapixels / s
    )
}

pub fn run(cfg: &Config, args: BenchArgs) -> Result<ExitCode> {
    let corpus = load_corpus(&args.dir)?;
    let passes = args.passes.max(1);
    println!(
        "corpus: {} JPEGs, {:.1} MP; workers: {}; outputs: 750 px medium + 320x320 thumb; best of {passes}",
        corpus.files.len(),
        corpus.megapixels,
        cfg.workers
    );
    let mut ours = Duration::MAX;
    let mut reference = Duration::MAX;
    for _ in 0..passes {
        ours = ours.min(time_upstage(cfg, &corpus)?.0);
        if args.reference == Reference::Vips {
            reference = reference.min(time_vips(cfg.workers, &corpus)?);
        }
    }
    println!("| run                          | seconds |  img/s  |   MP/s   |");
    println!("|------------------------------|---------|---------|----------|");
    println!("{}", line("upstage (this build)", ours, &corpus));
    if args.reference == Reference::Vips {
        println!("{}", line("vipsthumbnail md -> th", reference, &corpus));
        println!(
            "ratio (upstage img/s / vips img/s): {:.2}x",
            reference.as_secs_f64() / ours.as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}
