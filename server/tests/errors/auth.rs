//! Check order 1–5 (key, version, action, authentication) and the plain-text error formats.

use serde_json::json;

use crate::common::table::{case, error, ok, ok_image, plain, run, text, Req};
use crate::{common, photo};

const NO_KEY: &str = "No key provided";
const BAD_KEY: &str = "Invalid API key.";
const NULL_GUEST: &str =
    "API V1 public key can't be null. Go to /dashboard and set the Guest API key.";

#[tokio::test]
async fn no_key_provided() {
    let s = common::start().await;
    let admin = s.admin_key.as_str();
    run(
        &s,
        &[
            case(
                "POST with a file",
                Req::upload().multipart(vec![photo(1)]),
                error(NO_KEY, 100),
            ),
            case("bare GET", Req::get("/api/1/upload"), error(NO_KEY, 100)),
            case(
                "empty key parameter",
                Req::upload().form(&[("key", ""), ("source", "aGVsbG8=")]),
                error(NO_KEY, 100),
            ),
            // A header present but empty wins over a valid `key`, as in Chevereto.
            case(
                "empty header beats a body key",
                Req::upload()
                    .header("")
                    .multipart(vec![photo(2), text("key", admin)]),
                error(NO_KEY, 100),
            ),
            case(
                "empty header beats a query key",
                Req::post(format!("/api/1/upload?key={admin}"))
                    .header("")
                    .multipart(vec![photo(3)]),
                error(NO_KEY, 100),
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn missing_version_and_action() {
    let s = common::start().await;
    let mut rows = Vec::new();
    for (path, message) in [
        ("/api", "No version provided"),
        ("/api/", "No version provided"),
        ("/api/1", "No action provided"),
        ("/api/1/", "No action provided"),
    ] {
        let post = Req::post(path).header(&s.admin_key);
        rows.push(case(format!("POST {path}"), post, error(message, 100)));
        rows.push(case(
            format!("GET {path}"),
            Req::get(path),
            error(message, 100),
        ));
    }
    run(&s, &rows).await;
}

#[tokio::test]
async fn invalid_api_version_is_json_even_for_txt() {
    let s = common::start().await;
    let admin = s.admin_key.as_str();
    let version = error("Invalid API version.", 110);
    run(
        &s,
        &[
            case(
                "v2, txt in query and body",
                Req::post("/api/2/upload?format=txt")
                    .header(admin)
                    .multipart(vec![photo(1), text("format", "txt")]),
                version,
            ),
            case(
                "v1.1, redirect",
                Req::get("/api/1.1/upload?format=redirect").header(admin),
                error("Invalid API version.", 110),
            ),
            // The key is checked for emptiness before the version (order 1 before 2).
            case(
                "no key before version",
                Req::post("/api/2/upload"),
                error(NO_KEY, 100),
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn invalid_key_with_guest_api_disabled() {
    let s = common::start().await;
    let (_, bob) = s.user_key("bob").await;
    // A well-formed user key with a wrong secret: its last character changed.
    let last = if bob.ends_with('0') { "1" } else { "0" };
    let wrong_secret = format!("{}{last}", &bob[..bob.len() - 1]);
    let mut rows: Vec<_> = ["nope", "chv_x_y", "chv__", wrong_secret.as_str()]
        .into_iter()
        .map(|key| {
            let req = Req::upload().header(key).multipart(vec![photo(1)]);
            case(format!("header {key}"), req, error(BAD_KEY, 100))
        })
        .collect();
    rows.push(case(
        "key parameter",
        Req::upload().form(&[("key", "nope"), ("source", "aGVsbG8=")]),
        error(BAD_KEY, 100),
    ));
    run(&s, &rows).await;
}

#[tokio::test]
async fn guest_api_without_a_public_key() {
    // Not set, and set but empty (which counts as not set): one server each.
    for key in [None, Some(String::new())] {
        let k = key.clone();
        let s = common::start_with(move |c| {
            c.guest.enabled = true;
            c.guest.key = k;
        })
        .await;
        let rows = [
            case(
                format!("guest key {key:?}, with a file"),
                Req::upload().header("anything").multipart(vec![photo(1)]),
                error(NULL_GUEST, 0),
            ),
            case(
                format!("guest key {key:?}, no body"),
                Req::upload().header("anything"),
                error(NULL_GUEST, 0),
            ),
        ];
        run(&s, &rows).await;
    }
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
    let (bob, _) = s.user_key("bob").await;
    let album = s.state.db.create_album(bob, "bob's").await.unwrap();
    let album = s.state.ids.encode(album.id as u64);
    // Accepted: the upload works, tags and another account's album are ignored, no owner.
    let out = run(
        &s,
        &[
            case(
                "another key",
                Req::upload()
                    .header(&"b".repeat(64))
                    .multipart(vec![photo(1)]),
                error(BAD_KEY, 100),
            ),
            case(
                "guest key with tags and an album",
                Req::upload().header(&guest).multipart(vec![
                    photo(2),
                    text("tags", "cats, dogs"),
                    text("album_id", &album),
                ]),
                ok_image(&[("tags", json!([])), ("tags_string", json!(""))]),
            ),
            case(
                "guest key as the key parameter",
                Req::upload().param(&guest).multipart(vec![photo(3)]),
                ok(),
            ),
        ],
    )
    .await;
    let id = s
        .state
        .ids
        .decode(out[1]["image"]["id_encoded"].as_str().unwrap());
    let row = s.state.db.image(id.unwrap() as i64).await.unwrap().unwrap();
    assert_eq!(row.album_id, None);
    assert_eq!(row.user_id, None);
    assert!(s.state.db.image_tags(row.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn invalid_api_action() {
    let s = common::start().await;
    let mut rows: Vec<_> = ["delete", "Upload", "uploads"]
        .into_iter()
        .map(|action| {
            let req = Req::post(format!("/api/1/{action}"))
                .header(&s.admin_key)
                .multipart(vec![photo(1)]);
            case(action, req, error("Invalid API action", 120))
        })
        .collect();
    // Authentication comes before the action (order 3 before 5).
    rows.push(case(
        "bad key before action",
        Req::post("/api/1/delete").header("nope"),
        error(BAD_KEY, 100),
    ));
    run(&s, &rows).await;
}

#[tokio::test]
async fn txt_and_redirect_errors_are_plain_text_400() {
    let s = common::start().await;
    let mut rows = Vec::new();
    for format in ["txt", "redirect"] {
        rows.push(case(
            format!("{format} in the body"),
            Req::upload().form(&[("key", "nope"), ("format", format)]),
            plain(400, BAD_KEY),
        ));
        rows.push(case(
            format!("{format} in the query"),
            Req::post(format!("/api/1/upload?format={format}")).header(&s.admin_key),
            plain(400, "Empty upload source"),
        ));
    }
    rows.push(case(
        "any other format is JSON",
        Req::upload().form(&[("key", "nope"), ("format", "xml")]),
        error(BAD_KEY, 100),
    ));
    run(&s, &rows).await;
}
