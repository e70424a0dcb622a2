//! Duplicates, flood, size and width (check order 11–25).

use std::time::Duration;

use serde_json::json;

use crate::common::table::{case, error, ok, ok_image, run, source, text, Req};
use crate::{b64, common, jpeg, noisy_png, photo};

const TOO_BIG: &str = "File too big - max 10 MB";

#[tokio::test]
async fn duplicated_upload() {
    let s = common::start().await;
    let (_, bob) = s.user_key("bob").await;
    let bytes = jpeg(7);
    let admin = |name| {
        let part = source("a.jpg", "image/jpeg", bytes.clone());
        case(
            name,
            Req::upload().header(&s.admin_key).multipart(vec![part]),
            ok(),
        )
    };
    run(
        &s,
        &[
            case(
                "first upload",
                Req::upload().header(&bob).multipart(vec![source(
                    "a.jpg",
                    "image/jpeg",
                    bytes.clone(),
                )]),
                ok(),
            ),
            // Same bytes under another name and type: still a duplicate.
            case(
                "same bytes, other name and type",
                Req::upload().header(&bob).multipart(vec![source(
                    "b.jpeg",
                    "application/octet-stream",
                    bytes.clone(),
                )]),
                error("Duplicated upload", 101),
            ),
            case(
                "same bytes as base64",
                Req::upload().param(&bob).form(&[("source", &b64(&bytes))]),
                error("Duplicated upload", 101),
            ),
            // Admins are exempt.
            admin("admin, once"),
            admin("admin, twice"),
        ],
    )
    .await;
}

/// A corpus photo that carries GPS, and its md5 as sent.
fn gps_photo() -> Option<(Vec<u8>, String)> {
    let corpus = upstage_testenv::corpus()?;
    let bytes = std::fs::read(corpus.join("jpeg/plasma_ColorfulCups_images_2560x1600.jpg"))
        .expect("corpus photo with GPS");
    let md5 = hex::encode(<md5::Md5 as md5::Digest>::digest(&bytes));
    Some((bytes, md5))
}

/// GPS removal changes the stored bytes; the duplicate rule still compares what was uploaded.
/// Whoever sent it first: bob's md5 is taken while his body arrives (his duplicate check needs
/// it), an admin's by the library after it arrived (an admin is never checked); either must be
/// the md5 of what was sent, since bob's next upload is compared against it.
#[tokio::test]
async fn a_photo_with_gps_is_a_duplicate_when_uploaded_again_whoever_sent_it_first() {
    let Some((bytes, uploaded)) = gps_photo() else {
        return;
    };
    for admin_first in [false, true] {
        let s = common::start().await;
        let (_, bob) = s.user_key("bob").await;
        let first = if admin_first { &s.admin_key } else { &bob };
        let up = |key: &str| {
            Req::upload().header(key).multipart(vec![source(
                "cups.jpg",
                "image/jpeg",
                bytes.clone(),
            )])
        };
        let answers = run(
            &s,
            &[
                case(
                    "first",
                    up(first),
                    ok_image(&[("source_md5", json!(uploaded))]),
                ),
                case("again by bob", up(&bob), error("Duplicated upload", 101)),
            ],
        )
        .await;
        assert_ne!(
            answers[0]["image"]["md5"],
            json!(uploaded),
            "GPS was removed (admin first: {admin_first})"
        );
    }
}

#[tokio::test]
async fn flooding_detected() {
    let s = common::start_with(|c| c.flood.per_minute = 2).await;
    let (_, bob) = s.user_key("bob").await;
    let up = |key: &str, seed| Req::upload().header(key).multipart(vec![photo(seed)]);
    run(
        &s,
        &[
            case("first", up(&bob, 0), ok()),
            case("second", up(&bob, 1), ok()),
            case(
                "third in a minute",
                up(&bob, 2),
                error(
                    "Flooding detected. You can only upload 2 images per minute",
                    130,
                ),
            ),
            // Admin keys are not counted (our default) and are not stopped.
            case("admin", up(&s.admin_key, 3), ok()),
        ],
    )
    .await;
}

#[tokio::test]
async fn target_width_greater_than_the_image() {
    let s = common::start().await;
    let req = Req::upload()
        .header(&s.admin_key)
        .multipart(vec![photo(1), text("width", "2000")]);
    let want = error("Target width is greater than the original image width", 610);
    run(&s, &[case("width 2000", req, want)]).await;
}

#[tokio::test]
async fn file_too_big_is_refused_while_streaming() {
    let s = common::start().await;
    let key = s.admin_key.as_str();
    // 11 MB: over the 10 MB limit. Not an image at all: the size is all that is looked at.
    let big = vec![0x5au8; 11_000_000];
    let encoded = b64(&big);
    run(
        &s,
        &[
            case(
                "multipart file",
                Req::upload().header(key).multipart(vec![source(
                    "big.jpg",
                    "image/jpeg",
                    big.clone(),
                )]),
                error(TOO_BIG, 400),
            )
            .within(Duration::from_secs(30)),
            case(
                "base64 multipart text",
                Req::upload()
                    .header(key)
                    .multipart(vec![text("source", &encoded)]),
                error(TOO_BIG, 400),
            ),
            case(
                "base64 urlencoded",
                Req::upload().param(key).form(&[("source", &encoded)]),
                error(TOO_BIG, 400),
            ),
        ],
    )
    .await;
    // Nothing is left behind in the temp dir.
    let left: Vec<_> = std::fs::read_dir(s.dir.path().join("tmp"))
        .unwrap()
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // The auth checks still come first (reference order: key before size).
    let req = Req::upload()
        .header("nope")
        .multipart(vec![source("big.jpg", "image/jpeg", big)]);
    run(
        &s,
        &[case(
            "bad key, big file",
            req,
            error("Invalid API key.", 100),
        )],
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
    let size = png.len();
    run(
        &s,
        &[
            case(
                "9.x MB multipart",
                Req::upload().header(&s.admin_key).multipart(vec![source(
                    "noise.png",
                    "image/png",
                    png,
                )]),
                ok_image(&[("size", json!(size))]),
            ),
            // And as base64 in an urlencoded body (13 MB of text).
            case(
                "base64 urlencoded",
                Req::upload()
                    .param(&s.admin_key)
                    .form(&[("source", &b64(&noisy_png(1800, 1690)))]),
                ok(),
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_two_megabyte_title_is_cut_to_100_characters() {
    let s = common::start().await;
    let title = "é".repeat(1_000_000) + "tail";
    let req = Req::upload()
        .header(&s.admin_key)
        .multipart(vec![photo(1), text("title", &title)]);
    let out = run(
        &s,
        &[case(
            "2 MB title",
            req,
            ok_image(&[("title", json!("é".repeat(100)))]),
        )],
    )
    .await;
    let id = s
        .state
        .ids
        .decode(out[0]["image"]["id_encoded"].as_str().unwrap());
    let row = s.state.db.image(id.unwrap() as i64).await.unwrap().unwrap();
    assert_eq!(row.title.unwrap().chars().count(), 100);
}
