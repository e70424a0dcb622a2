//! One write transaction on a connection of its own, which is closed instead of returned to the
//! pool when the write fails. A SQLite connection that saw an I/O error while committing (WAL
//! not writable, disk full) is not to be trusted afterwards: it can report a later commit as
//! successful, and serve the row, while nothing reached the disk. So after a failed SQLite write
//! every connection opened before it is replaced when next acquired (connections opened during
//! a fault hold the WAL read-only and would fail once more after it clears). Fresh connections
//! report a fault honestly and work again once it clears.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::{Any, Connection, Transaction};

use super::{Db, DbError, DbKind};

/// When the last write failed, in microseconds since `origin` plus one (0: never).
#[derive(Debug)]
pub(super) struct Faults {
    origin: Instant,
    last: AtomicU64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            origin: Instant::now(),
            last: AtomicU64::new(0),
        }
    }
}

impl Faults {
    fn micros(d: Duration) -> u64 {
        u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
    }

    fn record(&self) {
        self.record_at(self.origin.elapsed());
    }

    /// Whether a connection opened `age` ago was opened after the last failed write.
    pub(super) fn trusts(&self, age: Duration) -> bool {
        self.trusts_at(self.origin.elapsed(), age)
    }

    fn record_at(&self, now: Duration) {
        let t = Self::micros(now).saturating_add(1);
        self.last.fetch_max(t, Ordering::SeqCst);
    }

    fn trusts_at(&self, now: Duration, age: Duration) -> bool {
        let last = self.last.load(Ordering::SeqCst);
        let born = Self::micros(now.saturating_sub(age)).saturating_add(1);
        last == 0 || born > last
    }
}

pub struct Writer {
    conn: PoolConnection<Any>,
    faults: std::sync::Arc<Faults>,
    kind: DbKind,
}

impl Db {
    /// A connection for one write; begin on it, then hand the result to [`Writer::finish`].
    pub async fn writer(&self) -> Result<Writer, DbError> {
        Ok(Writer {
            conn: self.pool.acquire().await?,
            faults: self.faults.clone(),
            kind: self.kind,
        })
    }
}

impl Writer {
    pub async fn begin(&mut self) -> Result<Transaction<'_, Any>, DbError> {
        Ok(self.conn.begin().await?)
    }

    /// The connection, for a single autocommit statement.
    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.conn
    }

    /// Pass the write's result through, discarding the connection if it failed.
    pub fn finish<T>(self, result: Result<T, DbError>) -> Result<T, DbError> {
        if result.is_err() {
            self.failed();
        }
        result
    }

    /// The write failed in the database: the connection is closed, not returned to the pool.
    pub fn failed(mut self) {
        self.conn.close_on_drop();
        if self.kind == DbKind::Sqlite {
            self.faults.record();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn connections_older_than_the_last_fault_are_not_trusted() {
        let ms = Duration::from_millis;
        let f = super::Faults::default();
        assert!(f.trusts_at(ms(10), ms(5)), "no fault yet");
        f.record_at(ms(10));
        // (now, age) of a connection: opened before, at, and after the fault.
        for (now, age, trusted) in [
            (ms(12), ms(5), false),
            (ms(12), ms(2), false),
            (ms(12), ms(1), true),
        ] {
            assert_eq!(f.trusts_at(now, age), trusted, "opened at {:?}", now - age);
        }
    }
}
