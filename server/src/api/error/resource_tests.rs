//! Resource failures against real SQLite errors and real OS error numbers.

use std::time::Duration;

use rustix::io::Errno;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::ConnectOptions;

use super::*;

fn os(e: Errno) -> io::Error {
    io::Error::from_raw_os_error(e.raw_os_error())
}

#[test]
fn spool_failures_say_what_to_do() {
    let cases = [
        (os(Errno::NOSPC), 507, "Insufficient storage"),
        (os(Errno::DQUOT), 507, "Insufficient storage"),
        (os(Errno::ACCESS), 503, "Storage unavailable"),
        (os(Errno::ROFS), 503, "Storage unavailable"),
        (os(Errno::NOENT), 503, "Storage unavailable"),
        (os(Errno::MFILE), 503, "Server busy"),
        (os(Errno::INVAL), 500, "Internal server error"),
    ];
    for (err, status, start) in cases {
        let a = ApiError::from_spool(&err);
        assert_eq!(a.status.as_u16(), status, "{err}");
        assert_eq!(a.code, i64::from(status), "{err}");
        assert!(a.message.starts_with(start), "{err}: {}", a.message);
    }
}

#[test]
fn storage_messages_with_a_full_disk_are_recognised() {
    let full = format!("storage io: writing images/a.jpg: {}", os(Errno::NOSPC));
    assert!(says_disk_full(&full));
    assert!(!says_disk_full(&format!(
        "storage io: {}",
        os(Errno::ACCESS)
    )));
    assert!(!says_disk_full("storage backend: 503 Slow Down"));
}

#[test]
fn cuts_answer_timeout_or_shutdown() {
    for (cut, status) in [
        (BodyCut::Idle, 408),
        (BodyCut::Deadline, 408),
        (BodyCut::ShuttingDown, 503),
    ] {
        let a = ApiError::from_cut(cut);
        assert_eq!((a.status.as_u16(), a.code), (status, i64::from(status)));
    }
}

async fn sqlite_error(db: &std::path::Path, ro: bool, busy: bool) -> sqlx::Error {
    let opts = SqliteConnectOptions::new()
        .filename(db)
        .read_only(ro)
        .busy_timeout(Duration::ZERO)
        .disable_statement_logging();
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await
        .unwrap();
    let holder = if busy {
        let w = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(SqliteConnectOptions::new().filename(db))
            .await
            .unwrap();
        let mut c = w.acquire().await.unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut *c)
            .await
            .unwrap();
        Some(c)
    } else {
        None
    };
    let err = sqlx::query("INSERT INTO t VALUES (1)")
        .execute(&pool)
        .await
        .unwrap_err();
    drop(holder);
    err
}

#[tokio::test]
async fn database_trouble_is_503_not_500() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let setup = SqlitePoolOptions::new()
        .connect_with(
            SqliteConnectOptions::new()
                .filename(&db)
                .create_if_missing(true),
        )
        .await
        .unwrap();
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&setup)
        .await
        .unwrap();
    let syntax = sqlx::query("SELEC").execute(&setup).await.unwrap_err();
    assert_eq!(ApiError::from(DbError::Sqlx(syntax)).status.as_u16(), 500);
    setup.close().await;
    // (read-only, held by another writer, expected message)
    let cases = [
        (true, false, "Database unavailable"),
        (false, true, "Database busy"),
    ];
    for (ro, busy, start) in cases {
        let err = sqlite_error(&db, ro, busy).await;
        let a = ApiError::from(DbError::Sqlx(err));
        assert_eq!((a.status.as_u16(), a.code), (503, 503), "{}", a.message);
        assert!(a.message.starts_with(start), "{}", a.message);
    }
    let closed = SqlitePoolOptions::new()
        .connect_with(SqliteConnectOptions::new().filename(&db))
        .await
        .unwrap();
    closed.close().await;
    let err = sqlx::query("SELECT 1").execute(&closed).await.unwrap_err();
    assert_eq!(ApiError::from(DbError::Sqlx(err)).status.as_u16(), 503);
}
