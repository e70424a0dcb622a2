//! How long a fuzz run is, from the environment: a short smoke by default (every `cargo test`),
//! as long as wanted by hand (`scripts/fuzz`).

use std::time::Duration;

/// Cases per property (per round, when [`SECONDS_VAR`] is set). Default: each test's own smoke size.
pub const CASES_VAR: &str = "UPSTAGE_FUZZ_CASES";
/// Keep running rounds of cases until this many seconds have passed.
pub const SECONDS_VAR: &str = "UPSTAGE_FUZZ_SECONDS";
/// The random seed of the first round; printed by every run so a failure can be replayed.
pub const SEED_VAR: &str = "UPSTAGE_FUZZ_SEED";
/// A single case running longer than this is reported as a hang (the process is aborted).
pub const HANG_VAR: &str = "UPSTAGE_FUZZ_HANG_SECONDS";
/// Where failing and hanging inputs are written.
pub const OUT_VAR: &str = "UPSTAGE_FUZZ_OUT";

fn number(var: &str) -> Option<u64> {
    let text = std::env::var(var).ok()?;
    match text.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => panic!("{var}={text:?} is not a whole number"),
    }
}

/// The number of cases a property runs: `UPSTAGE_FUZZ_CASES`, or the test's smoke default.
pub fn cases(smoke_default: u32) -> u32 {
    number(CASES_VAR).map_or(smoke_default, |n| u32::try_from(n).unwrap_or(u32::MAX))
}

pub(crate) fn duration() -> Option<Duration> {
    number(SECONDS_VAR).map(Duration::from_secs)
}

pub(crate) fn seed() -> u64 {
    number(SEED_VAR).unwrap_or_else(random_seed)
}

/// Nothing cryptographic: a different seed per run, from the clock and the process id.
fn random_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    nanos ^ u64::from(std::process::id()).rotate_left(32)
}

pub(crate) fn hang_limit() -> Duration {
    // Every property here takes milliseconds per case; a minute is a loop, not a slow machine.
    Duration::from_secs(number(HANG_VAR).unwrap_or(60))
}

pub(crate) fn out_dir() -> std::path::PathBuf {
    std::env::var_os(OUT_VAR)
        .map(Into::into)
        .unwrap_or_else(|| std::env::temp_dir().join("upstage-fuzz"))
}
