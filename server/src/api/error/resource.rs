//! Failures of the machine rather than of the request: a full or unwritable disk, a busy or
//! read-only database, a shutdown, a client too slow. Each gets its own status and message so
//! an uploader (and the operator reading its report) can tell "retry later" from "fix the
//! server", and none hides behind a generic 500.

use std::io;

use axum::http::StatusCode;
use rustix::io::Errno;
use sqlx::error::DatabaseError;
use sqlx::postgres::PgDatabaseError;
use sqlx::sqlite::SqliteError;

use super::ApiError;
use crate::http::body::BodyCut;
use upstage_library::db::DbError;

/// SQLite primary result codes (the low byte of an extended code).
const SQLITE_PERM: i64 = 3;
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;
const SQLITE_READONLY: i64 = 8;
const SQLITE_IOERR: i64 = 10;
const SQLITE_FULL: i64 = 13;
const SQLITE_CANTOPEN: i64 = 14;

fn unavailable(status: StatusCode, message: &str) -> ApiError {
    ApiError {
        status,
        message: message.to_owned(),
        code: i64::from(status.as_u16()),
        force_json: false,
    }
}

impl ApiError {
    pub fn insufficient_storage() -> Self {
        unavailable(
            StatusCode::INSUFFICIENT_STORAGE,
            "Insufficient storage: the server's disk is full, the file was not saved",
        )
    }

    pub fn shutting_down() -> Self {
        unavailable(
            StatusCode::SERVICE_UNAVAILABLE,
            "Server shutting down: the upload was not saved, try again shortly",
        )
    }

    /// The server stopped reading a body.
    pub fn from_cut(cut: BodyCut) -> Self {
        match cut {
            BodyCut::ShuttingDown => ApiError::shutting_down(),
            BodyCut::Idle | BodyCut::Deadline => unavailable(
                StatusCode::REQUEST_TIMEOUT,
                "Request timeout: the upload did not arrive in time",
            ),
        }
    }

    /// Writing the upload to the server's temp directory failed.
    pub fn from_spool(e: &io::Error) -> Self {
        let out_of_descriptors = [Errno::MFILE, Errno::NFILE]
            .iter()
            .any(|n| e.raw_os_error() == Some(n.raw_os_error()));
        if out_of_descriptors {
            tracing::error!("spooling an upload: {e} (raise LimitNOFILE or lower max_connections)");
            return ApiError::busy();
        }
        match e.kind() {
            io::ErrorKind::StorageFull
            | io::ErrorKind::QuotaExceeded
            | io::ErrorKind::FileTooLarge => {
                tracing::error!("spooling an upload: {e}");
                ApiError::insufficient_storage()
            }
            io::ErrorKind::PermissionDenied
            | io::ErrorKind::ReadOnlyFilesystem
            | io::ErrorKind::NotFound => {
                tracing::error!("spooling an upload: {e}");
                unavailable(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Storage unavailable: the server's upload directory is not writable",
                )
            }
            _ => ApiError::internal(format!("spooling an upload: {e}")),
        }
    }
}

/// Whether a storage error message carries the operating system's "disk full" text (the
/// storage interface keeps messages, not error kinds).
pub(super) fn says_disk_full(message: &str) -> bool {
    [Errno::NOSPC, Errno::DQUOT].iter().any(|e| {
        let text = io::Error::from_raw_os_error(e.raw_os_error()).to_string();
        message.contains(&text)
    })
}

enum DbTrouble {
    Full,
    Busy,
    Unavailable,
}

fn classify(e: &sqlx::Error) -> Option<DbTrouble> {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => Some(DbTrouble::Unavailable),
        sqlx::Error::Database(d) => {
            if let Some(s) = d.try_downcast_ref::<SqliteError>() {
                let code: i64 = s.code()?.parse().ok()?;
                return match code & 0xff {
                    SQLITE_FULL => Some(DbTrouble::Full),
                    SQLITE_BUSY | SQLITE_LOCKED => Some(DbTrouble::Busy),
                    SQLITE_READONLY | SQLITE_IOERR | SQLITE_CANTOPEN | SQLITE_PERM => {
                        Some(DbTrouble::Unavailable)
                    }
                    _ => None,
                };
            }
            let state = d.try_downcast_ref::<PgDatabaseError>()?.code();
            match state {
                "53100" => Some(DbTrouble::Full),
                "40001" | "40P01" | "55P03" | "53300" => Some(DbTrouble::Busy),
                "25006" | "53200" => Some(DbTrouble::Unavailable),
                s if s.starts_with("08") || s.starts_with("57P") => Some(DbTrouble::Unavailable),
                _ => None,
            }
        }
        _ => None,
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        ApiError::from_db(e).unwrap_or_else(ApiError::internal)
    }
}

impl ApiError {
    /// A database failure the machine explains (full, busy, unavailable), or the error back.
    pub(super) fn from_db(e: DbError) -> Result<Self, DbError> {
        let trouble = match &e {
            DbError::Sqlx(s) => classify(s),
            _ => None,
        };
        match trouble {
            None => Err(e),
            Some(t) => {
                tracing::error!("database: {e}");
                Ok(match t {
                    DbTrouble::Full => ApiError::insufficient_storage(),
                    DbTrouble::Busy => unavailable(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "Database busy: the upload was not saved, try again shortly",
                    ),
                    DbTrouble::Unavailable => unavailable(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "Database unavailable: the upload was not saved, try again shortly",
                    ),
                })
            }
        }
    }
}

#[cfg(test)]
#[path = "resource_tests.rs"]
mod tests;
