//! Where an upload's time went, answered as `Server-Timing`: receiving the body (`spool`),
//! waiting for a worker (`queue`), waiting for the body's md5 when it was not taken while
//! receiving (`md5`, see `received.rs`), reading and decoding (`decode`: read, probe, EXIF, decode,
//! video frame), the stages that resize and encode (`encode`), writing the files (`store`, of
//! which `claim` is committing their claims) and recording the row (`db`). The pipeline's own
//! per-stage timings are summed into the two middle groups, so a third-party stage lands in
//! `encode`.

use std::fmt::Write;
use std::time::Duration;

use upstage_sdk::StageTiming;
use upstage_storage::{KeyJournal, StorageError};

/// Pipeline timings that count as reading and decoding; every other stage counts as `encode`.
const DECODE: [&str; 4] = ["probe", "decode", "exif", "frame"];

/// Whether a pipeline stage's time counts as `decode` (else `encode`).
pub fn is_decode(stage: &str) -> bool {
    DECODE.contains(&stage)
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timings {
    pub spool: Duration,
    pub queue: Duration,
    /// Waiting for the md5 of the body, when it was taken after receiving it.
    pub md5: Duration,
    pub decode: Duration,
    pub encode: Duration,
    pub store: Duration,
    /// The part of `store` spent claiming the files' keys in the database.
    pub claim: Duration,
    pub db: Duration,
}

impl Timings {
    pub fn add_stages(&mut self, stages: &[StageTiming]) {
        for t in stages {
            if is_decode(&t.stage) {
                self.decode += t.elapsed;
            } else {
                self.encode += t.elapsed;
            }
        }
    }

    /// The `Server-Timing` header value, in milliseconds.
    pub fn header(&self) -> String {
        let parts = [
            ("spool", self.spool),
            ("queue", self.queue),
            ("md5", self.md5),
            ("decode", self.decode),
            ("encode", self.encode),
            ("store", self.store),
            ("claim", self.claim),
            ("db", self.db),
        ];
        let mut out = String::new();
        for (name, d) in parts {
            let sep = if out.is_empty() { "" } else { ", " };
            let _ = write!(out, "{sep}{name};dur={:.1}", d.as_secs_f64() * 1000.0);
        }
        out
    }
}

/// A journal that adds up the time its claims and releases take.
pub(super) struct TimedJournal<'a> {
    pub inner: &'a mut dyn KeyJournal,
    pub spent: Duration,
}

impl TimedJournal<'_> {
    fn timed<T>(&mut self, f: impl FnOnce(&mut dyn KeyJournal) -> T) -> T {
        let start = std::time::Instant::now();
        let out = f(&mut *self.inner);
        self.spent += start.elapsed();
        out
    }
}

impl KeyJournal for TimedJournal<'_> {
    fn claim(&mut self, keys: &[String]) -> Result<bool, StorageError> {
        self.timed(|j| j.claim(keys))
    }

    fn release(&mut self, keys: &[String]) -> Result<(), StorageError> {
        self.timed(|j| j.release(keys))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_grouped_and_written_in_ms() {
        let ms = Duration::from_millis;
        let stage = |name: &str, d| StageTiming {
            stage: name.into(),
            elapsed: d,
        };
        let mut t = Timings {
            spool: Duration::from_micros(1240),
            ..Timings::default()
        };
        t.add_stages(&[
            stage("probe", ms(1)),
            stage("exif", ms(2)),
            stage("decode", ms(10)),
            stage("medium", ms(7)),
            stage("thumbnail", ms(3)),
            stage("watermark", ms(5)),
        ]);
        assert_eq!((t.decode, t.encode), (ms(13), ms(15)));
        assert_eq!(
            t.header(),
            "spool;dur=1.2, queue;dur=0.0, md5;dur=0.0, decode;dur=13.0, encode;dur=15.0, \
             store;dur=0.0, claim;dur=0.0, db;dur=0.0"
        );
    }
}
