//! The success path against the real server: JSON shape and types of the documented example, formats,
//! the ImgBB shape, base64, and the files the response points at.

mod common;

use serde_json::Value;

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[tokio::test]
async fn a_jpeg_upload_matches_the_example_shape() {
    let s = common::start().await;
    let form = reqwest::multipart::Form::new().part(
        "source",
        common::file_part(common::jpeg(1600, 900), "Summer day.jpg", "image/jpeg"),
    );
    let r = common::client()
        .post(s.endpoint())
        .header("X-API-Key", &s.admin_key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["cache-control"],
        "no-store, no-cache, must-revalidate"
    );
    let raw = r.text().await.unwrap();
    let body: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(
        common::keys_in_order(&raw, &[]),
        common::keys_in_order(common::EXAMPLE_RESPONSE, &[]),
        "envelope keys in the example's order"
    );
    assert_eq!(body["status_code"], 200);
    assert_eq!(
        body["success"],
        serde_json::json!({"message": "file uploaded", "code": 200})
    );
    assert_eq!(body["status_txt"], "OK");
    let img = body["image"].as_object().unwrap();
    // Every key of the example except the video-only `frame`, in the example's order.
    let mut want_order = common::keys_in_order(common::EXAMPLE_RESPONSE, &["image"]);
    want_order.retain(|k| k != "frame");
    assert_eq!(common::keys_in_order(&raw, &["image"]), want_order);
    let example = common::example_image();
    let mut expected: Vec<&str> = example
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|k| *k != "frame")
        .collect();
    expected.sort();
    let mut got: Vec<&str> = img.keys().map(String::as_str).collect();
    got.sort();
    assert_eq!(got, expected);
    for (k, t) in [
        ("name", "string"),
        ("size", "number"),
        ("width", "number"),
        ("title", "string"),
        ("tags", "array"),
        ("description", "null"),
        ("nsfw", "number"),
        ("source_md5", "null"),
        ("original_exifdata", "null"),
        ("category_id", "null"),
        ("chain", "number"),
        ("expiration_date_gmt", "null"),
        ("file", "object"),
        ("ratio", "number"),
        ("medium", "object"),
        ("url_frame", "string"),
        ("duration_time", "string"),
        ("display_width", "string"),
        ("display_height", "number"),
        ("is_use_loader", "bool"),
        ("delete_url", "string"),
    ] {
        assert_eq!(kind(&img[k]), t, "{k}: {}", img[k]);
    }
    assert_eq!(img["name"], "Summer-day");
    assert_eq!(img["extension"], "jpg");
    assert_eq!(img["title"], "Summer day");
    assert_eq!(img["chain"], 7, "image + medium + thumb");
    assert_eq!(img["type"], "image");
    assert_eq!(img["width"], 1600);
    assert_eq!(img["medium"]["extension"], "jpg");
    assert_eq!(img["display_width"], "750");
    assert_eq!(img["display_height"], 422);
    assert_eq!(img["ratio"].as_f64().unwrap(), 1600.0 / 900.0);
    assert_eq!(img["how_long_ago"], "moments ago");
    let id = img["id_encoded"].as_str().unwrap();
    assert_eq!(img["url_short"], format!("{}/image/{id}", s.url));
    assert_eq!(img["path_viewer"], format!("/image/Summer-day.{id}"));
    assert!(img["delete_url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/image/{id}/delete/", s.url)));
    // The files it points at exist with the right type.
    for key in ["image", "thumb", "medium"] {
        let url = img[key]["url"].as_str().unwrap();
        let f = common::client().get(url).send().await.unwrap();
        assert_eq!(f.status(), 200, "{url}");
        assert_eq!(f.headers()["content-type"], "image/jpeg");
        assert!(f.headers().contains_key("etag"));
        let bytes = f.bytes().await.unwrap();
        assert_eq!(bytes.len() as i64, img[key]["size"].as_i64().unwrap());
    }
}

