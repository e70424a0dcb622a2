//! Where a test server keeps its metadata and files: SQLite + local disk by default, or a fresh
//! PostgreSQL database and a fresh S3 bucket (moto). `UPSTAGE_TEST_STACK=pg-s3` runs every test
//! that uses `start*` on PostgreSQL + S3, so the same suite checks both stacks.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use sqlx::Connection;
use upstage_storage_s3::testing::create_bucket;
use upstage_storage_s3::{S3Config, S3Storage, Secret};

/// A shared PostgreSQL database and S3 bucket (several instances may use one).
#[derive(Clone, Debug)]
pub struct PgS3 {
    pub database_url: String,
    pub s3: S3Config,
}

/// `UPSTAGE_TEST_STACK=pg-s3` asks for PostgreSQL + S3 everywhere.
pub fn wanted_from_env() -> bool {
    std::env::var("UPSTAGE_TEST_STACK").as_deref() == Ok("pg-s3")
}

/// A fresh database and bucket. Without the services the test fails naming the command that
/// starts them (`None` only when `UPSTAGE_TEST_SKIP` allows skipping them).
pub async fn pg_s3() -> Option<PgS3> {
    let admin_url = upstage_testenv::postgres_url()?;
    let endpoint = upstage_testenv::s3_endpoint()?;
    static N: AtomicUsize = AtomicUsize::new(0);
    let tag = format!(
        "{}{}",
        upstage_server::auth::random_hex(4),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let name = format!("upstage_test_{tag}");
    let mut conn = sqlx::postgres::PgConnection::connect(&admin_url)
        .await
        .expect("PostgreSQL at DATABASE_URL_PG");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create database");
    let mut url = url::Url::parse(&admin_url).expect("DATABASE_URL_PG is a URL");
    url.set_path(&name);
    let bucket = format!("upstage-test-{tag}");
    create_bucket(&endpoint, &bucket).expect("create bucket");
    Some(PgS3 {
        database_url: url.to_string(),
        s3: s3_config(&endpoint, &bucket),
    })
}

pub fn s3_config(endpoint: &str, bucket: &str) -> S3Config {
    S3Config {
        endpoint: Some(endpoint.to_owned()),
        region: Some("us-east-1".into()),
        bucket: bucket.to_owned(),
        prefix: "site".into(),
        access_key_id: Some("test".into()),
        secret_access_key: Some(Secret("test".into())),
        retries: 1,
        retry_min_ms: 20,
        ..S3Config::default()
    }
}

pub fn s3_storage(cfg: &S3Config) -> Arc<S3Storage> {
    Arc::new(S3Storage::new(cfg).expect("S3 backend"))
}

/// Every stored key of a server's files, whatever the backend.
pub fn stored_keys(s3: Option<&S3Storage>, root: &std::path::Path) -> Vec<String> {
    let mut keys = match s3 {
        Some(s3) => s3.list("images/").expect("list bucket"),
        None => walk(root, &root.join("images")),
    };
    keys.sort();
    keys
}

fn walk(root: &std::path::Path, dir: &std::path::Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return vec![];
    };
    rd.flatten()
        .flat_map(|e| {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p)
            } else {
                p.strip_prefix(root)
                    .map(|r| vec![r.display().to_string()])
                    .unwrap_or_default()
            }
        })
        .collect()
}
