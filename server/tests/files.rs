//! The file route as a CDN origin, on local disk and on S3 (moto): single ranges (206),
//! several ranges (200, whole), `If-Range` by tag and by date, 304 by tag and by date, 416, and
//! the validators and cache headers each of those carries; expiring images are cached until
//! their expiry only.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use common::TestServer;
use reqwest::StatusCode;
use serde_json::Value;
use upstage_core::Limits;

/// Request headers, HEAD or not, the status, and the bytes of the file it answers with.
type Case<'a> = (
    Vec<(&'a str, String)>,
    bool,
    u16,
    Option<std::ops::Range<usize>>,
);

/// The same server twice: SQLite with files on local disk, and SQLite with files in a bucket.
async fn servers() -> Vec<(&'static str, TestServer)> {
    let local = common::start_with_backend(None, |_| {}).await;
    let endpoint = upstage_testenv::s3_endpoint().expect("S3 for the file route tests");
    static N: AtomicUsize = AtomicUsize::new(0);
    let bucket = format!(
        "files-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    upstage_storage_s3::testing::create_bucket(&endpoint, &bucket).expect("bucket");
    let s3 = common::stack::s3_storage(&common::stack::s3_config(&endpoint, &bucket));
    let s3 = common::start_with_parts(common::pipeline(Limits::default()), s3).await;
    vec![("local", local), ("s3", s3)]
}

/// Upload a JPEG; returns the `image` object of the response.
async fn upload(s: &TestServer, fields: &[(&str, &str)]) -> Value {
    let part = common::file_part(common::jpeg(900, 700), "origin.jpg", "image/jpeg");
    let r = common::post_file(&s.endpoint(), &s.admin_key, part, fields).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    body["image"].clone()
}

async fn fetch(url: &str, headers: &[(&str, String)], head: bool) -> reqwest::Response {
    let c = common::client();
    let mut req = if head { c.head(url) } else { c.get(url) };
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    req.send().await.unwrap()
}

fn header(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn ranges_and_conditions_answer_alike_on_disk_and_s3() {
    for (backend, s) in servers().await {
        let img = upload(&s, &[]).await;
        let url = img["url"].as_str().unwrap().to_owned();
        let r = fetch(&url, &[], false).await;
        assert_eq!(r.status(), StatusCode::OK, "{backend}");
        let etag = header(&r, "etag").expect("ETag");
        let modified = header(&r, "last-modified").expect("Last-Modified");
        assert_eq!(header(&r, "accept-ranges").as_deref(), Some("bytes"));
        let whole = r.bytes().await.unwrap().to_vec();
        let n = whole.len();
        assert!(n > 20_000, "{backend}: {n} bytes");
        let earlier = httpdate::fmt_http_date(
            httpdate::parse_http_date(&modified).unwrap() - Duration::from_secs(1),
        );
        let range = |r: &str| ("range", r.to_owned());
        let if_range = |v: &str| ("if-range", v.to_owned());
        let weak = format!("W/{etag}");
        // (request headers, HEAD?, status, the bytes it answers with)
        let cases: Vec<Case> = vec![
            (vec![], false, 200, Some(0..n)),
            (vec![range("bytes=0-99")], false, 206, Some(0..100)),
            (vec![range("bytes=0-0")], false, 206, Some(0..1)),
            (vec![range("bytes=-500")], false, 206, Some(n - 500..n)),
            (vec![range("bytes=1000-")], false, 206, Some(1000..n)),
            (
                vec![range(&format!("bytes=5-{}", n + 99))],
                false,
                206,
                Some(5..n),
            ),
            (vec![range("bytes=0-1,5-6")], false, 200, Some(0..n)),
            (vec![range("bytes=0-99, 200-299")], false, 200, Some(0..n)),
            (vec![range(&format!("bytes={n}-"))], false, 416, None),
            (
                vec![range("bytes=10-19"), if_range(&etag)],
                false,
                206,
                Some(10..20),
            ),
            (
                vec![range("bytes=10-19"), if_range("\"stale\"")],
                false,
                200,
                Some(0..n),
            ),
            (
                vec![range("bytes=10-19"), if_range(&weak)],
                false,
                200,
                Some(0..n),
            ),
            (
                vec![range("bytes=10-19"), if_range(&modified)],
                false,
                206,
                Some(10..20),
            ),
            (
                vec![range("bytes=10-19"), if_range(&earlier)],
                false,
                200,
                Some(0..n),
            ),
            (vec![("if-none-match", etag.clone())], false, 304, None),
            (vec![("if-none-match", weak.clone())], false, 304, None),
            (
                vec![("if-none-match", "\"x\"".into())],
                false,
                200,
                Some(0..n),
            ),
            (
                vec![("if-modified-since", modified.clone())],
                false,
                304,
                None,
            ),
            (
                vec![("if-modified-since", earlier.clone())],
                false,
                200,
                Some(0..n),
            ),
            (vec![], true, 200, None),
            (vec![range("bytes=100-199")], true, 206, None),
        ];
        for (headers, head, status, bytes) in cases {
            let what = format!(
                "{backend} {} {headers:?}",
                if head { "HEAD" } else { "GET" }
            );
            let r = fetch(&url, &headers, head).await;
            assert_eq!(r.status().as_u16(), status, "{what}");
            assert_eq!(header(&r, "etag").as_deref(), Some(etag.as_str()), "{what}");
            assert_eq!(
                header(&r, "last-modified").as_ref(),
                Some(&modified),
                "{what}"
            );
            assert_eq!(
                header(&r, "accept-ranges").as_deref(),
                Some("bytes"),
                "{what}"
            );
            let cache = header(&r, "cache-control").unwrap_or_default();
            let length = header(&r, "content-length");
            match status {
                200 => assert_eq!(length, Some(n.to_string()), "{what}"),
                206 => {
                    let (a, b) = match &bytes {
                        Some(w) => (w.start, w.end - 1),
                        None => (100, 199),
                    };
                    let cr = format!("bytes {a}-{b}/{n}");
                    assert_eq!(header(&r, "content-range"), Some(cr), "{what}");
                    assert_eq!(length, Some((b - a + 1).to_string()), "{what}");
                }
                416 => {
                    assert_eq!(header(&r, "content-range"), Some(format!("bytes */{n}")));
                    assert_eq!(cache, "no-store", "{what}");
                }
                _ => assert!(header(&r, "content-range").is_none(), "{what}"),
            }
            if status != 416 {
                assert_eq!(cache, "public, max-age=31536000, immutable", "{what}");
                assert!(header(&r, "expires").is_some(), "{what}");
            }
            let body = r.bytes().await.unwrap();
            match bytes {
                Some(w) => assert!(body[..] == whole[w], "{what}: {} bytes", body.len()),
                None => assert!(status == 416 || body.is_empty(), "{what}"),
            }
        }
    }
}

#[tokio::test]
async fn expiring_images_are_cached_until_their_expiry_only() {
    for (backend, s) in servers().await {
        let img = upload(&s, &[("expiration", "PT5M")]).await;
        let at = img["expiration_date_gmt"].as_str().unwrap().to_owned();
        let expiry = chrono::NaiveDateTime::parse_from_str(&at, "%Y-%m-%d %H:%M:%S")
            .unwrap()
            .and_utc();
        let expiry = SystemTime::UNIX_EPOCH + Duration::from_secs(expiry.timestamp() as u64);
        for key in ["url", "thumb", "medium"] {
            let url = match key {
                "url" => img["url"].as_str(),
                k => img[k]["url"].as_str(),
            }
            .unwrap();
            for headers in [vec![], vec![("range", "bytes=0-9".to_owned())]] {
                let r = fetch(url, &headers, false).await;
                let what = format!("{backend} {key} {headers:?}");
                assert!(r.status().is_success(), "{what}: {}", r.status());
                let cache = header(&r, "cache-control").unwrap();
                assert!(!cache.contains("immutable"), "{what}: {cache}");
                let secs: u64 = cache
                    .strip_prefix("public, max-age=")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_else(|| panic!("{what}: {cache}"));
                assert!((240..=300).contains(&secs), "{what}: {cache}");
                let expires = header(&r, "expires").unwrap();
                assert_eq!(
                    httpdate::parse_http_date(&expires).unwrap(),
                    expiry,
                    "{what}"
                );
            }
        }
        // Past its expiry but not yet swept, the file is gone like the image's pages.
        let id = s
            .state
            .ids
            .decode(img["id_encoded"].as_str().unwrap())
            .unwrap() as i64;
        sqlx::query("UPDATE images SET expiration_date_gmt = '2001-01-01 00:00:00' WHERE id = $1")
            .bind(id)
            .execute(&s.state.db.pool)
            .await
            .unwrap();
        let r = fetch(img["url"].as_str().unwrap(), &[], false).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{backend}");

        let forever = upload(&s, &[]).await;
        let r = fetch(forever["thumb"]["url"].as_str().unwrap(), &[], false).await;
        assert_eq!(
            header(&r, "cache-control").as_deref(),
            Some("public, max-age=31536000, immutable"),
            "{backend}"
        );
        let expires = httpdate::parse_http_date(&header(&r, "expires").unwrap()).unwrap();
        let year = expires.duration_since(SystemTime::now()).unwrap().as_secs();
        assert!(
            (31_535_000..=31_536_000).contains(&year),
            "{backend}: {year}"
        );
    }
}
