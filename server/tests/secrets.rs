//! Stored secrets: API keys and delete tokens are kept as SHA-256 digests; rows written as argon2
//! hashes by earlier versions still work and are rewritten at first use; malformed keys are
//! refused before anything is hashed; an address that fails too often is answered 429.

mod common;

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use common::TestServer;
use reqwest::StatusCode;
use serde_json::Value;

const DIGEST_PREFIX: &str = "sha256:";

fn argon2_of(secret: &str) -> String {
    argon2::Argon2::default()
        .hash_password(secret.as_bytes(), &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string()
}

/// A distinct small JPEG per `seed`, so non-admin uploads are never duplicates.
fn jpeg(seed: u32) -> Vec<u8> {
    common::encode(
        &image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([seed as u8, x as u8, y as u8])),
        image::ImageFormat::Jpeg,
    )
}

/// Upload as `ip` (the test servers believe `X-Forwarded-For` from loopback when so set up).
async fn upload_as(s: &TestServer, key: &str, seed: u32, ip: &str) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part(
        "source",
        common::file_part(jpeg(seed), "s.jpg", "image/jpeg"),
    );
    common::client()
        .post(s.endpoint())
        .header("X-API-Key", key)
        .header("X-Forwarded-For", ip)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn ok_image(r: reqwest::Response) -> Value {
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str::<Value>(&text).unwrap()["image"].clone()
}

async fn error_of(r: reqwest::Response) -> (StatusCode, String, i64) {
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status_code"], status.as_u16(), "{v}");
    let message = v["error"]["message"].as_str().unwrap().to_owned();
    (status, message, v["error"]["code"].as_i64().unwrap())
}

fn key_id(s: &TestServer, key: &str) -> i64 {
    let enc = key.split('_').nth(1).unwrap();
    s.state.ids.decode(enc).unwrap() as i64
}

async fn scalar(s: &TestServer, sql: &str, id: i64) -> String {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&s.state.db.pool)
        .await
        .unwrap()
}

async fn set(s: &TestServer, sql: &str, value: &str, id: i64) {
    sqlx::query(sql)
        .bind(value)
        .bind(id)
        .execute(&s.state.db.pool)
        .await
        .unwrap();
}

/// A (well-formed) key of an existing id with another secret.
fn wrong_secret(key: &str) -> String {
    let (head, _) = key.rsplit_once('_').unwrap();
    format!("{head}_{}", "ab".repeat(64))
}

#[tokio::test]
async fn a_legacy_argon2_key_works_and_is_rewritten_as_a_digest() {
    let s = common::start().await;
    let (_, key) = s.user_key("legacy").await;
    let id = key_id(&s, &key);
    let read = "SELECT hash FROM api_keys WHERE id = $1";
    assert!(scalar(&s, read, id).await.starts_with(DIGEST_PREFIX));
    let legacy = argon2_of(&key);
    set(
        &s,
        "UPDATE api_keys SET hash = $1 WHERE id = $2",
        &legacy,
        id,
    )
    .await;

    let (_, message, code) =
        error_of(upload_as(&s, &wrong_secret(&key), 1, "10.0.0.1").await).await;
    assert_eq!((message.as_str(), code), ("Invalid API key.", 100));
    assert_eq!(
        scalar(&s, read, id).await,
        legacy,
        "a failed check rewrites nothing"
    );

    ok_image(upload_as(&s, &key, 2, "10.0.0.1").await).await;
    let now = scalar(&s, read, id).await;
    assert!(now.starts_with(DIGEST_PREFIX), "rewritten: {now}");
    assert_eq!(now, upstage_server::auth::hash_secret(&key));
    ok_image(upload_as(&s, &key, 3, "10.0.0.1").await).await;
}

