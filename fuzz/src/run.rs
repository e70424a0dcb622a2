//! The run loop: every seed as it is, then random recipes, in rounds until the case count (and the
//! time, when asked) is used up. Failures are shrunk by proptest, saved, and reported with the seed
//! that replays them.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};

use crate::mutate::recipe;
use crate::seeds::Seed;
use crate::{saved, settings, watchdog};

/// A property: `Err` (or a panic) with what went wrong.
pub type Verdict = Result<(), String>;

/// Fuzzes `property` with up to `max_edits` mutations of `seeds`. Every seed is first checked as
/// it is (so regression files are always replayed), then `UPSTAGE_FUZZ_CASES` (default
/// `smoke_cases`) random recipes. Panics with the smallest failing recipe.
pub fn fuzz(
    target: &str,
    seeds: &[Seed],
    max_edits: usize,
    smoke_cases: u32,
    property: impl Fn(&[u8]) -> Verdict,
) {
    assert!(!seeds.is_empty(), "fuzz {target}: no seeds");
    replay(target, seeds, &property);
    drive(target, smoke_cases, recipe(max_edits), |r| {
        check(target, &r.describe(seeds), r.apply(seeds), &property)
    });
}

/// Fuzzes `property` over values of `strategy` (strings, numbers) rather than files.
pub fn fuzz_values<S: Strategy>(
    target: &str,
    smoke_cases: u32,
    strategy: S,
    property: impl Fn(&S::Value) -> Verdict,
) where
    S::Value: std::fmt::Debug,
{
    drive(target, smoke_cases, strategy, |v| {
        let label = format!("{v:?}");
        let bytes = label.clone().into_bytes();
        check(target, &label, bytes, &|_: &[u8]| property(&v))
    });
}

/// Checks every seed as it is; panics listing each one that fails.
pub fn replay(target: &str, seeds: &[Seed], property: impl Fn(&[u8]) -> Verdict) {
    let failures: Vec<String> = seeds
        .iter()
        .filter_map(|s| {
            check(target, &s.name, s.bytes.clone(), &property)
                .err()
                .map(|e| format!("{}: {e}", s.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "fuzz {target}: {} seed(s) fail as they are:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn drive<S: Strategy>(
    target: &str,
    smoke_cases: u32,
    strategy: S,
    case: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let first_seed = settings::seed();
    let cases = settings::cases(smoke_cases);
    let started = Instant::now();
    let deadline = settings::duration().map(|d| started + d);
    let executed = Cell::new(0u64);
    let mut round = 0u64;
    let mut reported = started;
    loop {
        let seed = first_seed.wrapping_add(round);
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            rng_seed: RngSeed::Fixed(seed),
            max_shrink_iters: 4096,
            ..Config::default()
        });
        let result = runner.run(&strategy, |v| {
            executed.set(executed.get() + 1);
            case(v)
        });
        if let Err(e) = result {
            panic!(
                "fuzz {target}: {e}\nreplay: {}={seed} {}={cases}",
                settings::SEED_VAR,
                settings::CASES_VAR
            );
        }
        round += 1;
        if deadline.is_none_or(|d| Instant::now() >= d) {
            break;
        }
        // Long runs say they are alive about once a minute.
        if reported.elapsed().as_secs() >= 60 {
            reported = Instant::now();
            eprintln!(
                "fuzz {target}: {} executions so far, {:.0}s",
                executed.get(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    eprintln!(
        "fuzz {target}: {} executions in {round} round(s) of {cases} cases, {:.1}s ({}={first_seed})",
        executed.get(),
        started.elapsed().as_secs_f64(),
        settings::SEED_VAR,
    );
}

/// Runs one case under the watchdog; a failure or panic saves the input.
fn check(
    target: &str,
    label: &str,
    input: Vec<u8>,
    property: &dyn Fn(&[u8]) -> Verdict,
) -> Result<(), TestCaseError> {
    let input = Arc::new(input);
    watchdog::arm(target, label, Arc::clone(&input));
    let outcome = catch_unwind(AssertUnwindSafe(|| property(&input)));
    watchdog::disarm();
    let message = match outcome {
        Ok(Ok(())) => return Ok(()),
        Ok(Err(m)) => m,
        Err(panic) => {
            let text = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!("panicked: {text}")
        }
    };
    let path = saved::write(target, "failure", &input);
    Err(TestCaseError::fail(format!(
        "{message}\n{label}\ninput ({} bytes) saved to {}",
        input.len(),
        path.display()
    )))
}
