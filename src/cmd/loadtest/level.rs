//! One measured level: `concurrency` clients upload until the bodies run out.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;

pub struct Level {
    /// Latencies of the successful uploads, sorted.
    pub latencies: Vec<Duration>,
    pub errors: usize,
    pub seconds: f64,
}

impl Level {
    pub fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.seconds.max(f64::MIN_POSITIVE)
    }

    pub fn percentile_ms(&self, p: f64) -> f64 {
        percentile(&self.latencies, p).as_secs_f64() * 1e3
    }
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

/// Where bodies come from: a fixed list, or made on demand until a deadline.
pub type Source = Arc<dyn Fn() -> Option<Vec<u8>> + Send + Sync>;

/// A source that hands out `bodies` once each.
pub fn from_list(bodies: Vec<Vec<u8>>) -> Source {
    let queue = std::sync::Mutex::new(bodies);
    Arc::new(move || queue.lock().ok().and_then(|mut v| v.pop()))
}

pub async fn run(
    client: &reqwest::Client,
    endpoint: &str,
    key: &str,
    concurrency: usize,
    source: Source,
) -> Result<Level> {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (src, c, e, k) = (
            source.clone(),
            client.clone(),
            endpoint.to_owned(),
            key.to_owned(),
        );
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0usize;
            while let Some(body) = src() {
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
    let mut latencies = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await??;
        latencies.extend(l);
        errors += e;
    }
    let seconds = start.elapsed().as_secs_f64();
    latencies.sort();
    Ok(Level {
        latencies,
        errors,
        seconds,
    })
}
