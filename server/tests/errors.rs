//! Chevereto's error catalogue (docs/compatibility.md) against the real server: HTTP 400 with the exact JSON body
//! `{"status_code":400,"error":{"message":…,"code":…},"status_txt":"Bad Request"}` in the
//! reference's order of checks, plain text for `txt`/`redirect`, and bad input that never yields a
//! 500, a panic or a hang.

mod common;

use std::time::Duration;

use base64::Engine;
use reqwest::multipart::Form;
use serde_json::Value;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The reference's error body, byte for byte (key order included).
fn error_body(message: &str, code: i64) -> String {
    format!(
        r#"{{"status_code":400,"error":{{"message":{},"code":{code}}},"status_txt":"Bad Request"}}"#,
        serde_json::to_string(message).unwrap()
    )
}

async fn expect_error(r: reqwest::Response, message: &str, code: i64) {
    let status = r.status();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = r.text().await.unwrap();
    assert_eq!(status, 400, "{text}");
    assert_eq!(text, error_body(message, code));
    assert_eq!(ct.as_deref(), Some("application/json; charset=UTF-8"));
}

/// A 400 in the reference's shape, whatever the message; returns `(message, code)`.
async fn expect_any_error(r: reqwest::Response) -> (String, i64) {
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, 400, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let message = v["error"]["message"].as_str().unwrap().to_owned();
    let code = v["error"]["code"].as_i64().unwrap();
    assert_eq!(text, error_body(&message, code));
    (message, code)
}

async fn expect_ok(r: reqwest::Response) -> Value {
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["status_code"], 200);
    v
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

/// A JPEG whose pixels depend on `seed`, so non-admin uploads are not duplicates of each other.
fn jpeg(seed: u32) -> Vec<u8> {
    common::jpeg(200 + seed, 150)
}

fn file_form(bytes: Vec<u8>, name: &str, mime: &str) -> Form {
    Form::new().part("source", common::file_part(bytes, name, mime))
}

fn jpeg_form(seed: u32) -> Form {
    file_form(jpeg(seed), "photo.jpg", "image/jpeg")
}

/// Bytes that do not compress: a noisy RGB PNG of about `w * h * 3` bytes.
fn noisy_png(w: u32, h: u32) -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let img = image::RgbImage::from_fn(w, h, |_, _| {
        let mut px = [0u8; 3];
        for c in &mut px {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            *c = state as u8;
        }
        image::Rgb(px)
    });
    common::encode(&img, image::ImageFormat::Png)
}

// ---------------------------------------------------------------------------------------------
// Check order 1–5: version, action, key, authentication.

#[tokio::test]
async fn no_key_provided() {
    let s = common::start().await;
    let c = client();
    // No header, no parameter (POST with a file, and a bare GET).
    expect_error(
        c.post(s.endpoint())
            .multipart(jpeg_form(1))
            .send()
            .await
            .unwrap(),
        "No key provided",
        100,
    )
    .await;
    expect_error(
        c.get(s.endpoint()).send().await.unwrap(),
        "No key provided",
        100,
    )
    .await;
    // An empty `key` parameter is no key either.
    expect_error(
        c.post(s.endpoint())
            .form(&[("key", ""), ("source", "aGVsbG8=")])
            .send()
            .await
            .unwrap(),
        "No key provided",
        100,
    )
    .await;
    // A header that is present but empty wins over a valid `key` parameter, as in Chevereto.
    let form = jpeg_form(2).text("key", s.admin_key.clone());
    expect_error(
        c.post(s.endpoint())
            .header("X-API-Key", "")
            .multipart(form)
            .send()
            .await
            .unwrap(),
        "No key provided",
        100,
    )
    .await;
    expect_error(
        c.post(format!("{}?key={}", s.endpoint(), s.admin_key))
            .header("X-API-Key", "")
            .multipart(jpeg_form(3))
            .send()
            .await
            .unwrap(),
        "No key provided",
        100,
    )
    .await;
}

