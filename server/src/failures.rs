//! Failed secret checks (API keys, delete tokens) per client address. Past the limit an address
//! is answered 429 before its secret is looked up or hashed, until its minute is over. Memory is
//! bounded: at most `CAPACITY` addresses are tracked; when full, expired entries go first, then
//! the oldest window.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const CAPACITY: usize = 4096;
const WINDOW: Duration = Duration::from_secs(60);

struct Window {
    start: Instant,
    failures: u32,
}

pub struct FailureLimit {
    /// Failures allowed per address and minute; 0 turns the limit off.
    max: u32,
    by_address: Mutex<HashMap<String, Window>>,
}

impl FailureLimit {
    pub fn new(max_per_minute: u32) -> Self {
        FailureLimit {
            max: max_per_minute,
            by_address: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `address` has used up its failures for now.
    pub fn blocked(&self, address: &str) -> bool {
        self.blocked_at(address, Instant::now())
    }

    pub fn failed(&self, address: &str) {
        self.failed_at(address, Instant::now());
    }

    fn blocked_at(&self, address: &str, now: Instant) -> bool {
        if self.max == 0 {
            return false;
        }
        let Ok(map) = self.by_address.lock() else {
            return false;
        };
        map.get(address)
            .is_some_and(|w| now.duration_since(w.start) < WINDOW && w.failures >= self.max)
    }

    fn failed_at(&self, address: &str, now: Instant) {
        if self.max == 0 {
            return;
        }
        let Ok(mut map) = self.by_address.lock() else {
            return;
        };
        if !map.contains_key(address) && map.len() >= CAPACITY {
            map.retain(|_, w| now.duration_since(w.start) < WINDOW);
            if map.len() >= CAPACITY {
                let oldest = map
                    .iter()
                    .min_by_key(|(_, w)| w.start)
                    .map(|(a, _)| a.clone());
                if let Some(a) = oldest {
                    map.remove(&a);
                }
            }
        }
        let w = map.entry(address.to_owned()).or_insert(Window {
            start: now,
            failures: 0,
        });
        if now.duration_since(w.start) >= WINDOW {
            *w = Window {
                start: now,
                failures: 0,
            };
        }
        w.failures = w.failures.saturating_add(1);
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.by_address.lock().map_or(0, |m| m.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_one_address_for_its_minute() {
        let t0 = Instant::now();
        let limit = FailureLimit::new(3);
        for _ in 0..2 {
            limit.failed_at("a", t0);
        }
        assert!(!limit.blocked_at("a", t0));
        limit.failed_at("a", t0);
        // (address, seconds after the first failure, blocked)
        let cases = [
            ("a", 0, true),
            ("a", 59, true),
            ("b", 0, false),
            ("a", 60, false),
        ];
        for (address, secs, want) in cases {
            let at = t0 + Duration::from_secs(secs);
            assert_eq!(limit.blocked_at(address, at), want, "{address} at {secs}s");
        }
        // A new minute starts counting from zero.
        limit.failed_at("a", t0 + Duration::from_secs(61));
        assert!(!limit.blocked_at("a", t0 + Duration::from_secs(61)));
    }

    #[test]
    fn memory_is_bounded() {
        let t0 = Instant::now();
        let limit = FailureLimit::new(1);
        for i in 0..CAPACITY + 100 {
            limit.failed_at(&format!("10.0.{}.{}", i / 256, i % 256), t0);
        }
        assert_eq!(limit.tracked(), CAPACITY);
        // The newest address is still limited.
        let last = CAPACITY + 99;
        assert!(limit.blocked_at(&format!("10.0.{}.{}", last / 256, last % 256), t0));
    }

    #[test]
    fn zero_turns_it_off() {
        let limit = FailureLimit::new(0);
        limit.failed_at("a", Instant::now());
        assert!(!limit.blocked("a"));
        assert_eq!(limit.tracked(), 0);
    }
}
