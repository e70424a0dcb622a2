//! Speed as the recent past shows it: bytes over the last few seconds, so the first megabytes
//! swallowed by the socket buffer do not read as gigabytes a second, and a stalled upload falls
//! to zero instead of keeping its last speed.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

pub const WINDOW: Duration = Duration::from_secs(5);
/// Shorter spans are stretched to this: a burst in the first milliseconds is not a speed.
const MIN_SPAN: Duration = Duration::from_secs(1);

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meter {
    /// (when, bytes so far), oldest first; one sample older than the window is kept as the base.
    samples: VecDeque<(Instant, u64)>,
}

impl Meter {
    pub fn record(&mut self, at: Instant, bytes: u64) {
        self.samples.push_back((at, bytes));
        while self.samples.len() > 2 && self.samples[1].0 + WINDOW <= at {
            self.samples.pop_front();
        }
    }

    pub fn clear(&mut self) {
        self.samples.clear();
    }

    /// Bytes per second over the window ending `now`; 0 when nothing moved in it.
    pub fn rate(&self, now: Instant) -> f64 {
        let Some(&(last_at, last)) = self.samples.back() else {
            return 0.0;
        };
        if last_at + WINDOW <= now {
            return 0.0;
        }
        let base = self
            .samples
            .iter()
            .rev()
            .find(|(t, _)| *t + WINDOW <= now)
            .or(self.samples.front())
            .copied()
            .unwrap_or((last_at, last));
        let span = now.saturating_duration_since(base.0).max(MIN_SPAN);
        last.saturating_sub(base.1) as f64 / span.as_secs_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_not_a_speed_and_a_stall_falls_to_zero() {
        let t0 = Instant::now();
        let s = |n| t0 + Duration::from_millis(n);
        let mut m = Meter::default();
        m.record(t0, 0);
        // 4 MB into the socket buffer in 10 ms: at most 4 MB/s, not 400 MB/s.
        m.record(s(10), 4_000_000);
        assert_eq!(m.rate(s(10)), 4_000_000.0);
        // Then a steady 1 MB/s for 10 s: the window sees 5 MB in 5 s.
        for i in 1..=10 {
            m.record(s(10 + i * 1000), 4_000_000 + i * 1_000_000);
        }
        let r = m.rate(s(10_010));
        assert!((r - 1_000_000.0).abs() < 1.0, "{r}");
        // Nothing for a whole window: zero, not the last speed.
        assert_eq!(m.rate(s(16_000)), 0.0);
        assert!(m.samples.len() <= 7, "old samples are dropped");
    }
}
