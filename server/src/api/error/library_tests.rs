//! Every library failure against the status, code and message a client reads.

use rustix::io::Errno;
use upstage_library::db::DbError;
use upstage_storage::{StorageError, StorageErrorKind};

use super::*;

const MAX: u64 = 10_000_000;

fn item(code: ErrorCode, message: &str) -> LibraryError {
    LibraryError::Item(ItemError::new(code, message))
}

fn storage(message: String) -> LibraryError {
    LibraryError::Storage(StorageError::new(StorageErrorKind::Io, message))
}

#[test]
fn each_library_error_reads_as_the_api_answers_it() {
    let disk_full = std::io::Error::from_raw_os_error(Errno::NOSPC.raw_os_error());
    let cases: Vec<(LibraryError, u16, i64, &str)> = vec![
        (
            LibraryError::Busy,
            503,
            503,
            "Server busy: too many uploads are being processed, try again shortly",
        ),
        (
            LibraryError::ShuttingDown,
            503,
            503,
            "Server shutting down: the upload was not saved, try again shortly",
        ),
        (
            item(ErrorCode::TooLarge, "12 MB over"),
            400,
            400,
            "File too big - max 10 MB",
        ),
        (
            item(ErrorCode::Corrupt, "bad huffman table"),
            400,
            610,
            "Can't get target upload source info",
        ),
        (
            item(ErrorCode::WidthTooLarge, "4000 > 640"),
            400,
            610,
            "Target width is greater than the original image width",
        ),
        (
            item(ErrorCode::CodecUnavailable, "avif"),
            400,
            613,
            "Unavailable image format",
        ),
        (
            LibraryError::Item(ItemError::new(ErrorCode::StageFailed, "boom").in_stage("resize")),
            500,
            500,
            "Processing failed in stage 'resize' (request id -)",
        ),
        (
            LibraryError::Item(ItemError::new(ErrorCode::Corrupt, "moov").in_stage("frame")),
            400,
            100,
            "Invalid video file provided: moov",
        ),
        (
            storage(format!("storage io: writing images/a.jpg: {disk_full}")),
            507,
            507,
            "Insufficient storage: the server's disk is full, the file was not saved",
        ),
        (
            storage("storage backend: 503 Slow Down".into()),
            503,
            503,
            "Storage unavailable: the file was not saved, try again shortly",
        ),
        (
            LibraryError::Db(DbError::Sqlx(sqlx::Error::PoolTimedOut)),
            503,
            503,
            "Database unavailable: the upload was not saved, try again shortly",
        ),
        (
            LibraryError::Db(DbError::Scheme("mysql://x".into())),
            500,
            500,
            "Internal server error",
        ),
        (
            LibraryError::Internal("processing task failed".into()),
            500,
            500,
            "Internal server error",
        ),
    ];
    for (e, status, code, message) in cases {
        let name = format!("{} ({e})", e.code());
        let a = ApiError::from_library(e, MAX);
        assert_eq!(
            (a.status.as_u16(), a.code, a.message.as_str()),
            (status, code, message),
            "{name}"
        );
        assert!(!a.force_json, "{name}");
    }
}

async fn any_pool(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap()
}

/// A real `SQLITE_FULL` through the driver the server uses: a database capped at its current
/// size refuses a page more.
async fn full_database() -> sqlx::Error {
    let pool = any_pool("sqlite::memory:").await;
    for sql in ["CREATE TABLE t (x BLOB)", "PRAGMA max_page_count = 2"] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    sqlx::query("INSERT INTO t VALUES (zeroblob(100000))")
        .execute(&pool)
        .await
        .unwrap_err()
}

/// A real `SQLITE_BUSY`: another connection holds the write lock and nobody waits.
async fn busy_database(dir: &std::path::Path) -> sqlx::Error {
    let url = format!("sqlite://{}?mode=rwc", dir.join("t.db").display());
    let holder = any_pool(&url).await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&holder)
        .await
        .unwrap();
    let mut held = holder.acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *held)
        .await
        .unwrap();
    let other = any_pool(&url).await;
    let mut c = other.acquire().await.unwrap();
    sqlx::query("PRAGMA busy_timeout = 0")
        .execute(&mut *c)
        .await
        .unwrap();
    sqlx::query("INSERT INTO t VALUES (1)")
        .execute(&mut *c)
        .await
        .unwrap_err()
}

#[tokio::test]
async fn an_unrecorded_upload_reads_by_the_database_error_code() {
    let dir = tempfile::tempdir().unwrap();
    let full = full_database().await;
    assert!(full.to_string().contains("full"), "{full}");
    let busy = busy_database(dir.path()).await;
    assert!(busy.to_string().contains("locked"), "{busy}");
    let cases: Vec<(DbError, u16, &str)> = vec![
        (
            DbError::Sqlx(full),
            507,
            "Insufficient storage: the server's disk is full, the file was not saved",
        ),
        (
            DbError::Sqlx(busy),
            503,
            "Database busy: the upload was not saved, try again shortly",
        ),
        (
            DbError::Sqlx(sqlx::Error::PoolTimedOut),
            503,
            "Database unavailable: the upload was not saved, try again shortly",
        ),
        // No code to go by: still the database's failure, worth a retry.
        (
            DbError::Sqlx(sqlx::Error::Protocol("lost".into())),
            503,
            "Database unavailable: the upload was not saved, try again shortly",
        ),
        // Another instance's reconciler took the claims before the row was recorded.
        (
            DbError::ClaimsLost(upstage_library::db::ClaimsLost {
                upload: "u".into(),
                claimed: 3,
                held: 0,
            }),
            503,
            "Database unavailable: the upload was not saved, try again shortly",
        ),
    ];
    for (db, status, message) in cases {
        let what = db.to_string();
        let a = ApiError::from_library(LibraryError::NotRecorded(db), MAX);
        assert_eq!(
            (a.status.as_u16(), a.code),
            (status, i64::from(status)),
            "{what}"
        );
        assert_eq!(a.message, message, "{what}");
    }
}