#[tokio::test]
async fn missing_version_and_action() {
    let s = common::start().await;
    let c = client();
    for (path, message) in [
        ("/api", "No version provided"),
        ("/api/", "No version provided"),
        ("/api/1", "No action provided"),
        ("/api/1/", "No action provided"),
    ] {
        expect_error(
            c.post(format!("{}{path}", s.url))
                .header("X-API-Key", &s.admin_key)
                .send()
                .await
                .unwrap(),
            message,
            100,
        )
        .await;
        expect_error(
            c.get(format!("{}{path}", s.url)).send().await.unwrap(),
            message,
            100,
        )
        .await;
    }
}

#[tokio::test]
async fn invalid_api_version_is_json_even_for_txt() {
    let s = common::start().await;
    let c = client();
    expect_error(
        c.post(format!("{}/api/2/upload?format=txt", s.url))
            .header("X-API-Key", &s.admin_key)
            .multipart(jpeg_form(1).text("format", "txt"))
            .send()
            .await
            .unwrap(),
        "Invalid API version.",
        110,
    )
    .await;
    expect_error(
        c.get(format!("{}/api/1.1/upload?format=redirect", s.url))
            .header("X-API-Key", &s.admin_key)
            .send()
            .await
            .unwrap(),
        "Invalid API version.",
        110,
    )
    .await;
    // The key is checked for emptiness before the version (order 1 before 2).
    expect_error(
        c.post(format!("{}/api/2/upload", s.url))
            .send()
            .await
            .unwrap(),
        "No key provided",
        100,
    )
    .await;
}

#[tokio::test]
async fn invalid_key_with_guest_api_disabled() {
    let s = common::start().await;
    let c = client();
    let (_, bob) = s.user_key("bob").await;
    // A well-formed user key with a wrong secret, a garbage key and a near miss of a real one.
    let wrong_secret = format!("{}0", &bob[..bob.len() - 1]);
    let wrong_secret = if wrong_secret == bob {
        format!("{}1", &bob[..bob.len() - 1])
    } else {
        wrong_secret
    };
    for key in ["nope", "chv_x_y", "chv__", wrong_secret.as_str()] {
        expect_error(
            c.post(s.endpoint())
                .header("X-API-Key", key)
                .multipart(jpeg_form(1))
                .send()
                .await
                .unwrap(),
            "Invalid API key.",
            100,
        )
        .await;
    }
    // The same through the `key` parameter.
    expect_error(
        c.post(s.endpoint())
            .form(&[("key", "nope"), ("source", "aGVsbG8=")])
            .send()
            .await
            .unwrap(),
        "Invalid API key.",
        100,
    )
    .await;
}

#[tokio::test]
async fn guest_api_without_a_public_key() {
    let s = common::start_with(|c| {
        c.guest.enabled = true;
        c.guest.key = None;
    })
    .await;
    expect_error(
        client()
            .post(s.endpoint())
            .header("X-API-Key", "anything")
            .multipart(jpeg_form(1))
            .send()
            .await
            .unwrap(),
        "API V1 public key can't be null. Go to /dashboard and set the Guest API key.",
        0,
    )
    .await;
    // An empty configured key counts as not set.
    let s = common::start_with(|c| {
        c.guest.enabled = true;
        c.guest.key = Some(String::new());
    })
    .await;
    expect_error(
        client()
            .post(s.endpoint())
            .header("X-API-Key", "anything")
            .send()
            .await
            .unwrap(),
        "API V1 public key can't be null. Go to /dashboard and set the Guest API key.",
        0,
    )
    .await;
}

