//! `upstage loadtest`: a real `upstage serve` child on loopback (own temp data dir), ~2 MB JPEG
//! uploads at each concurrency level, and the figures that matter for an upload server: uploads/s,
//! p50/p99 latency, and the server's peak RSS (VmHWM) over the whole run.

use std::io::Cursor;
use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::cli::LoadtestArgs;

/// A photo-like JPEG of about 2 MB: smooth gradients plus per-pixel noise so it does not compress
/// to nothing, and a `seed` so every upload has distinct bytes.
fn jpeg_2mb(seed: u32) -> Result<Vec<u8>> {
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

fn peak_rss_mb(pid: u32) -> Option<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = s
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

/// `label;KEY=VALUE;KEY=VALUE…`: a server configuration to measure, as environment variables
/// of the child (e.g. `s3+pg;UPSTAGE_STORAGE__BACKEND=s3;UPSTAGE_SERVER__DATABASE_URL=…`).
fn parse_setup(spec: &str) -> Result<(String, Vec<(String, String)>)> {
    let mut parts = spec.split(';');
    let label = parts.next().unwrap_or_default().trim().to_owned();
    let vars = parts
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
                .with_context(|| format!("--setup {label:?}: {p:?} is not KEY=VALUE"))
        })
        .collect::<Result<Vec<_>>>()?;
    if label.is_empty() {
        bail!("--setup needs a label first: \"label;KEY=VALUE;…\"");
    }
    Ok((label, vars))
}

pub fn run(args: LoadtestArgs) -> Result<ExitCode> {
    let setups = if args.setup.is_empty() {
        vec![("default".to_owned(), Vec::new())]
    } else {
        args.setup
            .iter()
            .map(|s| parse_setup(s))
            .collect::<Result<Vec<_>>>()?
    };
    let rt = tokio::runtime::Runtime::new()?;
    let mut rates = Vec::new();
    for (label, vars) in &setups {
        println!("\n## {label}");
        rates.push(rt.block_on(run_async(&args, vars))?);
    }
    if setups.len() > 1 {
        println!(
            "\n| concurrency | {} |",
            setups
                .iter()
                .map(|s| format!("{} / {}", s.0, setups[0].0))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        println!("|---|{}", "---|".repeat(setups.len()));
        for (i, conc) in args.concurrency.iter().enumerate() {
            let cells: Vec<String> = rates
                .iter()
                .map(|r| format!("{:.2}", r[i] / rates[0][i].max(f64::MIN_POSITIVE)))
                .collect();
            println!("| {conc} | {} |", cells.join(" | "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One server child with `vars` in its environment; returns uploads/s per concurrency level.
async fn run_async(args: &LoadtestArgs, vars: &[(String, String)]) -> Result<Vec<f64>> {
    let dir = std::env::temp_dir().join(format!("upstage-loadtest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let mut child = Command::new(std::env::current_exe()?)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(&dir)
        .env("UPSTAGE_DATA_DIR", dir.join("data"))
        .envs(vars.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting upstage serve")?;
    let pid = child.id().context("server pid")?;
    let mut lines = BufReader::new(child.stdout.take().context("server stdout")?).lines();
    let (mut key, mut base) = (None, None);
    while let Some(line) =
        tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await??
    {
        let t = line.trim();
        if t.starts_with("chv_") {
            key = Some(t.to_owned());
        }
        if let Some(rest) = t.strip_prefix("Upstage listening on ") {
            base = rest.split_whitespace().next().map(str::to_owned);
            break;
        }
    }
    let (Some(key), Some(base)) = (key, base) else {
        bail!("server did not start (a shared database must be empty: the load test needs the first admin key)")
    };
    let endpoint = format!("{base}/api/1/upload");
    let client = reqwest::Client::new();
    let sample = jpeg_2mb(0)?;
    println!(
        "server pid {pid}; upload ~{:.2} MB JPEG 1920x1280; {} requests per level",
        sample.len() as f64 / 1e6,
        args.requests
    );
    println!("| concurrency | uploads/s | p50 ms | p99 ms | errors | server peak RSS MB |");
    println!("|---|---|---|---|---|---|");
    let mut seed = 1;
    let mut rates = Vec::new();
    for &conc in &args.concurrency {
        // Bodies are made up front so the client's JPEG encoding is not measured.
        let bodies: Vec<Vec<u8>> = (0..args.requests)
            .map(|i| jpeg_2mb(seed + i as u32))
            .collect::<Result<_>>()?;
        seed += args.requests as u32;
        let queue = Arc::new(std::sync::Mutex::new(bodies));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..conc.max(1) {
            let (q, c, e, k) = (queue.clone(), client.clone(), endpoint.clone(), key.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut errors = 0usize;
                while let Some(body) = q.lock().ok().and_then(|mut v| v.pop()) {
                    let part = reqwest::multipart::Part::bytes(body)
                        .file_name("load.jpg")
                        .mime_str("image/jpeg")?;
                    let t = Instant::now();
                    let r = c
                        .post(&e)
                        .header("X-API-Key", &k)
                        .multipart(reqwest::multipart::Form::new().part("source", part))
                        .send()
                        .await;
                    match r {
                        Ok(resp) if resp.status().is_success() => {
                            resp.bytes().await?;
                            lat.push(t.elapsed());
                        }
                        _ => errors += 1,
                    }
                }
                anyhow::Ok((lat, errors))
            }));
        }
        let mut lat = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let (l, e) = t.await??;
            lat.extend(l);
            errors += e;
        }
        let secs = start.elapsed().as_secs_f64();
        lat.sort();
        rates.push(lat.len() as f64 / secs);
        println!(
            "| {conc} | {:.1} | {:.0} | {:.0} | {errors} | {:.0} |",
            lat.len() as f64 / secs,
            percentile(&lat, 0.5).as_secs_f64() * 1e3,
            percentile(&lat, 0.99).as_secs_f64() * 1e3,
            peak_rss_mb(pid).unwrap_or(0.0)
        );
    }
    child.kill().await.ok();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(rates)
}

#[cfg(test)]
mod tests {
    use super::parse_setup;

    #[test]
    fn setups_are_a_label_then_variables() {
        let (label, vars) =
            parse_setup("s3+pg;UPSTAGE_STORAGE__BACKEND=s3;URL=postgres://h/db?x=1").unwrap();
        assert_eq!(label, "s3+pg");
        assert_eq!(
            vars,
            vec![
                ("UPSTAGE_STORAGE__BACKEND".to_owned(), "s3".to_owned()),
                ("URL".to_owned(), "postgres://h/db?x=1".to_owned()),
            ]
        );
        assert!(parse_setup("x;NOEQUALS").is_err());
        assert!(parse_setup(";A=b").is_err());
    }
}
