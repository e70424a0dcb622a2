//! Several instances behind one site: two in-process servers sharing one PostgreSQL database
//! and one S3 bucket (moto). Needs DATABASE_URL_PG and S3_MOTO_ENDPOINT (scripts/test sets both);
//! without them each test fails naming the command that starts them.

mod common;

use std::collections::HashSet;

use common::stack::{self, PgS3};
use common::TestServer;
use serde_json::Value;

async fn upload(s: &TestServer, bytes: Vec<u8>, name: &str, extra: &[(&str, &str)]) -> Value {
    let part = common::file_part(bytes, name, "image/jpeg");
    common::post_file(&s.endpoint(), &s.admin_key, part, extra)
        .await
        .json()
        .await
        .unwrap()
}

/// `upload` with owned arguments, for spawned tasks.
async fn upload_to(endpoint: String, key: String, bytes: Vec<u8>, name: String) -> Value {
    let part = common::file_part(bytes, &name, "image/jpeg");
    common::post_file(&endpoint, &key, part, &[])
        .await
        .json()
        .await
        .unwrap()
}

async fn two(shared: &PgS3) -> (TestServer, TestServer) {
    two_with(shared, |_| {}).await
}

async fn two_with(
    shared: &PgS3,
    tweak: impl Fn(&mut upstage_server::ServerConfig),
) -> (TestServer, TestServer) {
    let a = common::start_with_backend(Some(shared), &tweak).await;
    let b = common::start_with_backend(Some(shared), &tweak).await;
    (a, b)
}

fn id_of(s: &TestServer, img: &Value) -> i64 {
    s.state
        .ids
        .decode(img["id_encoded"].as_str().unwrap())
        .unwrap() as i64
}

/// A URL of instance `a` with the same path on instance `b`.
fn on(b: &TestServer, a: &TestServer, url: &str) -> String {
    url.replacen(&a.url, &b.url, 1)
}

