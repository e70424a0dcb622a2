//! The yardstick: `upstage process` over the very files the uploads sent, in the same run and
//! with the same worker count. Its img/s is what the server could reach if HTTP, spooling and
//! the database cost nothing; its per-item time with one worker is the floor of an upload's
//! latency.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use upstage_library::processing::is_decode;

use super::level::median;

pub struct Baseline {
    pub images_per_second: f64,
    /// Median time of one item (pipeline and store) with one worker, ms.
    pub item_ms: f64,
    /// Median of the first 20 items alone, ms. On a virtual machine whose host backs guest
    /// memory lazily, the first ~100 files written are cheaper than the rest (see
    /// docs/performance.md); this figure shows how far that moves the median.
    pub first_items_ms: f64,
    /// The same run's 99th percentile, ms: how much this machine alone stretches the tail of
    /// work that has no HTTP, queue or database in it.
    pub item_p99_ms: f64,
    /// Medians of that item's `decode` and `encode` stages (as `Server-Timing` groups them) and
    /// of the rest (reading the file, storing), ms.
    pub item_split: [f64; 3],
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
    let (_, items) = process(&dir.join("single"), 1, single)?;
    let column = |i: usize| median(items.iter().map(|t| t[i]).collect());
    let mut elapsed: Vec<f64> = items.iter().map(|t| t[0]).collect();
    elapsed.sort_by(f64::total_cmp);
    let p99 = ((elapsed.len() as f64 - 1.0) * 0.99).round() as usize;
    Ok(Baseline {
        images_per_second,
        item_ms: column(0),
        first_items_ms: median(items.iter().take(20).map(|t| t[0]).collect()),
        item_p99_ms: elapsed.get(p99).copied().unwrap_or(0.0),
        item_split: [column(1), column(2), column(3)],
        cpu_ms,
    })
}

/// One `--json` line's item: elapsed, decode, encode and the rest, ms.
fn item_times(v: &serde_json::Value) -> Option<[f64; 4]> {
    let elapsed = v["elapsed_ms"].as_f64()?;
    let (mut decode, mut encode) = (0.0, 0.0);
    for t in v["item"]["timings"].as_array()? {
        let ms = t["elapsed"].as_f64().unwrap_or(0.0) / 1e3;
        if is_decode(t["stage"].as_str().unwrap_or_default()) {
            decode += ms;
        } else {
            encode += ms;
        }
    }
    Some([
        elapsed,
        decode,
        encode,
        (elapsed - decode - encode).max(0.0),
    ])
}

/// img/s over the whole run, and each item's times ([`item_times`]).
fn process(dir: &Path, workers: usize, bodies: &[Vec<u8>]) -> Result<(f64, Vec<[f64; 4]>)> {
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
    let items: Vec<[f64; 4]> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["ok"] == true)
        .filter_map(|v| item_times(&v))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_splits_as_server_timing_groups_it() {
        let line = serde_json::json!({"ok": true, "elapsed_ms": 40, "item": {"timings": [
            {"stage": "probe", "elapsed": 1000}, {"stage": "exif", "elapsed": 500},
            {"stage": "decode", "elapsed": 20000}, {"stage": "medium", "elapsed": 6000},
            {"stage": "thumbnail", "elapsed": 2500}]}});
        assert_eq!(item_times(&line), Some([40.0, 21.5, 8.5, 10.0]));
        assert_eq!(item_times(&serde_json::json!({"ok": false})), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
    }
}
