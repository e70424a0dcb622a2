//! URL sources end to end through the API: an admin key, URL uploads switched on, and the
//! loopback network explicitly allow-listed (it is refused otherwise).

mod common;

use serde_json::Value;

async fn upload_url(s: &common::TestServer, url: &str) -> Value {
    common::client()
        .post(s.endpoint())
        .header("X-API-Key", &s.admin_key)
        .form(&[("source", url)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_admin_can_upload_from_an_allow_listed_url() {
    let s = common::start_with(|c| {
        c.url_uploads.enabled = true;
        c.url_uploads.allow = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    // Serve a real JPEG from the server's own file route, then fetch it back as a URL source.
    let form = reqwest::multipart::Form::new().part(
        "source",
        common::file_part(common::jpeg(800, 600), "origin photo.jpg", "image/jpeg"),
    );
    let first: Value = common::client()
        .post(s.endpoint())
        .header("X-API-Key", &s.admin_key)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = first["image"]["url"].as_str().unwrap().to_owned();
    let served = common::fetch(&url).await;
    let body = upload_url(&s, &url).await;
    assert_eq!(body["status_code"], 200, "{body}");
    assert_eq!(body["image"]["original_filename"], "origin-photo.jpg");
    assert_eq!(body["image"]["width"], 800);
    // The md5 taken while downloading is that of the bytes the URL served.
    let md5 = hex::encode(<md5::Md5 as md5::Digest>::digest(&served));
    let image = &body["image"];
    let as_received = image["source_md5"].as_str().or(image["md5"].as_str());
    assert_eq!(as_received, Some(md5.as_str()), "{body}");
    assert!(
        std::fs::read_dir(s.dir.path().join("tmp"))
            .unwrap()
            .next()
            .is_none(),
        "download removed"
    );
}

#[tokio::test]
async fn loopback_urls_are_refused_unless_allow_listed() {
    let s = common::start_with(|c| c.url_uploads.enabled = true).await;
    let body = upload_url(&s, &format!("{}/healthz", s.url)).await;
    assert_eq!(body["status_code"], 400);
    assert_eq!(body["error"]["code"], 0);
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(msg.starts_with("Curl error"), "{msg}");
    let body = upload_url(&s, "file:///etc/passwd").await;
    assert_eq!(body["status_code"], 400, "{body}");
}
