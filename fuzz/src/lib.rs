//! Fuzzing on stable Rust for Upstage's parsers and rewriters: property tests (proptest) whose
//! inputs are real files changed by a short list of mutations — bit flips, byte overwrites,
//! truncations, deletions, duplications, splices from other seeds and corrupted length fields.
//!
//! The generated value is the *recipe* (which seed, which mutations), never the bytes: shrinking a
//! failure then means fewer and smaller mutations of a real file, which stays readable, instead of
//! shrinking megabytes of noise.
//!
//! Each crate keeps its fuzz tests in its own `tests/` and calls [`fuzz`] with its seeds and its
//! property. By default a run is a short smoke (a few hundred cases); `UPSTAGE_FUZZ_CASES` and
//! `UPSTAGE_FUZZ_SECONDS` make it as long as wanted (`scripts/fuzz`). See `docs/testing.md`.

mod fields;
mod mutate;
mod run;
mod saved;
mod seeds;
mod settings;
mod watchdog;

pub use fields::{length_fields, Field};
pub use mutate::{recipe, Edit, LengthEdit, Pos, Recipe};
pub use proptest;
pub use run::{fuzz, fuzz_values, replay, Verdict};
pub use seeds::{corpus_dir, corpus_seeds, regression_seeds, repo_seeds, Seed};
pub use settings::{cases, CASES_VAR, SECONDS_VAR, SEED_VAR};
