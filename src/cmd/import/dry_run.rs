//! `--dry-run`: read each file's date with the `exif` stage alone (in memory, nothing written)
//! and print the date it would be filed under, where it comes from, and a histogram per month.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use chrono::{DateTime, NaiveDateTime, Utc};
use rayon::prelude::*;
use serde_json::json;
use upstage_core::{Input, Pipeline, StageSpec};
use upstage_sdk::DateSource;

use super::Item;
use crate::cli::ImportArgs;
use crate::config::Config;

enum Found {
    /// Wall time, the offset text when the file records one, the tag.
    Taken(NaiveDateTime, Option<String>, &'static str),
    Mtime(NaiveDateTime),
    Upload,
    Error(String),
}

fn tag(s: DateSource) -> &'static str {
    match s {
        DateSource::DateTimeOriginal => "DateTimeOriginal",
        DateSource::DateTimeDigitized => "DateTimeDigitized",
        DateSource::DateTime => "DateTime",
    }
}

pub fn run(
    cfg: &Config,
    args: &ImportArgs,
    items: &[Item],
    walk_errors: &[(PathBuf, String)],
) -> Result<ExitCode> {
    let stages = crate::library::builtins()?.build(&[StageSpec::named("exif")])?;
    let pipeline = Pipeline::new(stages, cfg.limits);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.workers)
        .build()?;
    let mtime_fallback = args.use_mtime_fallback;
    let found: Vec<Found> = pool.install(|| {
        items
            .par_iter()
            .map(|item| match pipeline.run(Input::from_path(&item.path)) {
                Ok(ctx) => match ctx.meta.date_taken {
                    Some(d) => {
                        Found::Taken(d.local, d.offset.map(|o| o.to_string()), tag(d.source))
                    }
                    None if mtime_fallback => std::fs::metadata(&item.path)
                        .and_then(|m| m.modified())
                        .map(|t| Found::Mtime(DateTime::<Utc>::from(t).naive_utc()))
                        .unwrap_or(Found::Upload),
                    None => Found::Upload,
                },
                Err(e) => Found::Error(e.to_string()),
            })
            .collect()
    });
    let tz = &cfg.server.timezone;
    let mut months: BTreeMap<String, usize> = BTreeMap::new();
    let (mut no_date, mut errors) = (0usize, walk_errors.len());
    for (path, why) in walk_errors {
        if args.json {
            crate::outln!("{}", json!({"path": path, "error": why}));
        } else {
            crate::outln!(
                "error                                 {}: {why}",
                path.display()
            );
        }
    }
    for (item, f) in items.iter().zip(&found) {
        let path = item.path.display();
        match f {
            Found::Taken(local, offset, source) => {
                *months.entry(local.format("%Y-%m").to_string()).or_default() += 1;
                let zone = offset.clone().unwrap_or_else(|| format!("({tz})"));
                if args.json {
                    crate::outln!(
                        "{}",
                        json!({"path": item.path, "date": local.format("%Y-%m-%d %H:%M:%S").to_string(),
                            "offset": offset, "source": source})
                    );
                } else {
                    crate::outln!(
                        "{} {zone:<8} {source:<17} {path}",
                        local.format("%Y-%m-%d %H:%M:%S")
                    );
                }
            }
            Found::Mtime(t) => {
                no_date += 1;
                *months.entry(t.format("%Y-%m").to_string()).or_default() += 1;
                if args.json {
                    crate::outln!(
                        "{}",
                        json!({"path": item.path, "date": t.format("%Y-%m-%d %H:%M:%S").to_string(),
                            "offset": "+00:00", "source": "mtime"})
                    );
                } else {
                    crate::outln!(
                        "{} {:<8} {:<17} {path}",
                        t.format("%Y-%m-%d %H:%M:%S"),
                        "UTC",
                        "mtime"
                    );
                }
            }
            Found::Upload => {
                no_date += 1;
                *months.entry("upload date".to_owned()).or_default() += 1;
                if args.json {
                    crate::outln!(
                        "{}",
                        json!({"path": item.path, "date": null, "source": "upload date"})
                    );
                } else {
                    crate::outln!(
                        "{:<28} {:<17} {path}",
                        "(date of the import)",
                        "upload date"
                    );
                }
            }
            Found::Error(why) => {
                errors += 1;
                if args.json {
                    crate::outln!("{}", json!({"path": item.path, "error": why}));
                } else {
                    crate::outln!("{:<28} {:<17} {path}: {why}", "error", "would fail");
                }
            }
        }
    }
    let max = months.values().copied().max().unwrap_or(0);
    if args.json {
        crate::outln!(
            "{}",
            json!({"summary": {"files": items.len(), "no_date": no_date, "errors": errors,
                "histogram": months}})
        );
    } else {
        crate::outln!();
        for (month, n) in &months {
            let width = if max == 0 { 0 } else { (n * 40).div_ceil(max) };
            crate::outln!("{month:<11} {} {n}", "█".repeat(width));
        }
        crate::outln!(
            "\n{} files, {no_date} without a date taken, {errors} unreadable; nothing written (dry run)",
            items.len()
        );
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