#[tokio::test]
async fn txt_redirect_imgbb_and_base64() {
    use base64::Engine;
    let s = common::start().await;
    let c = common::client();
    let b64 = base64::engine::general_purpose::STANDARD.encode(common::png(400, 300));
    let txt = c
        .post(s.endpoint())
        .form(&[
            ("key", s.admin_key.as_str()),
            ("source", &b64),
            ("format", "txt"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(txt.status(), 200);
    let url = txt.text().await.unwrap();
    assert!(
        url.starts_with(&format!("{}/images/", s.url)) && url.ends_with(".png"),
        "{url}"
    );
    assert_eq!(c.get(&url).send().await.unwrap().status(), 200);

    let png2 = base64::engine::general_purpose::STANDARD.encode(common::png(401, 300));
    let red = c
        .post(s.endpoint())
        .form(&[
            ("key", s.admin_key.as_str()),
            ("source", &png2),
            ("format", "redirect"),
            ("title", "Hello World"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(red.status(), 302);
    let loc = red.headers()["location"].to_str().unwrap();
    assert!(loc.starts_with("/image/Hello-World."), "{loc}");

    let png3 = base64::engine::general_purpose::STANDARD.encode(common::png(402, 300));
    let imgbb: Value = c
        .post(s.endpoint())
        .form(&[("key", s.admin_key.as_str()), ("image", &png3)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(imgbb["status"], 200);
    assert!(imgbb.get("image").is_none());
    assert_eq!(imgbb["data"]["id"], imgbb["data"]["id_encoded"]);
}

#[tokio::test]
async fn a_saturated_server_refuses_with_a_clear_busy_error() {
    let s = common::start_with(|c| {
        c.processing.workers = 1;
        c.processing.queue = 1;
        c.processing.wait_seconds = 0;
    })
    .await;
    // Bodies first, so all requests arrive together while the one worker is busy.
    let bodies: Vec<Vec<u8>> = (0..8u32).map(|i| common::jpeg(4000 + i, 3000)).collect();
    let mut tasks = Vec::new();
    for body in bodies {
        let (url, key) = (s.endpoint(), s.admin_key.clone());
        tasks.push(tokio::spawn(async move {
            let form = reqwest::multipart::Form::new()
                .part("source", common::file_part(body, "big.jpg", "image/jpeg"));
            let r = common::client()
                .post(url)
                .header("X-API-Key", key)
                .multipart(form)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (status, r.text().await.unwrap())
        }));
    }
    let mut ok = 0;
    let mut busy = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            200 => ok += 1,
            503 => {
                assert!(body.contains("Server busy"), "{body}");
                busy += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(ok >= 1, "some uploads are processed");
    assert!(
        busy >= 1,
        "the rest are refused at once instead of piling up"
    );
}

async fn upload_named(s: &common::TestServer, name: &str, w: u32) -> reqwest::Response {
    let part = common::file_part(common::jpeg(w, 400), name, "image/jpeg");
    common::post_file(&s.endpoint(), &s.admin_key, part, &[]).await
}

#[tokio::test]
async fn a_deleted_name_is_never_given_out_again() {
    let s = common::start().await;
    let c = common::client();
    let first: Value = upload_named(&s, "Reused name.jpg", 1000)
        .await
        .json()
        .await
        .unwrap();
    let first = &first["image"];
    assert_eq!(first["name"], "Reused-name");
    let gone = c
        .post(first["delete_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 200);
    for key in ["image", "thumb", "medium"] {
        let url = first[key]["url"].as_str().unwrap();
        assert_eq!(c.get(url).send().await.unwrap().status(), 404, "{url}");
    }
    // The files are gone, but their URLs were served as immutable: a new upload of the same
    // name (same bytes, even) gets new ones.
    let second: Value = upload_named(&s, "Reused name.jpg", 1000)
        .await
        .json()
        .await
        .unwrap();
    let second = &second["image"];
    assert_ne!(second["name"], "Reused-name");
    for key in ["image", "thumb", "medium"] {
        let (old, new) = (first[key]["url"].as_str(), second[key]["url"].as_str());
        assert_ne!(old, new, "{key}");
        let url = new.unwrap();
        assert_eq!(c.get(url).send().await.unwrap().status(), 200, "{url}");
    }
}

#[tokio::test]
async fn upload_answers_say_where_the_time_went() {
    let s = common::start().await;
    let r = upload_named(&s, "timed.jpg", 1200).await;
    assert_eq!(r.status(), 200);
    let header = r.headers()["server-timing"].to_str().unwrap().to_owned();
    let entries: Vec<(&str, f64)> = header
        .split(", ")
        .map(|e| {
            let (name, dur) = e.split_once(";dur=").unwrap_or_else(|| panic!("{header}"));
            (name, dur.parse().unwrap_or_else(|_| panic!("{header}")))
        })
        .collect();
    let names: Vec<&str> = entries.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        ["spool", "queue", "md5", "decode", "encode", "store", "claim", "db"]
    );
    let ms = |name: &str| entries.iter().find(|(n, _)| *n == name).unwrap().1;
    // A 1200 px JPEG is read, decoded, and gets a medium and a thumb encoded.
    assert!(ms("decode") > 0.0 && ms("encode") > 0.0, "{header}");
    // The claims are committed inside the store step.
    assert!(ms("claim") <= ms("store"), "{header}");
    assert!(entries.iter().all(|(_, d)| *d >= 0.0), "{header}");
}