#[tokio::test]
async fn guest_key_mismatch_and_match() {
    let guest = "a".repeat(64);
    let g = guest.clone();
    let s = common::start_with(move |c| {
        c.guest.enabled = true;
        c.guest.key = Some(g);
    })
    .await;
    let c = client();
    expect_error(
        c.post(s.endpoint())
            .header("X-API-Key", "b".repeat(64))
            .multipart(jpeg_form(1))
            .send()
            .await
            .unwrap(),
        "Invalid API key.",
        100,
    )
    .await;
    // Accepted: the upload works, tags and another account's album are ignored, no owner.
    let (bob, _) = s.user_key("bob").await;
    let album = s.state.db.create_album(bob, "bob's").await.unwrap();
    let form = jpeg_form(2)
        .text("tags", "cats, dogs")
        .text("album_id", s.state.ids.encode(album.id as u64));
    let v = expect_ok(
        c.post(s.endpoint())
            .header("X-API-Key", &guest)
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v["image"]["tags"], serde_json::json!([]));
    assert_eq!(v["image"]["tags_string"], "");
    let id = s
        .state
        .ids
        .decode(v["image"]["id_encoded"].as_str().unwrap())
        .unwrap();
    let row = s.state.db.image(id as i64).await.unwrap().unwrap();
    assert_eq!(row.album_id, None);
    assert_eq!(row.user_id, None);
    assert!(s.state.db.image_tags(row.id).await.unwrap().is_empty());
    // The `key` parameter works for the guest key too.
    expect_ok(
        c.post(s.endpoint())
            .multipart(jpeg_form(3).text("key", guest.clone()))
            .send()
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn invalid_api_action() {
    let s = common::start().await;
    let c = client();
    for action in ["delete", "Upload", "uploads"] {
        expect_error(
            c.post(format!("{}/api/1/{action}", s.url))
                .header("X-API-Key", &s.admin_key)
                .multipart(jpeg_form(1))
                .send()
                .await
                .unwrap(),
            "Invalid API action",
            120,
        )
        .await;
    }
    // Authentication comes before the action (order 3 before 5).
    expect_error(
        c.post(format!("{}/api/1/delete", s.url))
            .header("X-API-Key", "nope")
            .send()
            .await
            .unwrap(),
        "Invalid API key.",
        100,
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Sources (6–10).

#[tokio::test]
async fn empty_upload_source() {
    let s = common::start().await;
    let c = client();
    let key = s.admin_key.as_str();
    expect_error(
        c.post(s.endpoint())
            .form(&[("key", key)])
            .send()
            .await
            .unwrap(),
        "Empty upload source",
        130,
    )
    .await;
    expect_error(
        c.get(format!("{}?key={key}", s.endpoint()))
            .send()
            .await
            .unwrap(),
        "Empty upload source",
        130,
    )
    .await;
    // An empty `source` counts as none.
    expect_error(
        c.post(s.endpoint())
            .form(&[("key", key), ("source", "")])
            .send()
            .await
            .unwrap(),
        "Empty upload source",
        130,
    )
    .await;
    // `source[]=x` is an array, not `source` (the reference dies with a 500 here).
    expect_error(
        c.post(s.endpoint())
            .form(&[("key", key), ("source[]", "x"), ("source[]", "y")])
            .send()
            .await
            .unwrap(),
        "Empty upload source",
        130,
    )
    .await;
    expect_error(
        c.post(format!("{}?source[]=x&source[0]=y", s.endpoint()))
            .header("X-API-Key", key)
            .multipart(Form::new().part(
                "source[]",
                common::file_part(jpeg(1), "a.jpg", "image/jpeg"),
            ))
            .send()
            .await
            .unwrap(),
        "Empty upload source",
        130,
    )
    .await;
    // A file part under another name (ImgBB clients send `image`) is not a source, and not a
    // text parameter either.
    expect_error(
        c.post(s.endpoint())
            .header("X-API-Key", key)
            .multipart(Form::new().part("image", common::file_part(jpeg(1), "a.jpg", "image/jpeg")))
            .send()
            .await
            .unwrap(),
        "Empty upload source",
        130,
    )
    .await;
    // A JSON body is not read: its key and source do not exist.
    let json = serde_json::json!({"key": key, "source": B64.encode(jpeg(2))}).to_string();
    expect_error(
        c.post(s.endpoint())
            .header("content-type", "application/json")
            .body(json.clone())
            .send()
            .await
            .unwrap(),
        "No key provided",
        100,
    )
    .await;
    expect_error(
        c.post(s.endpoint())
            .header("X-API-Key", key)
            .header("content-type", "application/json")
            .body(json)
            .send()
            .await
            .unwrap(),
        "Empty upload source",
        130,
    )
    .await;
}

#[tokio::test]
async fn base64_rules() {
    let s = common::start().await;
    let c = client();
    let key = s.admin_key.as_str();
    let good = B64.encode(common::png(64, 48));
    // Base64 needs POST.
    let q: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("key", key)
        .append_pair("source", &good)
        .finish();
    expect_error(
        c.get(format!("{}?{q}", s.endpoint())).send().await.unwrap(),
        "Upload using base64 source must be done using POST method.",
        130,
    )
    .await;
    // Not canonical standard base64.
    let url_safe = base64::engine::general_purpose::URL_SAFE.encode(common::png(65, 48));
    assert!(url_safe.contains(['-', '_']), "test data must use - or _");
    for bad in [
        format!("data:image/png;base64,{good}"),
        url_safe,
        good.trim_end_matches('=').to_owned(),
        "aGVsbG9=".to_owned(),
        "not base64 at all!".to_owned(),
    ] {
        assert_ne!(bad, good);
        expect_error(
            c.post(s.endpoint())
                .form(&[("key", key), ("source", &bad)])
                .send()
                .await
                .unwrap(),
            "Invalid base64 string",
            120,
        )
        .await;
    }
    // Whitespace only.
    expect_error(
        c.post(s.endpoint())
            .form(&[("key", key), ("source", " \n\t  ")])
            .send()
            .await
            .unwrap(),
        "Empty source",
        130,
    )
    .await;
    // Valid base64 of something that is not an image.
    expect_error(
        c.post(s.endpoint())
            .form(&[("key", key), ("source", &B64.encode(b"hello world"))])
            .send()
            .await
            .unwrap(),
        "Can't get target upload source info",
        610,
    )
    .await;
    // Line-wrapped base64 (whitespace removed first) is fine.
    let wrapped: String = good
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\r\n");
    expect_ok(
        c.post(s.endpoint())
            .form(&[("key", key), ("source", &wrapped)])
            .send()
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn url_uploading_is_disabled() {
    let s = common::start().await;
    let c = client();
    let (_, bob) = s.user_key("bob").await;
    // Admin-only, and off by default even for admins.
    for key in [bob.as_str(), s.admin_key.as_str()] {
        expect_error(
            c.post(s.endpoint())
                .form(&[("key", key), ("source", "https://example.com/a.jpg")])
                .send()
                .await
                .unwrap(),
            "URL uploading is disabled",
            403,
        )
        .await;
    }
    // Enabled for the site: still refused for a non-admin key, before any download.
    let s = common::start_with(|c| c.url_uploads.enabled = true).await;
    let (_, bob) = s.user_key("bob").await;
    expect_error(
        c.post(s.endpoint())
            .form(&[
                ("key", bob.as_str()),
                ("source", "http://127.0.0.1:1/a.jpg"),
            ])
            .send()
            .await
            .unwrap(),
        "URL uploading is disabled",
        403,
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Duplicates, flood, size, width (11–25).

#[tokio::test]
async fn duplicated_upload() {
    let s = common::start().await;
    let c = client();
    let (_, bob) = s.user_key("bob").await;
    let bytes = jpeg(7);
    expect_ok(
        c.post(s.endpoint())
            .header("X-API-Key", &bob)
            .multipart(file_form(bytes.clone(), "a.jpg", "image/jpeg"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    // Same bytes under another name and type: still a duplicate.
    expect_error(
        c.post(s.endpoint())
            .header("X-API-Key", &bob)
            .multipart(file_form(
                bytes.clone(),
                "b.jpeg",
                "application/octet-stream",
            ))
            .send()
            .await
            .unwrap(),
        "Duplicated upload",
        101,
    )
    .await;
    // Also when the same bytes come as base64.
    expect_error(
        c.post(s.endpoint())
            .form(&[("key", bob.as_str()), ("source", &B64.encode(&bytes))])
            .send()
            .await
            .unwrap(),
        "Duplicated upload",
        101,
    )
    .await;
    // Admins are exempt.
    for _ in 0..2 {
        expect_ok(
            c.post(s.endpoint())
                .header("X-API-Key", &s.admin_key)
                .multipart(file_form(bytes.clone(), "a.jpg", "image/jpeg"))
                .send()
                .await
                .unwrap(),
        )
        .await;
    }
}

/// GPS removal changes the stored bytes; the duplicate rule still compares what was uploaded.
#[tokio::test]
async fn a_photo_with_gps_is_a_duplicate_when_uploaded_again() {
    let Some(corpus) = upstage_testenv::corpus() else {
        return;
    };
    let bytes =
        std::fs::read(corpus.join("jpeg/plasma_ColorfulCups_images_2560x1600.jpg")).unwrap();
    let uploaded_md5 = hex::encode(<md5::Md5 as md5::Digest>::digest(&bytes));
    let s = common::start().await;
    let c = client();
    let (_, bob) = s.user_key("bob").await;
    let send = || {
        c.post(s.endpoint())
            .header("X-API-Key", &bob)
            .multipart(file_form(bytes.clone(), "cups.jpg", "image/jpeg"))
            .send()
    };
    let first = expect_ok(send().await.unwrap()).await;
    assert_ne!(first["image"]["md5"], uploaded_md5, "GPS was removed");
    assert_eq!(first["image"]["source_md5"], uploaded_md5);
    expect_error(send().await.unwrap(), "Duplicated upload", 101).await;
}

#[tokio::test]
async fn flooding_detected() {
    let s = common::start_with(|c| c.flood.per_minute = 2).await;
    let c = client();
    let (_, bob) = s.user_key("bob").await;
    for seed in 0..2 {
        expect_ok(
            c.post(s.endpoint())
                .header("X-API-Key", &bob)
                .multipart(jpeg_form(seed))
                .send()
                .await
                .unwrap(),
        )
        .await;
    }
    expect_error(
        c.post(s.endpoint())
            .header("X-API-Key", &bob)
            .multipart(jpeg_form(2))
            .send()
            .await
            .unwrap(),
        "Flooding detected. You can only upload 2 images per minute",
        130,
    )
    .await;
    // Admin keys are not counted (our default) and are not stopped.
    expect_ok(
        c.post(s.endpoint())
            .header("X-API-Key", &s.admin_key)
            .multipart(jpeg_form(3))
            .send()
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn target_width_greater_than_the_image() {
    let s = common::start().await;
    expect_error(
        client()
            .post(s.endpoint())
            .header("X-API-Key", &s.admin_key)
            .multipart(jpeg_form(1).text("width", "2000"))
            .send()
            .await
            .unwrap(),
        "Target width is greater than the original image width",
        610,
    )
    .await;
}

#[tokio::test]
async fn file_too_big_is_refused_while_streaming() {
    let s = common::start().await;
    let c = client();
    // 11 MB: over the 10 MB limit. Not an image at all: the size is all that is looked at.
    let big = vec![0x5au8; 11_000_000];
    let started = std::time::Instant::now();
    expect_error(
        c.post(s.endpoint())
            .header("X-API-Key", &s.admin_key)
            .multipart(file_form(big.clone(), "big.jpg", "image/jpeg"))
            .send()
            .await
            .unwrap(),
        "File too big - max 10 MB",
        400,
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(30));
    // The same as base64 text, and as an urlencoded body.
    let b64 = B64.encode(&big);
    expect_error(
        c.post(s.endpoint())
            .header("X-API-Key", &s.admin_key)
            .multipart(Form::new().text("source", b64.clone()))
            .send()
            .await
            .unwrap(),
        "File too big - max 10 MB",
        400,
    )
    .await;
    expect_error(
        c.post(s.endpoint())
            .form(&[("key", s.admin_key.as_str()), ("source", &b64)])
            .send()
            .await
            .unwrap(),
        "File too big - max 10 MB",
        400,
    )
    .await;
    // Nothing is left behind in the temp dir.
    let left: Vec<_> = std::fs::read_dir(s.dir.path().join("tmp"))
        .unwrap()
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // The auth checks still come first (reference order: key before size).
    expect_error(
        c.post(s.endpoint())
            .header("X-API-Key", "nope")
            .multipart(file_form(big, "big.jpg", "image/jpeg"))
            .send()
            .await
            .unwrap(),
        "Invalid API key.",
        100,
    )
    .await;
}

#[tokio::test]
async fn file_just_under_the_limit_is_accepted() {
    // Over axum's 2 MB default body limit, under our 10 MB one.
    let s = common::start().await;
    let png = noisy_png(1800, 1700);
    assert!(
        png.len() > 9_000_000 && png.len() < 10_000_000,
        "{}",
        png.len()
    );
    let v = expect_ok(
        client()
            .post(s.endpoint())
            .header("X-API-Key", &s.admin_key)
            .multipart(file_form(png.clone(), "noise.png", "image/png"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v["image"]["size"], png.len());
    // And as base64 in an urlencoded body (13 MB of text).
    let png = noisy_png(1800, 1690);
    expect_ok(
        client()
            .post(s.endpoint())
            .form(&[("key", s.admin_key.as_str()), ("source", &B64.encode(&png))])
            .send()
            .await
            .unwrap(),
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Formats of errors.

#[tokio::test]
async fn txt_and_redirect_errors_are_plain_text_400() {
    let s = common::start().await;
    let c = client();
    for format in ["txt", "redirect"] {
        let r = c
            .post(s.endpoint())
            .form(&[("key", "nope"), ("format", format)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"));
        assert!(r.headers().get("location").is_none());
        assert_eq!(r.text().await.unwrap(), "Invalid API key.");
        // From the query string too.
        let r = c
            .post(format!("{}?format={format}", s.endpoint()))
            .header("X-API-Key", &s.admin_key)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(r.text().await.unwrap(), "Empty upload source");
    }
    // Any other format is JSON.
    expect_error(
        c.post(s.endpoint())
            .form(&[("key", "nope"), ("format", "xml")])
            .send()
            .await
            .unwrap(),
        "Invalid API key.",
        100,
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Bad input: never a 500, a panic or a hang.

#[tokio::test]
async fn bad_files_are_client_errors() {
    let s = common::start().await;
    let c = client();
    let mut random = vec![0u8; 50_000];
    let mut x = 12345u32;
    for b in &mut random {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *b = (x >> 16) as u8;
    }
    let html = b"<!DOCTYPE html><html><body><img src=x></body></html>".to_vec();
    let jpeg_full = common::jpeg(800, 600);
    let png_full = common::png(800, 600);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("random.jpg", random, "image/jpeg"),
        ("empty.jpg", Vec::new(), "image/jpeg"),
        ("page.jpg", html, "image/jpeg"),
        ("header-only.jpg", jpeg_full[..20].to_vec(), "image/jpeg"),
        ("header-only.png", png_full[..40].to_vec(), "image/png"),
    ];
    for (name, bytes, mime) in cases {
        let r = c
            .post(s.endpoint())
            .header("X-API-Key", &s.admin_key)
            .multipart(file_form(bytes, name, mime))
            .send()
            .await
            .unwrap();
        let (message, code) = expect_any_error(r).await;
        assert_eq!(
            (message.as_str(), code),
            ("Can't get target upload source info", 610),
            "{name}"
        );
    }
    // Truncated in the middle of the data: either decoded partially or refused, never a 500.
    for (name, bytes, mime) in [
        (
            "cut.jpg",
            jpeg_full[..jpeg_full.len() / 2].to_vec(),
            "image/jpeg",
        ),
        (
            "cut.png",
            png_full[..png_full.len() / 2].to_vec(),
            "image/png",
        ),
    ] {
        let r = c
            .post(s.endpoint())
            .header("X-API-Key", &s.admin_key)
            .multipart(file_form(bytes, name, mime))
            .send()
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status == 200 || status == 400, "{name}: {status} {text}");
        if status == 400 {
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(v["error"]["code"], 610, "{name}: {text}");
        }
    }
}

#[tokio::test]
async fn a_format_without_a_decoder_is_unavailable() {
    // An AVIF `ftyp` box and nothing else: sniffed as AVIF, which this build cannot read. The
    // message is the reference's, with no detail appended.
    let s = common::start().await;
    let mut avif = Vec::new();
    avif.extend_from_slice(&24u32.to_be_bytes());
    avif.extend_from_slice(b"ftypavif\0\0\0\0mif1avif");
    avif.extend_from_slice(&[0u8; 64]);
    let r = client()
        .post(s.endpoint())
        .header("X-API-Key", &s.admin_key)
        .multipart(file_form(avif, "x.avif", "image/avif"))
        .send()
        .await
        .unwrap();
    let (message, code) = expect_any_error(r).await;
    assert!(
        (message.as_str(), code) == ("Unavailable image format", 613)
            || (message.as_str(), code) == ("Can't get target upload source info", 610),
        "{message} {code}"
    );
}

/// A PNG whose IHDR claims `w`×`h` but which carries almost no data.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32fast::hash(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    // A tiny zlib stream (an empty stored block): far too little data for the claimed size.
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 1],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

#[tokio::test]
async fn huge_dimensions_are_refused_without_decoding() {
    let s = common::start().await;
    let c = client();
    for (w, h) in [(30_000, 30_000), (1, 4_000_000), (2_000, 2_000)] {
        let started = std::time::Instant::now();
        let r = c
            .post(s.endpoint())
            .header("X-API-Key", &s.admin_key)
            .multipart(file_form(png_claiming(w, h), "huge.png", "image/png"))
            .send()
            .await
            .unwrap();
        let (message, code) = expect_any_error(r).await;
        assert!(code == 400 || code == 610, "{w}x{h}: {message} {code}");
        assert!(!message.contains('/'), "no internals: {message}");
        assert!(started.elapsed() < Duration::from_secs(20), "{w}x{h}");
    }
}

#[tokio::test]
async fn a_two_megabyte_title_is_cut_to_100_characters() {
    let s = common::start().await;
    let title = "é".repeat(1_000_000) + "tail";
    let v = expect_ok(
        client()
            .post(s.endpoint())
            .header("X-API-Key", &s.admin_key)
            .multipart(jpeg_form(1).text("title", title))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v["image"]["title"], "é".repeat(100));
    let id = s
        .state
        .ids
        .decode(v["image"]["id_encoded"].as_str().unwrap())
        .unwrap();
    let row = s.state.db.image(id as i64).await.unwrap().unwrap();
    assert_eq!(row.title.unwrap().chars().count(), 100);
}

/// A multipart body built by hand, for bytes reqwest will not write.
fn raw_multipart(parts: &[(&[u8], &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----upstage-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (headers, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(headers);
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn non_utf8_multipart_fields() {
    let s = common::start().await;
    let c = client();
    let img = jpeg(1);
    let (ct, body) = raw_multipart(&[
        (
            b"Content-Disposition: form-data; name=\"title\"",
            b"caf\xe9 \xff\xfe ok",
        ),
        (
            b"Content-Disposition: form-data; name=\"description\"",
            b"\xc3\x28 bad utf-8",
        ),
        (
            b"Content-Disposition: form-data; name=\"source\"; filename=\"photo.jpg\"\r\n\
              Content-Type: image/jpeg",
            &img,
        ),
    ]);
    let v = expect_ok(
        c.post(s.endpoint())
            .header("X-API-Key", &s.admin_key)
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let title = v["image"]["title"].as_str().unwrap();
    assert!(
        title.starts_with("caf") && title.ends_with(" ok"),
        "{title}"
    );
    // A file name that is not UTF-8 (Latin-1 é): still a file upload.
    let img = jpeg(2);
    let (ct, body) = raw_multipart(&[(
        b"Content-Disposition: form-data; name=\"source\"; filename=\"caf\xe9.jpg\"\r\n\
          Content-Type: image/jpeg",
        &img,
    )]);
    let r = c
        .post(s.endpoint())
        .header("X-API-Key", &s.admin_key)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    let v = expect_ok(r).await;
    assert_eq!(v["image"]["extension"], "jpg");
    // A malformed multipart body is a client error.
    let (ct, mut body) = raw_multipart(&[(
        b"Content-Disposition: form-data; name=\"source\"; filename=\"a.jpg\"",
        &jpeg(3),
    )]);
    body.truncate(body.len() - 40);
    let r = c
        .post(s.endpoint())
        .header("X-API-Key", &s.admin_key)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    expect_any_error(r).await;
    // `multipart/form-data` without a boundary.
    let r = c
        .post(s.endpoint())
        .header("X-API-Key", &s.admin_key)
        .header("content-type", "multipart/form-data")
        .body("source=x")
        .send()
        .await
        .unwrap();
    expect_any_error(r).await;
}

#[tokio::test]
async fn declared_type_is_not_trusted() {
    let s = common::start().await;
    let c = client();
    // An image sent as application/octet-stream works: content is sniffed.
    let v = expect_ok(
        c.post(s.endpoint())
            .header("X-API-Key", &s.admin_key)
            .multipart(file_form(jpeg(1), "x.jpg", "application/octet-stream"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v["image"]["mime"], "image/jpeg");
    // A PNG named .jpg declared as image/jpeg is a PNG.
    let v = expect_ok(
        c.post(s.endpoint())
            .header("X-API-Key", &s.admin_key)
            .multipart(file_form(common::png(120, 80), "x.jpg", "image/jpeg"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v["image"]["extension"], "png");
    assert_eq!(v["image"]["mime"], "image/png");
}

// ---------------------------------------------------------------------------------------------
// The documented curl example, with the real curl binary.

async fn run_curl(dir: &std::path::Path, args: Vec<String>) -> std::process::Output {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new("curl")
            .args(&args)
            .current_dir(dir)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_documented_curl_example() {
    if upstage_testenv::curl().is_none() {
        return;
    }
    let s = common::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("image.jpeg"), common::jpeg(640, 480)).unwrap();
    // Verbatim but for host and key: --fail-with-body, -X POST, an explicit multipart
    // Content-Type (curl adds the boundary) and the file part.
    let args = [
        "--fail-with-body",
        "-sS",
        "-X",
        "POST",
        "-H",
        &format!("X-API-Key: {}", s.admin_key),
        "-H",
        "Content-Type: multipart/form-data",
        "-F",
        "source=@image.jpeg",
        &s.endpoint(),
    ]
    .map(str::to_owned)
    .to_vec();
    let out = run_curl(dir.path(), args).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["status_code"], 200);
    assert_eq!(v["image"]["original_filename"], "image.jpeg");
    assert_eq!(v["image"]["extension"], "jpeg");
    assert_eq!(v["image"]["title"], "image");

    // --fail-with-body on an error: exit code 22 and the error JSON on stdout.
    let args = [
        "--fail-with-body",
        "-sS",
        "-X",
        "POST",
        "-H",
        "X-API-Key: nope",
        "-H",
        "Content-Type: multipart/form-data",
        "-F",
        "source=@image.jpeg",
        &s.endpoint(),
    ]
    .map(str::to_owned)
    .to_vec();
    let out = run_curl(dir.path(), args).await;
    assert_eq!(out.status.code(), Some(22));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        error_body("Invalid API key.", 100)
    );

    // An 11 MB file through curl: the 400 arrives, curl does not hang.
    std::fs::write(dir.path().join("big.jpeg"), vec![0u8; 11_000_000]).unwrap();
    let args = [
        "-sS",
        "--max-time",
        "60",
        "-X",
        "POST",
        "-H",
        &format!("X-API-Key: {}", s.admin_key),
        "-F",
        "source=@big.jpeg",
        "-w",
        "\n%{http_code}",
        &s.endpoint(),
    ]
    .map(str::to_owned)
    .to_vec();
    let out = run_curl(dir.path(), args).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout,
        format!("{}\n400", error_body("File too big - max 10 MB", 400))
    );
}
