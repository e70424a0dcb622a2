use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;
use chrono::Local;
use indicatif::{ProgressBar, ProgressStyle};
use upstage_core::{collect_inputs, run_batch, ItemError};
use upstage_sdk::{ErrorCode, ItemContext};
use upstage_storage::{store_item, StoreOptions};

use crate::cli::ProcessArgs;
use crate::config::Config;
use crate::report::{human_line, is_skip, json_line, Processed};

pub fn run(cfg: &Config, args: ProcessArgs) -> Result<ExitCode> {
    let pipeline = crate::library::pipeline(cfg)?;
    // `--out` is the root of local storage; any other backend decides itself where files go.
    anyhow::ensure!(
        args.out.is_none() || cfg.storage.backend == "local",
        "--out only applies to storage.backend = \"local\"; files go to {:?} here",
        cfg.storage.backend
    );
    let out = args.out.clone().unwrap_or_else(|| cfg.data_dir.clone());
    let storage = crate::library::storage(cfg, &out)?;
    let dest = if cfg.storage.backend == "local" {
        out.display().to_string()
    } else {
        storage.name().to_owned()
    };
    let (mut inputs, walk_errors) = collect_inputs(&args.paths);
    for (path, e) in &walk_errors {
        eprintln!("skipped {}: {e}", path.display());
    }
    for input in &mut inputs {
        input.options.use_file_date = args.use_file_date;
        input.options.width = args.width;
    }
    let total = inputs.len();
    let bar = if std::io::stderr().is_terminal() && !args.json {
        let b = ProgressBar::new(total as u64);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} eta {eta} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let mode = cfg.storage.mode;
    let today = Local::now().date_naive();
    let sink = |ctx: ItemContext| -> Result<Processed, ItemError> {
        let date = match ctx.meta.date_taken {
            Some(d) if ctx.options.use_file_date => d.local.date(),
            _ => today,
        };
        let stored = store_item(storage.as_ref(), &ctx, &StoreOptions::new(mode, date))
            .map_err(|e| ItemError::new(ErrorCode::Storage, e.to_string()))?;
        let (width, height) = ctx.main_size();
        Ok(Processed {
            format: ctx.main_format(),
            width,
            height,
            bytes: stored.files.first().map_or(0, |f| f.bytes),
            is_animated: ctx.meta.is_animated,
            date_taken: ctx.meta.date_taken,
            gps_removed: ctx.meta.gps_removed,
            stored,
            timings: ctx.timings,
        })
    };
    let json = args.json;
    let report = run_batch(&pipeline, inputs, cfg.workers, sink, |r| {
        let line = if json { json_line(r) } else { human_line(r) };
        bar.suspend(|| crate::outln!("{line}"));
        bar.inc(1);
    })?;
    bar.finish_and_clear();
    let skipped = report
        .items
        .iter()
        .filter(|i| i.result.as_ref().err().is_some_and(is_skip))
        .count();
    let failed = report.failed() - skipped;
    let ok = total - failed - skipped;
    let secs = report.elapsed.as_secs_f64();
    let rate = if secs > 0.0 { total as f64 / secs } else { 0.0 };
    if json {
        crate::outln!(
            "{}",
            serde_json::json!({"summary": {"total": total, "ok": ok, "failed": failed,
                "skipped": skipped, "seconds": secs, "items_per_second": rate, "out": dest}})
        );
    } else {
        let skipped = if skipped > 0 {
            format!(", {skipped} skipped (see the hint on each skip line)")
        } else {
            String::new()
        };
        crate::outln!(
            "{ok} processed, {failed} failed{skipped} in {secs:.2} s ({rate:.1} items/s) -> {dest}"
        );
    }
    Ok(if failed > 0 || !walk_errors.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
