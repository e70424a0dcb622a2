//! Where parameters are read from: the query string, the body (which wins over the query), and
//! the upload path with a trailing slash or extra segments.

use serde_json::json;

use crate::common;
use crate::common::table::{case, error, ok_image, run, text, Expect, Req};
use crate::photo;

#[tokio::test]
async fn query_string_parameters_are_read() {
    let s = common::start().await;
    let admin = s.admin_key.as_str();
    let base = s.url.clone();
    // `format=txt` from the query string of a multipart POST: the answer is the file URL.
    let is_url =
        move |text: &str| text.starts_with(&format!("{base}/images/")) && text.ends_with(".jpg");
    run(
        &s,
        &[
            case(
                "format and title in the query of a POST",
                Req::post("/api/1/upload?format=txt&title=From%20query")
                    .header(admin)
                    .multipart(vec![photo(1)]),
                Expect::Text(Box::new(is_url)),
            ),
            // The key from the query string of a GET (it reaches the source check).
            case(
                "key in the query of a GET",
                Req::get("/api/1/upload?format=json").param(admin),
                error("Empty upload source", 130),
            ),
            case(
                "title in the query",
                Req::post("/api/1/upload?title=From%20query")
                    .header(admin)
                    .multipart(vec![photo(2)]),
                ok_image(&[("title", json!("From query"))]),
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn body_beats_query() {
    let s = common::start().await;
    let b64 = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(common::png(90, 60))
    };
    run(
        &s,
        &[
            case(
                "multipart body over query",
                Req::post("/api/1/upload?title=Query&format=txt&nsfw=0")
                    .header(&s.admin_key)
                    .multipart(vec![
                        photo(1),
                        text("title", "Body"),
                        text("format", "json"),
                        text("nsfw", "1"),
                    ]),
                ok_image(&[("title", json!("Body")), ("nsfw", json!(1))]),
            ),
            // Urlencoded body too; the key from the body beats a bad one in the query.
            case(
                "urlencoded body over query, key included",
                Req::post("/api/1/upload?key=nope&title=Query")
                    .param(&s.admin_key)
                    .form(&[("source", &b64), ("title", "Body")]),
                ok_image(&[("title", json!("Body"))]),
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn trailing_slash_is_not_redirected() {
    let s = common::start().await;
    let k = s.admin_key.as_str();
    let to = |path: &str, seed| Req::post(path).header(k).multipart(vec![photo(seed)]);
    run(
        &s,
        &[
            case(
                "trailing slash",
                to("/api/1/upload/", 1),
                ok_image(&[("width", json!(301))]),
            ),
            case(
                "trailing slash and query",
                to("/api/1/upload/?title=Slash", 2),
                ok_image(&[("title", json!("Slash"))]),
            ),
            // Extra path segments are ignored, as by the reference's router.
            case(
                "extra segments",
                to("/api/1/upload/extra/segments", 3),
                ok_image(&[("width", json!(303))]),
            ),
        ],
    )
    .await;
}
