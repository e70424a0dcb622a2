//! `upstage bench DIR`: img/s for EXIF + one decode + 750 px medium + 320×320 thumb + encode over
//! each file set (see `sets.rs`), and the same work done by libvips' `vipsthumbnail` chain in the
//! same run with the same worker count, so the ratios do not depend on the machine. Also the
//! derivative bytes of both, and for WebP the SSIM of both mediums against one reference.

mod sets;
mod ssim;
mod vips;

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Result};
use upstage_core::{run_batch, Input, Limits, Pipeline, StageSpec};
use upstage_sdk::Format;

use crate::cli::{BenchArgs, Reference};
use crate::config::Config;
use sets::Set;

struct OurRun {
    elapsed: Duration,
    bytes: u64,
    mediums: Vec<Vec<u8>>,
}

fn time_upstage(cfg: &Config, set: &Set) -> Result<OurRun> {
    let specs: Vec<StageSpec> = ["exif", "medium", "thumbnail"]
        .map(StageSpec::named)
        .to_vec();
    let stages = crate::library::builtins()?.build(&specs)?;
    // The photos are up to 24 MP: lift the size limit so every file is measured.
    let limits = Limits {
        max_bytes: u64::MAX,
        ..cfg.limits
    };
    let pipeline = Pipeline::new(stages, limits);
    let inputs: Vec<Input> = set.files.iter().map(Input::from_path).collect();
    let report = run_batch(
        &pipeline,
        inputs,
        cfg.workers,
        |ctx| Ok(ctx.outputs),
        |_| {},
    )?;
    let mut items = report.items;
    items.sort_by_key(|i| i.index);
    let (mut bytes, mut mediums) = (0, Vec::new());
    for item in items {
        let outputs = match item.result {
            Ok(o) => o,
            Err(e) => bail!("{}: {e}", item.client_name),
        };
        for o in [&outputs.medium, &outputs.thumb].into_iter().flatten() {
            bytes += o.bytes.len() as u64;
        }
        mediums.push(outputs.medium.map(|m| m.bytes).unwrap_or_default());
    }
    Ok(OurRun {
        elapsed: report.elapsed,
        bytes,
        mediums,
    })
}

fn line(name: &str, elapsed: Duration, set: &Set, bytes: u64) -> String {
    let s = elapsed.as_secs_f64();
    format!(
        "| {name:<22} | {:>7.2} | {:>7.1} | {:>8.1} | {:>10} |",
        s,
        set.files.len() as f64 / s,
        set.megapixels / s,
        bytes
    )
}

fn bench_set(cfg: &Config, args: &BenchArgs, set: &Set, tmp: &std::path::Path) -> Result<()> {
    crate::outln!(
        "\n## {}: {} files, {:.1} MP",
        set.name,
        set.files.len(),
        set.megapixels
    );
    let vips_on = args.reference == Reference::Vips;
    let (mut ours, mut reference) = (None::<OurRun>, None::<vips::VipsRun>);
    // Alternate the two so that a burst of load on a shared machine hits both alike.
    for _ in 0..args.passes.max(1) {
        let o = time_upstage(cfg, set)?;
        if ours.as_ref().is_none_or(|b| o.elapsed < b.elapsed) {
            ours = Some(o);
        }
        if vips_on {
            let v = vips::run(cfg.workers, &set.files, set.format, &tmp.join("vips"))?;
            if reference.as_ref().is_none_or(|b| v.elapsed < b.elapsed) {
                reference = Some(v);
            }
        }
    }
    let Some(ours) = ours else { return Ok(()) };
    crate::outln!("| run                    | seconds |  img/s  |   MP/s   | md+th bytes |");
    crate::outln!("|------------------------|---------|---------|----------|------------|");
    crate::outln!("{}", line("upstage", ours.elapsed, set, ours.bytes));
    let Some(v) = reference else { return Ok(()) };
    crate::outln!(
        "{}",
        line("vipsthumbnail md -> th", v.elapsed, set, v.bytes)
    );
    crate::outln!(
        "speed ratio (upstage img/s / vips img/s): {:.2}x; bytes ratio (upstage / vips): {:.2}",
        v.elapsed.as_secs_f64() / ours.elapsed.as_secs_f64(),
        ours.bytes as f64 / v.bytes.max(1) as f64
    );
    if set.format == Format::Webp {
        let originals = set
            .files
            .iter()
            .map(std::fs::read)
            .collect::<std::io::Result<Vec<_>>>()?;
        let theirs = v
            .mediums
            .iter()
            .map(std::fs::read)
            .collect::<std::io::Result<Vec<_>>>()?;
        crate::outln!(
            "medium SSIM vs a Lanczos3 reference: upstage {:.4}, vips {:.4}",
            ssim::mean(&originals, &ours.mediums)?,
            ssim::mean(&originals, &theirs)?
        );
    }
    Ok(())
}

pub fn run(cfg: &Config, args: BenchArgs) -> Result<ExitCode> {
    let tmp = std::env::temp_dir().join(format!("upstage-bench-{}", std::process::id()));
    let result = (|| -> Result<()> {
        let sets = sets::build(&args.dir, &args.sets, args.copies, &tmp)?;
        crate::outln!(
            "workers: {}; outputs: 750 px medium + 320x320 thumb, Q=90; best of {}",
            cfg.workers,
            args.passes.max(1)
        );
        for set in &sets {
            bench_set(cfg, &args, set, &tmp)?;
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result.map(|()| ExitCode::SUCCESS)
}
