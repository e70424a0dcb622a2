//! Text parameters: title (and its `name` alias and default), description, tags.

use serde_json::{json, Value};

use crate::common::table::{case, ok_image, run, source, text, with, Check, Expect, Req};
use crate::exif::{jpeg_with_tiff, tiff};
use crate::{common, photo, row_of, up};

#[tokio::test]
async fn title_name_alias_and_default() {
    let s = common::start().await;
    let k = s.admin_key.as_str();
    let named = |seed: u32, name: &str| source(name, "image/jpeg", common::jpeg(300 + seed, 200));
    run(
        &s,
        &[
            case(
                "title",
                up(k, vec![photo(1), text("title", "My  Title")]),
                ok_image(&[
                    ("title", json!("My  Title")),
                    ("display_title", json!("My  Title")),
                ]),
            ),
            // `name` is the ImgBB alias; `title` wins when both are given.
            case(
                "name alias",
                up(k, vec![photo(2), text("name", "From name")]),
                ok_image(&[("title", json!("From name"))]),
            ),
            case(
                "title beats name",
                up(k, vec![photo(3), text("name", "n"), text("title", "t")]),
                ok_image(&[("title", json!("t"))]),
            ),
            // Default: the file name with runs of `-`, `_` and spaces as one space.
            case(
                "default from the file name",
                up(k, vec![named(1, "my_photo-01.jpg")]),
                ok_image(&[
                    ("title", json!("my photo 01")),
                    ("original_filename", json!("my_photo-01.jpg")),
                ]),
            ),
            // "0" is falsy (array_filter): the default applies.
            case(
                "title 0 is no title",
                up(k, vec![named(2, "my_photo-02.jpg"), text("title", "0")]),
                ok_image(&[("title", json!("my photo 02"))]),
            ),
            // Long titles are cut to 100 characters; title_truncated is 25 + "...".
            case(
                "150 characters",
                up(k, vec![photo(4), text("title", &"x".repeat(150))]),
                ok_image(&[
                    ("title", json!("x".repeat(100))),
                    ("title_truncated", json!(format!("{}...", "x".repeat(25)))),
                ]),
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn metadata_title_is_cut_to_100_characters() {
    let s = common::start().await;
    // XPTitle (0x9C9B): UTF-16LE bytes, NUL-terminated.
    let title: String = "Ünïcode title ".repeat(12);
    let mut xp: Vec<u8> = title.encode_utf16().flat_map(u16::to_le_bytes).collect();
    xp.extend_from_slice(&[0, 0]);
    let jpeg = jpeg_with_tiff(330, 220, &tiff(&[(0x9C9B, 1, xp)], &[]));
    let cut = title
        .chars()
        .take(100)
        .collect::<String>()
        .trim_end()
        .to_owned();
    let req = up(&s.admin_key, vec![source("x.jpg", "image/jpeg", jpeg)]);
    let want = Expect::Ok(vec![
        Check::Eq("/image/title".into(), json!(cut)),
        with(|v| assert!(v["image"]["title"].as_str().unwrap().chars().count() <= 100)),
    ]);
    run(&s, &[case("XPTitle of 168 characters", req, want)]).await;
}

#[tokio::test]
async fn description() {
    let s = common::start().await;
    let k = s.admin_key.as_str();
    let html = "A <b>long</b>\nday";
    let out = run(
        &s,
        &[
            case(
                "kept as sent",
                up(k, vec![photo(1), text("description", html)]),
                ok_image(&[("description", json!(html))]),
            ),
            case(
                "none",
                up(k, vec![photo(2)]),
                ok_image(&[("description", Value::Null)]),
            ),
        ],
    )
    .await;
    assert_eq!(row_of(&s, &out[0]).await.description.as_deref(), Some(html));
}

#[tokio::test]
async fn tags_for_user_keys() {
    let s = common::start().await;
    let (_, bob) = s.user_key("bob").await;
    let tags = " cats , big   sky,cats,, sci-fi,a/b,#x,<b>,".to_owned() + &"y".repeat(33);
    let out = run(
        &s,
        &[
            case(
                "duplicates, blanks, bad characters and a 33-character tag dropped",
                up(&bob, vec![photo(1), text("tags", &tags)]),
                ok_image(&[
                    (
                        "tags",
                        json!([
                            {"name": "cats", "name_safe_html": "cats", "url_key": "cats",
                             "url": "/tag/cats"},
                            {"name": "big sky", "name_safe_html": "big sky",
                             "url_key": "big%20sky", "url": "/tag/big%20sky"},
                            {"name": "sci-fi", "name_safe_html": "sci-fi", "url_key": "sci-fi",
                             "url": "/tag/sci-fi"},
                            {"name": "<b>", "name_safe_html": "&lt;b&gt;", "url_key": "%3Cb%3E",
                             "url": "/tag/%3Cb%3E"},
                        ]),
                    ),
                    ("tags_string", json!("cats, big sky, sci-fi, <b>")),
                ]),
            ),
            // No tags: an empty list and an empty string.
            case(
                "no tags",
                up(&bob, vec![photo(2)]),
                ok_image(&[("tags", json!([])), ("tags_string", json!(""))]),
            ),
        ],
    )
    .await;
    let row = row_of(&s, &out[0]).await;
    let mut stored = s.state.db.image_tags(row.id).await.unwrap();
    stored.sort();
    assert_eq!(stored, ["<b>", "big sky", "cats", "sci-fi"]);
}

#[tokio::test]
async fn tags_are_ignored_for_guests() {
    let s = common::start_with(|c| {
        c.guest.enabled = true;
        c.guest.key = Some("guest-key".into());
    })
    .await;
    let req = Req::upload()
        .header("guest-key")
        .multipart(vec![photo(1), text("tags", "cats,dogs")]);
    let want = ok_image(&[("tags", json!([])), ("tags_string", json!(""))]);
    let out = run(&s, &[case("guest with tags", req, want)]).await;
    let row = row_of(&s, &out[0]).await;
    assert!(s.state.db.image_tags(row.id).await.unwrap().is_empty());
}
