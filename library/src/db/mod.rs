//! Metadata in SQL through sqlx's `Any` driver: the same queries (`$n` placeholders, BIGINT ids,
//! text dates, `RETURNING`) run on the embedded SQLite file and on PostgreSQL.

mod album_pages;
mod albums;
mod file_expiry;
mod images;
mod imported;
mod pending;
mod record;
mod upgrade;
mod users;
mod variables;
mod write;

use std::path::Path;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::AnyPool;
use std::str::FromStr;

pub use albums::{Album, Category};
pub use images::{claim_expired, delete_image_row_in, ImageRow, NewImage};
pub use imported::LOCAL_IMPORT;
pub use pending::{row_owns_key, take_stale_claims, KeyParts};
pub use record::ClaimsLost;
pub use users::{create_user_in, insert_key_in, set_key_hash_in, ApiKeyRow, User};
pub use write::Writer;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL {0:?} (use sqlite:… or postgres://…)")]
    Scheme(String),
    #[error(transparent)]
    ClaimsLost(#[from] ClaimsLost),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub kind: DbKind,
    faults: std::sync::Arc<write::Faults>,
}

/// The default database: a SQLite file in the data dir.
pub fn default_url(data_dir: &Path) -> String {
    format!("sqlite://{}/upstage.db?mode=rwc", data_dir.display())
}

impl Db {
    pub async fn connect(url: &str, max_connections: Option<u32>) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let kind = if url.starts_with("sqlite:") {
            DbKind::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            DbKind::Postgres
        } else {
            return Err(DbError::Scheme(url.to_owned()));
        };
        let options = AnyConnectOptions::from_str(url)?;
        let faults = std::sync::Arc::new(write::Faults::default());
        let trust = faults.clone();
        let pool = AnyPoolOptions::new()
            // After a failed SQLite write, connections opened before it are replaced (write.rs).
            .before_acquire(move |_conn, meta| {
                let trusted = kind != DbKind::Sqlite || trust.trusts(meta.age);
                Box::pin(async move { Ok(trusted) })
            })
            // SQLite serialises writers anyway; a few connections keep readers from waiting.
            .max_connections(max_connections.unwrap_or(match kind {
                DbKind::Sqlite => 4,
                DbKind::Postgres => 16,
            }))
            .connect_with(options)
            .await?;
        if kind == DbKind::Sqlite {
            // WAL lets the file server read while an upload commits; busy_timeout rides out the
            // short write locks instead of failing.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        let db = Db { pool, kind, faults };
        db.migrate().await?;
        Ok(db)
    }

    /// Finish with the database: on SQLite the WAL is checkpointed into the main file and
    /// truncated first, so a stopped server leaves one self-contained `upstage.db`. Waits for
    /// connections in use to be returned.
    pub async fn close(&self) {
        if self.kind == DbKind::Sqlite {
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await
            {
                tracing::warn!("database checkpoint at shutdown failed: {e}");
            }
        }
        self.pool.close().await;
    }

    async fn migrate(&self) -> Result<(), DbError> {
        match self.kind {
            DbKind::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            DbKind::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }
}

/// Dates are stored like the reference's: `Y-m-d H:i:s`.
pub fn fmt_date(d: chrono::NaiveDateTime) -> String {
    d.format("%Y-%m-%d %H:%M:%S").to_string()
}

pub fn parse_date(s: &str) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok()
}

pub fn now_gmt() -> String {
    fmt_date(chrono::Utc::now().naive_utc())
}
