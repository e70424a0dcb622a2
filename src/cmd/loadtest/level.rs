//! One measured level: `concurrency` clients upload until the bodies run out.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;

pub struct Level {
    /// Latencies of the successful uploads, sorted.
    pub latencies: Vec<Duration>,
    /// The `Server-Timing` header of each successful upload, in the order of `latencies`.
    pub timings: Vec<String>,
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

    /// The `Server-Timing` headers of the slowest `share` of the uploads (at least one): where
    /// the tail's time went.
    pub fn slowest_timings(&self, share: f64) -> &[String] {
        let n = ((self.timings.len() as f64 * share).ceil() as usize).max(1);
        &self.timings[self.timings.len().saturating_sub(n)..]
    }
}

/// Median of each `Server-Timing` metric (`name;dur=ms, …`) over `headers`, in first-seen order.
pub fn timing_medians(headers: &[String]) -> Vec<(String, f64)> {
    let mut by_name: Vec<(String, Vec<f64>)> = Vec::new();
    for h in headers {
        for metric in h.split(',') {
            let mut parts = metric.trim().split(';');
            let name = parts.next().unwrap_or_default().to_owned();
            let Some(ms) = parts
                .find_map(|p| p.trim().strip_prefix("dur="))
                .and_then(|d| d.parse::<f64>().ok())
            else {
                continue;
            };
            match by_name.iter_mut().find(|(n, _)| *n == name) {
                Some((_, v)) => v.push(ms),
                None => by_name.push((name, vec![ms])),
            }
        }
    }
    by_name.into_iter().map(|(n, v)| (n, median(v))).collect()
}

/// The middle value (the upper one of an even count); 0 for none.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
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
            let mut done = Vec::new();
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
                        let timing = resp
                            .headers()
                            .get("server-timing")
                            .map(|h| String::from_utf8_lossy(h.as_bytes()).into_owned())
                            .unwrap_or_default();
                        resp.bytes().await?;
                        done.push((t.elapsed(), timing));
                    }
                    _ => errors += 1,
                }
            }
            anyhow::Ok((done, errors))
        }));
    }
    let mut done = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (d, e) = t.await??;
        done.extend(d);
        errors += e;
    }
    let seconds = start.elapsed().as_secs_f64();
    done.sort_by_key(|(latency, _)| *latency);
    let (latencies, timings) = done.into_iter().unzip();
    Ok(Level {
        latencies,
        timings,
        errors,
        seconds,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{timing_medians, Level};

    #[test]
    fn the_tail_is_the_slowest_share_and_never_empty() {
        let level = |n: usize| Level {
            latencies: (0..n as u64).map(Duration::from_millis).collect(),
            timings: (0..n).map(|i| format!("store;dur={i}")).collect(),
            errors: 0,
            seconds: 1.0,
        };
        let cases: [(usize, f64, &[&str]); 4] = [
            (
                300,
                0.01,
                &["store;dur=297", "store;dur=298", "store;dur=299"],
            ),
            (50, 0.01, &["store;dur=49"]),
            (4, 0.5, &["store;dur=2", "store;dur=3"]),
            (0, 0.01, &[]),
        ];
        for (n, share, want) in cases {
            assert_eq!(level(n).slowest_timings(share), want, "{n} × {share}");
        }
    }

    #[test]
    fn medians_per_metric_in_header_order() {
        let headers = [
            "spool;dur=1.0, decode;dur=30.0".to_owned(),
            "spool;dur=3.0, decode;dur=10.0, db;dur=2.5".to_owned(),
            "spool;dur=2.0, decode;dur=20.0, bogus, x;dur=nope".to_owned(),
        ];
        assert_eq!(
            timing_medians(&headers),
            vec![
                ("spool".to_owned(), 2.0),
                ("decode".to_owned(), 20.0),
                ("db".to_owned(), 2.5),
            ]
        );
    }
}
