//! `--soak SECONDS`: distinct photos at one concurrency for a while, with the server's resident
//! memory sampled every second, then watched while the server sits idle. Memory that a server
//! keeps after the load is over is what it will hold for the rest of its life.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::bodies::{base_photos, numbered};
use super::level;
use super::server::{status_mb, Server};

pub struct Soak<'a> {
    pub seconds: u64,
    pub idle_seconds: u64,
    pub concurrency: usize,
    pub photos: Option<&'a Path>,
}

pub async fn run(server: &Server, client: &reqwest::Client, soak: &Soak<'_>) -> Result<()> {
    let photos = Arc::new(base_photos(soak.photos, 8)?);
    crate::outln!(
        "soak: {} s at concurrency {}, distinct uploads of {} base photos ({:.1} MB on average)",
        soak.seconds,
        soak.concurrency,
        photos.len(),
        photos.iter().map(Vec::len).sum::<usize>() as f64 / photos.len() as f64 / 1e6
    );
    let deadline = Instant::now() + Duration::from_secs(soak.seconds);
    let sent = Arc::new(AtomicU64::new(0));
    let source: level::Source = {
        let (photos, sent) = (photos.clone(), sent.clone());
        Arc::new(move || {
            if Instant::now() >= deadline {
                return None;
            }
            let n = sent.fetch_add(1, Ordering::Relaxed);
            let base = &photos[(n % photos.len() as u64) as usize];
            Some(numbered(base, n))
        })
    };
    crate::outln!("| t s | uploads sent | server RSS MB |");
    crate::outln!("|---|---|---|");
    let sampler = {
        let (pid, sent) = (server.pid, sent.clone());
        let every = (soak.seconds / 12).max(5);
        tokio::spawn(async move {
            let start = Instant::now();
            let mut max: f64 = 0.0;
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                let t = start.elapsed().as_secs();
                let rss = status_mb(pid, "VmRSS:").unwrap_or(0.0);
                max = max.max(rss);
                if t > 0 && t.is_multiple_of(every) {
                    crate::outln!("| {t} | {} | {rss:.0} |", sent.load(Ordering::Relaxed));
                }
                if Instant::now() >= deadline {
                    return max;
                }
            }
        })
    };
    let done = level::run(
        client,
        &server.endpoint,
        &server.key,
        soak.concurrency,
        source,
    )
    .await?;
    let max_sampled = sampler.await.unwrap_or(0.0);
    crate::outln!(
        "\nsoak: {} uploads ({} errors), {:.1} uploads/s, p50 {:.0} ms, p99 {:.0} ms; RSS max sampled {max_sampled:.0} MB, peak (VmHWM) {:.0} MB",
        done.latencies.len(),
        done.errors,
        done.rate(),
        done.percentile_ms(0.5),
        done.percentile_ms(0.99),
        server.peak_rss_mb().unwrap_or(0.0)
    );
    crate::outln!("| idle s | server RSS MB |");
    crate::outln!("|---|---|");
    let start = Instant::now();
    for t in [0, 1, 2, 5, 10, 15, 30, 60] {
        if t > soak.idle_seconds {
            break;
        }
        let wait = Duration::from_secs(t).saturating_sub(start.elapsed());
        tokio::time::sleep(wait).await;
        crate::outln!("| {t} | {:.0} |", server.rss_mb().unwrap_or(0.0));
    }
    Ok(())
}
