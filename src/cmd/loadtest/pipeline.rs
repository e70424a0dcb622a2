//! The yardstick: `upstage process` over the very files the uploads sent, in the same run and
//! with the same worker count. Its img/s is what the server could reach if HTTP, spooling and
//! the database cost nothing; its per-item time with one worker is the floor of an upload's
//! latency.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

pub struct Baseline {
    pub images_per_second: f64,
    /// Median time of one item (pipeline and store) with one worker, ms.
    pub item_ms: f64,
    /// CPU time per item of the many-worker run (user + system), ms.
    pub cpu_ms: f64,
}

/// Runs `upstage process` over `bodies` with `workers`, then over `single` with one worker.
pub fn measure(
    dir: &Path,
    workers: usize,
    bodies: &[Vec<u8>],
    single: &[Vec<u8>],
) -> Result<Baseline> {
    let cpu = || super::server::cpu_seconds("self", true);
    let before = cpu();
    let (images_per_second, _) = process(&dir.join("many"), workers, bodies)?;
    let cpu_ms = before
        .zip(cpu())
        .map_or(0.0, |(b, a)| (a - b) * 1e3 / bodies.len().max(1) as f64);
    let (_, mut items) = process(&dir.join("single"), 1, single)?;
    items.sort_by(f64::total_cmp);
    Ok(Baseline {
        images_per_second,
        item_ms: items.get(items.len() / 2).copied().unwrap_or(0.0),
        cpu_ms,
    })
}

/// img/s over the whole run, and each item's `elapsed_ms`.
fn process(dir: &Path, workers: usize, bodies: &[Vec<u8>]) -> Result<(f64, Vec<f64>)> {
    let input = dir.join("in");
    std::fs::create_dir_all(&input)?;
    for (i, b) in bodies.iter().enumerate() {
        std::fs::write(input.join(format!("{i:05}.jpg")), b)?;
    }
    let start = Instant::now();
    let out = std::process::Command::new(std::env::current_exe()?)
        .arg("--workers")
        .arg(workers.to_string())
        .args(["process", "--json", "--out"])
        .arg(dir.join("out"))
        .arg(&input)
        .output()
        .context("running upstage process")?;
    let seconds = start.elapsed().as_secs_f64();
    anyhow::ensure!(
        out.status.success(),
        "upstage process failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let items: Vec<f64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["ok"] == true)
        .filter_map(|v| v["elapsed_ms"].as_f64())
        .collect();
    anyhow::ensure!(
        items.len() == bodies.len(),
        "upstage process stored {} of {} files",
        items.len(),
        bodies.len()
    );
    let _ = std::fs::remove_dir_all(dir);
    Ok((items.len() as f64 / seconds, items))
}
