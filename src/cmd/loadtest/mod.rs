//! `upstage loadtest`: a real `upstage serve` child on loopback (own temp data dir), ~2 MB JPEG
//! uploads at each concurrency level, and the figures that matter for an upload server:
//! uploads/s, p50/p99 latency and the server's peak RSS (VmHWM) over the whole run — next to
//! `upstage process` on the same files with the same worker count, measured in the same run, so
//! the server is judged against the pipeline rather than against a number from another day.
//! `--soak SECONDS` instead runs distinct photos for that long and follows the server's memory.

mod bodies;
mod level;
mod pipeline;
mod server;
mod soak;

use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::cli::LoadtestArgs;
use level::Level;
use server::Server;

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

/// `workers` is the processing worker count of the server child and of `upstage process`.
pub fn run(args: LoadtestArgs, workers: usize) -> Result<ExitCode> {
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
        crate::outln!("\n## {label}");
        let mut vars = vars.clone();
        vars.insert(
            0,
            (
                "UPSTAGE_SERVER__PROCESSING__WORKERS".into(),
                workers.to_string(),
            ),
        );
        rates.push(rt.block_on(run_setup(&args, &vars, workers))?);
    }
    if setups.len() > 1 && args.soak.is_none() {
        crate::outln!(
            "\n| concurrency | {} |",
            setups
                .iter()
                .map(|s| format!("{} / {}", s.0, setups[0].0))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        crate::outln!("|---|{}", "---|".repeat(setups.len()));
        for (i, conc) in args.concurrency.iter().enumerate() {
            let cells: Vec<String> = rates
                .iter()
                .map(|r| format!("{:.2}", r[i] / rates[0][i].max(f64::MIN_POSITIVE)))
                .collect();
            crate::outln!("| {conc} | {} |", cells.join(" | "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One server child with `vars` in its environment; returns uploads/s per concurrency level.
async fn run_setup(
    args: &LoadtestArgs,
    vars: &[(String, String)],
    workers: usize,
) -> Result<Vec<f64>> {
    let dir = std::env::temp_dir().join(format!("upstage-loadtest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let server = Server::start(args.server_exe.as_deref(), &dir, vars).await?;
    let client = reqwest::Client::new();
    let result = match args.soak {
        Some(seconds) => {
            let plan = soak::Soak {
                seconds,
                idle_seconds: args.idle,
                concurrency: args.concurrency.last().copied().unwrap_or(4),
                photos: args.photos.as_deref(),
            };
            soak::run(&server, &client, &plan)
                .await
                .map(|()| Vec::new())
        }
        None => levels(args, &server, &client, workers, &dir).await,
    };
    server.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Distinct photos behind a level's bodies.
const BASE_PHOTOS: u32 = 16;

async fn levels(
    args: &LoadtestArgs,
    server: &Server,
    client: &reqwest::Client,
    workers: usize,
    dir: &std::path::Path,
) -> Result<Vec<f64>> {
    // Bodies are made up front so the client's JPEG encoding is not measured: numbered copies
    // of a few photos (distinct bytes and md5, the same work per upload) rather than one
    // encoding per request, which kept the client busy for ~0.1 s per body before any level.
    let distinct = BASE_PHOTOS.min(u32::try_from(args.requests).unwrap_or(u32::MAX));
    let photos = (1..=distinct.max(1))
        .map(bodies::jpeg_2mb)
        .collect::<Result<Vec<_>>>()?;
    crate::outln!(
        "server pid {}; {workers} workers; upload ~{:.2} MB JPEG 1920x1280; {} requests per level",
        server.pid,
        photos.first().map_or(0, Vec::len) as f64 / 1e6,
        args.requests
    );
    crate::outln!(
        "| concurrency | uploads/s | p50 ms | p99 ms | errors | server peak RSS MB \
         | server CPU ms/upload | client CPU ms/upload |"
    );
    crate::outln!("|---|---|---|---|---|---|---|---|");
    let mut serial = 0u64;
    let mut done: Vec<(usize, Level, Vec<Vec<u8>>)> = Vec::new();
    for &conc in &args.concurrency {
        let bodies: Vec<Vec<u8>> = (0..args.requests)
            .map(|i| {
                serial += 1;
                bodies::numbered(&photos[i % photos.len()], serial)
            })
            .collect();
        let source = level::from_list(bodies.clone());
        let cpu = (server.cpu_seconds(), server::cpu_seconds("self", false));
        let l = level::run(client, &server.endpoint, &server.key, conc, source).await?;
        let per_upload = |before: Option<f64>, after: Option<f64>| {
            before.zip(after).map_or(0.0, |(b, a)| {
                (a - b) * 1e3 / l.latencies.len().max(1) as f64
            })
        };
        crate::outln!(
            "| {conc} | {:.1} | {:.0} | {:.0} | {} | {:.0} | {:.1} | {:.1} |",
            l.rate(),
            l.percentile_ms(0.5),
            l.percentile_ms(0.99),
            l.errors,
            server.peak_rss_mb().unwrap_or(0.0),
            per_upload(cpu.0, server.cpu_seconds()),
            per_upload(cpu.1, server::cpu_seconds("self", false)),
        );
        done.push((conc, l, bodies));
    }
    for (conc, l, _) in &done {
        let cells: Vec<String> = level::timing_medians(&l.timings)
            .into_iter()
            .map(|(name, ms)| format!("{name} {ms:.1}"))
            .collect();
        crate::outln!("c={conc} Server-Timing medians, ms: {}", cells.join(", "));
        let tail: Vec<String> = level::timing_medians(l.slowest_timings(0.01))
            .into_iter()
            .map(|(name, ms)| format!("{name} {ms:.1}"))
            .collect();
        crate::outln!("c={conc} slowest 1%, medians, ms: {}", tail.join(", "));
    }
    let rates = done.iter().map(|(_, l, _)| l.rate()).collect();
    if args.no_pipeline {
        return Ok(rates);
    }
    goals(server, workers, dir, &done)?;
    Ok(rates)
}

/// The pipeline on the same files, and the server's figures against it.
fn goals(
    server: &Server,
    workers: usize,
    dir: &std::path::Path,
    done: &[(usize, Level, Vec<Vec<u8>>)],
) -> Result<()> {
    let Some((busy_c, busy, busy_bodies)) = done.iter().max_by_key(|(c, _, _)| *c) else {
        return Ok(());
    };
    let single = done.iter().find(|(c, _, _)| *c == 1);
    // As many items alone as uploads at c=1: the two tails then have the same number of samples.
    let alone: Vec<Vec<u8>> = single
        .map_or(busy_bodies, |(_, _, b)| b)
        .iter()
        .take(300)
        .cloned()
        .collect();
    let base = pipeline::measure(&dir.join("pipeline"), workers, busy_bodies, &alone)?;
    crate::outln!(
        "\npipeline (`upstage process`, same files, same run): {workers} workers {:.1} img/s \
         ({:.1} ms CPU per item); one item alone (1 worker) {:.0} ms median, {:.0} ms p99 \
         ({} items; the first 20: {:.0} ms median)",
        base.images_per_second,
        base.cpu_ms,
        base.item_ms,
        base.item_p99_ms,
        alone.len(),
        base.first_items_ms
    );
    let [decode, encode, rest] = base.item_split;
    crate::outln!(
        "one item alone, medians, ms: decode {decode:.1}, encode {encode:.1}, \
         reading the file and storing {rest:.1}"
    );
    crate::outln!("| goal | measured | target |");
    crate::outln!("|---|---|---|");
    crate::outln!(
        "| uploads/s ÷ pipeline img/s at c={busy_c} | {:.2} ({:.1} / {:.1}) | ≥ 0.9 |",
        busy.rate() / base.images_per_second.max(f64::MIN_POSITIVE),
        busy.rate(),
        base.images_per_second
    );
    crate::outln!(
        "| p99 at c={busy_c} | {:.0} ms (p50 {:.0} ms) | ≤ 300 ms |",
        busy.percentile_ms(0.99),
        busy.percentile_ms(0.5)
    );
    // The latency goal holds for the tail, at c=1 as at the busiest level.
    if let Some((_, one, _)) = single {
        let item = base.item_ms.max(f64::MIN_POSITIVE);
        crate::outln!(
            "| c=1 p99 ÷ pipeline per item | {:.2} ({:.0} / {:.0} ms; p50 {:.2}; \
             the pipeline's own p99 {:.2}) | ≤ 1.5 |",
            one.percentile_ms(0.99) / item,
            one.percentile_ms(0.99),
            base.item_ms,
            one.percentile_ms(0.5) / item,
            base.item_p99_ms / item,
        );
    }
    crate::outln!(
        "| server peak RSS | {:.0} MB | < 300 MB |",
        server.peak_rss_mb().unwrap_or(0.0)
    );
    Ok(())
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
