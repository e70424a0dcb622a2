//! The one retry policy of every upload (batch engine and `upstage import --to`): jittered
//! exponential backoff from `backon`, only for answers that are safe to send again
//! ([`UploadError::retryable`]), a server's `Retry-After` taking the place of the computed wait.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder, Retryable};

use crate::UploadError;

/// A `Retry-After` longer than this is clamped: a misconfigured server must not park a batch.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub tries: u32,
    /// The base of the first wait; each later base doubles, up to `max_delay`.
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// Jitter seed; `None` (the default) draws a fresh one per file, so clients that failed
    /// together do not come back together.
    pub seed: Option<u64>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            tries: 4,
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            seed: None,
        }
    }
}

/// Why a file was given up on, and after how many tries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub error: UploadError,
    pub tries: u32,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.error)?;
        if self.tries > 1 {
            write!(f, " (gave up after {} tries)", self.tries)?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

impl RetryPolicy {
    fn builder(&self) -> ExponentialBuilder {
        let b = ExponentialBuilder::default()
            .with_min_delay(self.first_delay)
            .with_max_delay(self.max_delay)
            .with_factor(2.0)
            .with_max_times(self.tries.saturating_sub(1) as usize)
            .with_jitter();
        match self.seed {
            Some(s) => b.with_jitter_seed(s),
            None => b,
        }
    }

    /// The waits before each retry with jitter seed `seed`: the `n`th lies in
    /// `[base(n), 2·base(n))`, `base(n) = min(first_delay · 2ⁿ⁻¹, max_delay)`.
    pub fn schedule(&self, seed: u64) -> Vec<Duration> {
        RetryPolicy {
            seed: Some(seed),
            ..*self
        }
        .builder()
        .build()
        .collect()
    }

    /// Run `op` (given the try number, from 1) until it succeeds, fails for good, or the tries
    /// are spent. `before_retry(try, wait, error)` is told of each retry before its wait; it
    /// returns `false` to hand the error back at once instead (the engine does so for an
    /// unreachable server, which pauses the whole batch rather than one file).
    pub async fn run<T, Fut>(
        &self,
        mut op: impl FnMut(u32) -> Fut,
        mut before_retry: impl FnMut(u32, Duration, &UploadError) -> bool,
    ) -> Result<T, Failure>
    where
        Fut: Future<Output = Result<T, UploadError>>,
    {
        // Atomics only so the future stays `Send`: the closures run one after another.
        let tries = AtomicU32::new(0);
        let res = (|| op(tries.fetch_add(1, Ordering::Relaxed) + 1))
            .retry(self.builder())
            .when(|e: &UploadError| e.retryable())
            .adjust(|e, next| {
                let wait = next.map(|d| e.retry_after().map_or(d, |r| r.min(MAX_RETRY_AFTER)))?;
                before_retry(tries.load(Ordering::Relaxed), wait, e).then_some(wait)
            })
            .await;
        res.map_err(|error| Failure {
            error,
            tries: tries.load(Ordering::Relaxed),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_jittered_within_the_doubling_bounds() {
        let p = RetryPolicy {
            tries: 8,
            ..RetryPolicy::default()
        };
        let a = p.schedule(1);
        let b = p.schedule(2);
        assert_eq!(a.len(), 7, "one wait per retry");
        assert_ne!(a, b, "different seeds, different waits");
        assert_eq!(a, p.schedule(1), "a seed is a schedule");
        for s in [&a, &b] {
            for (n, d) in s.iter().enumerate() {
                let base = p.first_delay.saturating_mul(1 << n).min(p.max_delay);
                assert!(
                    *d >= base && *d < base * 2,
                    "wait {n}: {d:?} vs base {base:?}"
                );
            }
        }
    }

    fn server(status: u16, retry_after: Option<u64>) -> UploadError {
        UploadError::Server {
            status,
            code: 0,
            message: String::new(),
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    /// Which answers get another try, and after how long (the `Retry-After` when given). The
    /// hook hands each error back before any wait, so nothing sleeps here.
    #[tokio::test]
    async fn what_is_retried_and_how_long_it_waits() {
        let p = RetryPolicy {
            seed: Some(7),
            ..RetryPolicy::default()
        };
        let backoff = p.schedule(7)[0];
        let cases: [(UploadError, Option<Duration>); 8] = [
            (server(503, None), Some(backoff)),
            (server(500, None), Some(backoff)),
            (server(503, Some(3)), Some(Duration::from_secs(3))),
            (server(503, Some(3600)), Some(MAX_RETRY_AFTER)),
            (server(429, Some(2)), Some(Duration::from_secs(2))),
            (UploadError::network("reset"), Some(backoff)),
            (server(400, None), None),
            (server(413, Some(1)), None),
        ];
        for (error, want) in cases {
            let mut waits = Vec::new();
            let res: Result<(), Failure> = p
                .run(
                    |_| {
                        let e = error.clone();
                        async move { Err(e) }
                    },
                    |_, d, _| {
                        waits.push(d);
                        false
                    },
                )
                .await;
            assert_eq!(res.map_err(|f| f.tries), Err(1), "{error:?}");
            assert_eq!(waits.first().copied(), want, "{error:?}");
        }
    }

    #[tokio::test]
    async fn succeeds_on_a_later_try_or_gives_up_after_the_last() {
        let p = RetryPolicy {
            tries: 3,
            first_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(4),
            seed: None,
        };
        let ok = p
            .run(
                |n| async move {
                    if n < 3 {
                        Err(server(502, None))
                    } else {
                        Ok(n)
                    }
                },
                |_, _, _| true,
            )
            .await;
        assert_eq!(ok, Ok(3));
        let mut told = Vec::new();
        let spent: Result<(), Failure> = p
            .run(
                |_| async { Err(server(503, None)) },
                |n, _, _| {
                    told.push(n);
                    true
                },
            )
            .await;
        let f = spent.expect_err("always 503");
        assert_eq!(f.tries, 3);
        assert_eq!(
            told,
            [1, 2],
            "told before each retry, with the try that failed"
        );
        assert!(f.to_string().ends_with("(gave up after 3 tries)"), "{f}");
    }
}
