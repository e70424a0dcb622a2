//! An unreachable server pauses the batch instead of failing its files: nothing new starts, and
//! one file probes the server after a wait that doubles up to a cap; its answer ends the outage.

use std::time::{Duration, Instant};

use super::{ItemId, UploadError};

const FIRST_WAIT: Duration = Duration::from_secs(1);
const MAX_WAIT: Duration = Duration::from_secs(30);

pub(super) struct Outage {
    pub error: UploadError,
    failed_probes: u32,
    pub next_try: Instant,
    /// The file sent to see whether the server is back.
    pub probe: Option<ItemId>,
}

impl Outage {
    pub fn new(error: UploadError, now: Instant) -> Outage {
        Outage {
            error,
            failed_probes: 0,
            next_try: now + FIRST_WAIT,
            probe: None,
        }
    }

    /// The probe found the server still down: wait longer.
    pub fn probe_failed(&mut self, error: UploadError, now: Instant) {
        self.failed_probes += 1;
        self.error = error;
        self.probe = None;
        self.next_try = now + wait(self.failed_probes);
    }

    /// Time to send a probe (none is out).
    pub fn due(&self, now: Instant) -> bool {
        self.probe.is_none() && now >= self.next_try
    }

    pub fn left(&self, now: Instant) -> Duration {
        self.next_try.saturating_duration_since(now)
    }
}

/// The wait after `n` failed probes: 1 s, doubling, at most 30 s.
fn wait(n: u32) -> Duration {
    FIRST_WAIT.saturating_mul(1u32 << n.min(16)).min(MAX_WAIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_and_one_probe_at_a_time() {
        let t0 = Instant::now();
        let mut o = Outage::new(UploadError::unreachable("refused"), t0);
        assert!(!o.due(t0));
        assert!(o.due(t0 + Duration::from_secs(1)));
        o.probe = Some(3);
        assert!(!o.due(t0 + Duration::from_secs(5)), "one probe at a time");
        o.probe_failed(UploadError::unreachable("refused"), t0);
        assert_eq!(o.left(t0), Duration::from_secs(2));
        assert_eq!(wait(3), Duration::from_secs(8));
        assert_eq!(wait(40), MAX_WAIT);
    }
}