#[tokio::test]
async fn a_legacy_argon2_delete_token_works_and_is_rewritten_as_a_digest() {
    let s = common::start().await;
    let img = ok_image(upload_as(&s, &s.admin_key, 1, "10.0.0.1").await).await;
    let id = s
        .state
        .ids
        .decode(img["id_encoded"].as_str().unwrap())
        .unwrap() as i64;
    let delete_url = img["delete_url"].as_str().unwrap().to_owned();
    let token = delete_url.rsplit('/').next().unwrap().to_owned();
    let read = "SELECT delete_hash FROM images WHERE id = $1";
    assert_eq!(
        scalar(&s, read, id).await,
        upstage_server::auth::hash_secret(&token)
    );
    let legacy = argon2_of(&token);
    set(
        &s,
        "UPDATE images SET delete_hash = $1 WHERE id = $2",
        &legacy,
        id,
    )
    .await;

    let wrong = format!("{}{}", &delete_url[..delete_url.len() - 4], "ffff");
    let c = common::client();
    assert_eq!(
        c.get(&wrong).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(scalar(&s, read, id).await, legacy);

    assert_eq!(
        c.get(&delete_url).send().await.unwrap().status(),
        StatusCode::OK
    );
    let now = scalar(&s, read, id).await;
    assert!(now.starts_with(DIGEST_PREFIX), "rewritten: {now}");
    let r = c.post(&delete_url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(s.state.db.image(id).await.unwrap().is_none());
}

#[tokio::test]
async fn malformed_keys_are_refused_without_hashing() {
    let s = common::start().await;
    let admin = s.admin_key.clone();
    let enc = admin.split('_').nth(1).unwrap().to_owned();
    let hex = "0123456789abcdef".repeat(8);
    let forged = [
        format!("chv_{enc}_anything"),
        format!("chv_{enc}_{}", &hex[1..]),
        format!("chv_{enc}_{hex}0"),
        format!("chv_{enc}_{}x", &hex[1..]),
        format!("chv_{enc}_{hex}_{hex}"),
        format!("chv_{enc}!_{hex}"),
        format!("x{admin}"),
        "chv_".to_owned(),
        "x".repeat(10_000),
    ];
    let before = s.state.keys.hashed();
    for key in &forged {
        let (status, message, code) = error_of(upload_as(&s, key, 1, "10.0.0.2").await).await;
        assert_eq!(
            (status, message.as_str(), code),
            (StatusCode::BAD_REQUEST, "Invalid API key.", 100),
            "{key}"
        );
    }
    assert_eq!(s.state.keys.hashed(), before, "no forged key was hashed");
    // A well-formed key of an id that does not exist is not hashed either; one of an existing id is.
    let unknown = format!("chv_{}_{hex}", s.state.ids.encode(987_654));
    error_of(upload_as(&s, &unknown, 1, "10.0.0.2").await).await;
    assert_eq!(s.state.keys.hashed(), before);
    error_of(upload_as(&s, &wrong_secret(&admin), 1, "10.0.0.2").await).await;
    assert_eq!(s.state.keys.hashed(), before + 1, "the counter counts");
}

#[tokio::test]
async fn an_address_that_fails_too_often_gets_429_and_others_do_not() {
    let limit = 5;
    let s = common::start_with(|c| {
        c.client_ip_header = Some("X-Forwarded-For".into());
        c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
        c.auth_failures_per_minute = limit;
    })
    .await;
    let (a, b) = ("203.0.113.7", "198.51.100.2");
    let bad = wrong_secret(&s.admin_key);
    for _ in 0..limit {
        let (status, _, code) = error_of(upload_as(&s, &bad, 1, a).await).await;
        assert_eq!((status, code), (StatusCode::BAD_REQUEST, 100));
    }
    let hashed = s.state.keys.hashed();
    // Past the limit, even the right key is refused before it is looked at.
    for key in [&bad, &s.admin_key] {
        let (status, message, code) = error_of(upload_as(&s, key, 1, a).await).await;
        assert_eq!((status, code), (StatusCode::TOO_MANY_REQUESTS, 100));
        assert!(message.contains("Too many invalid API keys"), "{message}");
    }
    assert_eq!(s.state.keys.hashed(), hashed);
    // Another address is not affected, for keys or delete pages.
    let (status, _, _) = error_of(upload_as(&s, &bad, 1, b).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let img = ok_image(upload_as(&s, &s.admin_key, 2, b).await).await;
    let delete_url = img["delete_url"].as_str().unwrap();
    let page = |ip: &'static str| {
        common::client()
            .get(delete_url)
            .header("X-Forwarded-For", ip)
            .send()
    };
    assert_eq!(page(b).await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        page(a).await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}
