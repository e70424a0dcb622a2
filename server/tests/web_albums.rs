//! The album extension of the API (create, list, add; keyed like uploads; owners only), album
//! pages, and the optional CORS allow-list of the API.

mod common;

use common::TestServer;
use reqwest::StatusCode;
use serde_json::Value;

const XSS: &str = "<script>alert(1)</script> \"q\" & æøå";

async fn upload(s: &TestServer, key: &str, title: &str, fields: &[(&str, &str)]) -> Value {
    let mut all = vec![("title", title)];
    all.extend_from_slice(fields);
    // A new size each time: the same bytes from the same address would be a duplicate upload.
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let w = 400 + N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let part = common::file_part(common::jpeg(w, 300), "a.jpg", "image/jpeg");
    let r = common::post_file(&s.endpoint(), key, part, &all).await;
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["image"].clone()
}

async fn albums_call(
    s: &TestServer,
    key: Option<&str>,
    path: &str,
    form: Option<&[(&str, &str)]>,
) -> (StatusCode, Value) {
    let url = format!("{}/api/1/albums{path}", s.url);
    let mut req = match form {
        Some(f) => common::client().post(url).form(f),
        None => common::client().get(url),
    };
    if let Some(k) = key {
        req = req.header("X-API-Key", k);
    }
    let r = req.send().await.unwrap();
    (r.status(), r.json().await.unwrap())
}

#[tokio::test]
async fn albums_are_created_listed_and_filled_by_their_owner_only() {
    let s = common::start().await;
    let (_, alice) = s.user_key("alice").await;
    let (_, bob) = s.user_key("bob").await;
    let a1 = upload(&s, &alice, "one", &[]).await;
    let a2 = upload(&s, &alice, XSS, &[]).await;
    let b1 = upload(&s, &bob, "bob's", &[]).await;
    let ids = [&a1, &a2, &b1]
        .map(|i| i["id_encoded"].as_str().unwrap().to_owned())
        .join(",");

    let (st, body) = albums_call(
        &s,
        Some(&alice),
        "",
        Some(&[("name", XSS), ("images", &ids)]),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let album = &body["album"];
    assert_eq!(album["name"], XSS);
    assert_eq!(album["added"], 2, "bob's image is not alice's to move");
    assert_eq!(album["image_count"], 2);
    let album_id = album["id_encoded"].as_str().unwrap().to_owned();
    let url = album["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/album/", s.url)) && url.ends_with(&format!(".{album_id}")),
        "{url}"
    );

    // The same name again is the same album (names are unique per owner).
    let (_, again) = albums_call(&s, Some(&alice), "", Some(&[("name", XSS)])).await;
    assert_eq!(again["album"]["id_encoded"], album_id.as_str());
    let (_, list) = albums_call(&s, Some(&alice), "", None).await;
    assert_eq!(list["albums"].as_array().unwrap().len(), 1);
    let (_, list) = albums_call(&s, Some(&bob), "", None).await;
    assert_eq!(list["albums"], serde_json::json!([]));

    // Bob cannot fill or even see alice's album; an upload naming it drops the album.
    let (st, _) = albums_call(
        &s,
        Some(&bob),
        &format!("/{album_id}/images"),
        Some(&[("images", b1["id_encoded"].as_str().unwrap())]),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let b2 = upload(&s, &bob, "sneaky", &[("album_id", &album_id)]).await;
    let row = s
        .state
        .db
        .image(
            s.state
                .ids
                .decode(b2["id_encoded"].as_str().unwrap())
                .unwrap() as i64,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.album_id, None);
    let a3 = upload(&s, &alice, "three", &[("album_id", &album_id)]).await;
    let (st, body) = albums_call(
        &s,
        Some(&alice),
        &format!("/{album_id}/images"),
        Some(&[("images", "")]),
    )
    .await;
    assert_eq!(
        (st, &body["album"]["image_count"]),
        (StatusCode::OK, &Value::from(3)),
        "{body}"
    );

    // No key, a wrong key, no name.
    for (key, form, code) in [
        (None, vec![("name", "x")], 100),
        (Some("chv_nope_nope"), vec![("name", "x")], 100),
        (Some(alice.as_str()), vec![("name", "  ")], 400),
    ] {
        let (st, body) = albums_call(&s, key, "", Some(&form)).await;
        assert_ne!(st, StatusCode::OK);
        assert_eq!(body["error"]["code"], code, "{body}");
    }

    // The album page: a grid linking to the viewers, titles as text, newest first.
    let r = common::client().get(url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        !html.contains("<script>alert")
            && html
                .contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &amp; æøå</h1>"),
        "{html}"
    );
    let pos = |img: &Value| {
        html.find(img["path_viewer"].as_str().unwrap())
            .unwrap_or_else(|| panic!("{html}"))
    };
    assert!(pos(&a3) < pos(&a2) && pos(&a2) < pos(&a1));
    assert!(!html.contains(b1["path_viewer"].as_str().unwrap()));
    let r = common::client()
        .get(format!("{}/album/x.zzzzzz", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn guests_have_no_albums() {
    let s = common::start_with(|c| {
        c.guest.enabled = true;
        c.guest.key = Some("guest-key-1234".into());
    })
    .await;
    let (st, body) = albums_call(&s, Some("guest-key-1234"), "", Some(&[("name", "x")])).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
    // The uploader page hands the public guest key to its script.
    let home = common::client()
        .get(format!("{}/", s.url))
        .send()
        .await
        .unwrap();
    assert!(home
        .text()
        .await
        .unwrap()
        .contains("\"guestKey\":\"guest-key-1234\""));
}

async fn preflight(s: &TestServer, origin: &str) -> reqwest::Response {
    common::client()
        .request(reqwest::Method::OPTIONS, s.endpoint())
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "x-api-key")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn cors_answers_only_the_listed_origins() {
    let s = common::start_with(|c| c.cors_origins = vec!["https://app.example".into()]).await;
    let r = preflight(&s, "https://app.example").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    let allowed = r.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(allowed.contains("x-api-key"), "{allowed}");
    let r = preflight(&s, "https://evil.example").await;
    assert!(r.headers().get("access-control-allow-origin").is_none());
    // A real upload from the allowed origin carries the header; pages do not.
    let part = common::file_part(common::jpeg(100, 80), "a.jpg", "image/jpeg");
    let form = reqwest::multipart::Form::new().part("source", part);
    let r = common::client()
        .post(s.endpoint())
        .header("origin", "https://app.example")
        .header("X-API-Key", &s.admin_key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    let r = common::client()
        .get(format!("{}/", s.url))
        .header("origin", "https://app.example")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());

    let plain = common::start().await;
    let r = preflight(&plain, "https://app.example").await;
    assert!(
        r.headers().get("access-control-allow-origin").is_none(),
        "no list, no CORS"
    );
}