#[tokio::test]
async fn upload_to_one_instance_read_and_delete_through_the_other() {
    let Some(shared) = stack::pg_s3().await else {
        return;
    };
    let (a, b) = two(&shared).await;
    let jpeg = common::jpeg(1200, 800);
    let body = upload(&a, jpeg.clone(), "harbour.jpg", &[]).await;
    assert_eq!(body["status_code"], 200, "{body}");
    let img = &body["image"];
    let keys = a.stored_keys();
    assert_eq!(keys.len(), 3, "main, medium, thumb in the bucket: {keys:?}");
    assert!(keys.iter().all(|k| k.contains("harbour")), "{keys:?}");

    // B serves A's upload: the row from PostgreSQL, the bytes from S3.
    let main = common::client()
        .get(on(&b, &a, img["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(main.status(), 200);
    assert_eq!(main.bytes().await.unwrap().as_ref(), jpeg.as_slice());
    let viewer = common::client()
        .get(on(&b, &a, img["url_viewer"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(viewer.status(), 200);

    let del = common::client()
        .post(on(&b, &a, img["delete_url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert!(del.status().is_success(), "{}", del.status());
    assert!(a.state.db.image(id_of(&a, img)).await.unwrap().is_none());
    assert!(a.stored_keys().is_empty(), "objects removed from S3");
    let gone = common::client()
        .get(img["url_short"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404, "A sees B's deletion");
}

#[tokio::test]
async fn concurrent_uploads_of_one_name_to_both_instances_never_collide() {
    let Some(shared) = stack::pg_s3().await else {
        return;
    };
    let (a, b) = two(&shared).await;
    let per_instance = 6;
    let mut jobs = Vec::new();
    for i in 0..per_instance * 2 {
        let s = if i % 2 == 0 { &a } else { &b };
        // Same client name everywhere, distinct bytes (not duplicates).
        let bytes = common::jpeg(800 + i as u32, 500);
        jobs.push(tokio::spawn(upload_to(
            s.endpoint(),
            s.admin_key.clone(),
            bytes,
            "cat.jpg".into(),
        )));
    }
    let mut bodies = Vec::new();
    for j in jobs {
        bodies.push(j.await.unwrap());
    }
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for body in &bodies {
        assert_eq!(body["status_code"], 200, "{body}");
        let img = &body["image"];
        assert!(ids.insert(img["id_encoded"].as_str().unwrap().to_owned()));
        assert!(names.insert(
            img["url"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned()
        ));
    }
    assert_eq!(names.len(), per_instance * 2);
    assert!(
        names.contains("cat.jpg"),
        "one upload keeps the original name: {names:?}"
    );
    // Every upload has its own three objects; none overwrote another's.
    assert_eq!(a.stored_keys().len(), per_instance * 2 * 3);
}

#[tokio::test]
async fn expiration_swept_by_both_instances_deletes_objects_once() {
    let Some(shared) = stack::pg_s3().await else {
        return;
    };
    // The background sweepers run at start and then not again during the test, so the two
    // sweeps below are the only ones that find the expired images.
    let (a, b) = two_with(&shared, |c| c.sweep_seconds = 3600).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        let body = upload(
            &a,
            common::jpeg(800 + i, 500),
            "old.jpg",
            &[("expiration", "PT5M")],
        )
        .await;
        assert_eq!(body["status_code"], 200, "{body}");
        ids.push(id_of(&a, &body["image"]));
    }
    let keep = upload(&b, common::jpeg(960, 640), "keep.jpg", &[]).await;
    assert_eq!(keep["status_code"], 200, "{keep}");
    sqlx::query("UPDATE images SET expiration_date_gmt = $1 WHERE expiration_date_gmt IS NOT NULL")
        .bind("2000-01-01 00:00:00")
        .execute(&a.state.db.pool)
        .await
        .unwrap();
    let (ra, rb) = tokio::join!(
        upstage_server::sweeper::sweep_once(&a.state),
        upstage_server::sweeper::sweep_once(&b.state)
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(
        ra + rb,
        4,
        "each expired image removed by exactly one instance ({ra} + {rb})"
    );
    for id in ids {
        assert!(a.state.db.image(id).await.unwrap().is_none());
    }
    let left = a.stored_keys();
    assert_eq!(
        left.len(),
        3,
        "only the unexpired upload's objects remain: {left:?}"
    );
    assert!(left.iter().all(|k| k.contains("keep")), "{left:?}");
}

#[tokio::test]
async fn unreachable_storage_fails_cleanly_and_a_retry_leaves_no_orphans() {
    let Some(shared) = stack::pg_s3().await else {
        return;
    };
    let good = common::start_with_backend(Some(&shared), |_| {}).await;
    // The same site, but its S3 endpoint is a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut dead = shared.clone();
    dead.s3 = stack::s3_config(&format!("http://127.0.0.1:{port}"), &shared.s3.bucket);
    dead.s3.retries = 0;
    let broken = common::start_with_backend(Some(&dead), |_| {}).await;

    let jpeg = common::jpeg(800, 600);
    let body = upload(&broken, jpeg.clone(), "storm.jpg", &[]).await;
    assert_eq!(body["status_code"], 503, "{body}");
    assert_eq!(body["error"]["code"], 503, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Storage unavailable"),
        "{body}"
    );
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM images")
        .fetch_one(&good.state.db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 0, "no row without its files");
    assert!(good.stored_keys().is_empty());

    // The client retries (here through the healthy instance): one item, exactly its files.
    let body = upload(&good, jpeg, "storm.jpg", &[]).await;
    assert_eq!(body["status_code"], 200, "{body}");
    let keys = good.stored_keys();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(
        keys.iter().all(|k| k.contains("/storm.")),
        "original name kept: {keys:?}"
    );
}

#[tokio::test]
async fn response_urls_point_at_the_public_base_when_one_is_set() {
    let Some(mut shared) = stack::pg_s3().await else {
        return;
    };
    shared.s3.public_url = Some("https://cdn.example.test/site".into());
    let s = common::start_with_backend(Some(&shared), |_| {}).await;
    let body = upload(&s, common::jpeg(900, 700), "cdn.jpg", &[]).await;
    assert_eq!(body["status_code"], 200, "{body}");
    let img = &body["image"];
    let url = img["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://cdn.example.test/site/images/"),
        "{url}"
    );
    assert!(img["thumb"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://cdn.example.test/site/images/"));
    // The viewer stays ours, and our own file route still serves the object as a fallback.
    assert!(img["url_viewer"].as_str().unwrap().starts_with(&s.url));
    let path = url.trim_start_matches("https://cdn.example.test/site");
    let own = common::client()
        .get(format!("{}{path}", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
}
