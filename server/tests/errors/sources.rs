//! Sources (check order 6–10): no source, array sources, JSON bodies, base64 rules, URL uploads
//! refused, and a declared type that is not trusted.

use serde_json::json;

use crate::common::table::{case, error, file, ok, ok_image, run, source, Req};
use crate::{b64, common, jpeg};

const EMPTY: &str = "Empty upload source";

#[tokio::test]
async fn empty_upload_source() {
    let s = common::start().await;
    let key = s.admin_key.as_str();
    let json = json!({"key": key, "source": b64(&jpeg(2))}).to_string();
    run(
        &s,
        &[
            case(
                "form without source",
                Req::upload().param(key).form(&[]),
                error(EMPTY, 130),
            ),
            case(
                "GET without source",
                Req::get("/api/1/upload").param(key),
                error(EMPTY, 130),
            ),
            // An empty `source` counts as none.
            case(
                "empty source",
                Req::upload().param(key).form(&[("source", "")]),
                error(EMPTY, 130),
            ),
            // `source[]=x` is an array, not `source` (the reference dies with a 500 here).
            case(
                "source[] in a form",
                Req::upload()
                    .param(key)
                    .form(&[("source[]", "x"), ("source[]", "y")]),
                error(EMPTY, 130),
            ),
            case(
                "source[] in query and multipart",
                Req::post("/api/1/upload?source[]=x&source[0]=y")
                    .header(key)
                    .multipart(vec![file("source[]", "a.jpg", "image/jpeg", jpeg(1))]),
                error(EMPTY, 130),
            ),
            // A file part under another name (ImgBB clients send `image`) is not a source, and
            // not a text parameter either.
            case(
                "file part named image",
                Req::upload().header(key).multipart(vec![file(
                    "image",
                    "a.jpg",
                    "image/jpeg",
                    jpeg(1),
                )]),
                error(EMPTY, 130),
            ),
            // A JSON body is not read: its key and source do not exist.
            case(
                "JSON body: its key is not read",
                Req::upload().json(json.clone()),
                error("No key provided", 100),
            ),
            case(
                "JSON body: its source is not read",
                Req::upload().header(key).json(json),
                error(EMPTY, 130),
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn base64_rules() {
    let s = common::start().await;
    let key = s.admin_key.as_str();
    let good = b64(&common::png(64, 48));
    let q: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("source", &good)
        .finish();
    let mut rows = vec![case(
        "base64 needs POST",
        Req::get(format!("/api/1/upload?{q}")).param(key),
        error(
            "Upload using base64 source must be done using POST method.",
            130,
        ),
    )];
    // Not canonical standard base64.
    use base64::Engine;
    let url_safe = base64::engine::general_purpose::URL_SAFE.encode(common::png(65, 48));
    assert!(url_safe.contains(['-', '_']), "test data must use - or _");
    for (name, bad) in [
        ("data URI", format!("data:image/png;base64,{good}")),
        ("URL-safe alphabet", url_safe),
        ("no padding", good.trim_end_matches('=').to_owned()),
        ("non-zero padding bits", "aGVsbG9=".to_owned()),
        ("not base64", "not base64 at all!".to_owned()),
    ] {
        assert_ne!(bad, good);
        let req = Req::upload().param(key).form(&[("source", &bad)]);
        rows.push(case(name, req, error("Invalid base64 string", 120)));
    }
    // Line-wrapped base64 (whitespace removed first) is fine.
    let wrapped: Vec<&str> = good
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    rows.extend([
        case(
            "whitespace only",
            Req::upload().param(key).form(&[("source", " \n\t  ")]),
            error("Empty source", 130),
        ),
        case(
            "base64 of text",
            Req::upload()
                .param(key)
                .form(&[("source", &b64(b"hello world"))]),
            error("Can't get target upload source info", 610),
        ),
        case(
            "line-wrapped",
            Req::upload()
                .param(key)
                .form(&[("source", &wrapped.join("\r\n"))]),
            ok(),
        ),
    ]);
    run(&s, &rows).await;
}

#[tokio::test]
async fn url_uploading_is_disabled() {
    let disabled = || error("URL uploading is disabled", 403);
    // Admin-only, and off by default even for admins.
    let s = common::start().await;
    let (_, bob) = s.user_key("bob").await;
    let url = [("source", "https://example.com/a.jpg")];
    let rows = [
        case(
            "off, user key",
            Req::upload().param(&bob).form(&url),
            disabled(),
        ),
        case(
            "off, admin key",
            Req::upload().param(&s.admin_key).form(&url),
            disabled(),
        ),
    ];
    run(&s, &rows).await;
    // Enabled for the site: still refused for a non-admin key, before any download.
    let s = common::start_with(|c| c.url_uploads.enabled = true).await;
    let (_, bob) = s.user_key("bob").await;
    let req = Req::upload()
        .param(&bob)
        .form(&[("source", "http://127.0.0.1:1/a.jpg")]);
    run(&s, &[case("on, user key", req, disabled())]).await;
}

#[tokio::test]
async fn declared_type_is_not_trusted() {
    let s = common::start().await;
    let key = s.admin_key.as_str();
    let up = |name, mime, bytes| {
        Req::upload()
            .header(key)
            .multipart(vec![source(name, mime, bytes)])
    };
    run(
        &s,
        &[
            // Content is sniffed: an image sent as application/octet-stream works.
            case(
                "JPEG as octet-stream",
                up("x.jpg", "application/octet-stream", jpeg(1)),
                ok_image(&[("mime", json!("image/jpeg"))]),
            ),
            case(
                "PNG named .jpg, declared image/jpeg",
                up("x.jpg", "image/jpeg", common::png(120, 80)),
                ok_image(&[("extension", json!("png")), ("mime", json!("image/png"))]),
            ),
        ],
    )
    .await;
}
