//! `use_file_date`: admins may file an upload under its Exif date; everyone else gets the upload
//! date. The `X-Upstage-Date-Source` header says which date was used.

use chrono::Utc;
use serde_json::json;

use crate::common::table::{case, client, ok_image, run, source, text, with, Check, Expect, Part};
use crate::exif::jpeg_with_exif;
use crate::{common, parse, photo, up};

fn exif_photo(w: u32) -> Part {
    let bytes = jpeg_with_exif(w, 240, "2019:05:04 12:00:00", "+02:00");
    source("exif.jpg", "image/jpeg", bytes)
}

/// Filed under today's date (the test may straddle midnight).
fn today() -> Expect {
    let before = Utc::now().date_naive();
    Expect::Ok(vec![with(move |v| {
        let d = parse(&v["image"]["date_gmt"]).date();
        assert!(d == before || d == Utc::now().date_naive(), "{d}");
        let folder = d.format("/images/%Y/%m/%d/").to_string();
        assert!(v["image"]["url"].as_str().unwrap().contains(&folder));
    })])
}

#[tokio::test]
async fn use_file_date_for_admins() {
    let s = common::start().await;
    let (_, bob) = s.user_key("bob").await;
    let admin = s.admin_key.as_str();
    let flag = |v| text("use_file_date", v);
    let mut exif_date = ok_image(&[
        ("date_gmt", json!("2019-05-04 10:00:00")),
        // The site time zone is UTC.
        ("date", json!("2019-05-04 10:00:00")),
    ]);
    if let Expect::Ok(checks) = &mut exif_date {
        checks.push(with(|v| {
            for url in [&v["image"]["url"], &v["image"]["thumb"]["url"]] {
                assert!(
                    url.as_str().unwrap().contains("/images/2019/05/04/"),
                    "{url}"
                );
            }
        }));
    }
    let out = run(
        &s,
        &[
            case(
                "admin with the flag",
                up(admin, vec![exif_photo(320), flag("1")]),
                exif_date,
            ),
            case(
                "not an admin",
                up(&bob, vec![exif_photo(321), flag("1")]),
                today(),
            ),
            case(
                "admin with 0",
                up(admin, vec![exif_photo(322), flag("0")]),
                today(),
            ),
        ],
    )
    .await;
    let url = out[0]["image"]["url"].as_str().unwrap();
    assert_eq!(client().get(url).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn the_response_says_which_date_was_used() {
    let s = common::start().await;
    let (_, bob) = s.user_key("bob").await;
    let admin = s.admin_key.as_str();
    let said = |source: &str| {
        Expect::Ok(vec![Check::Header(
            "x-upstage-date-source".into(),
            source.into(),
        )])
    };
    let flag = || text("use_file_date", "1");
    run(
        &s,
        &[
            case(
                "admin, Exif date",
                up(admin, vec![exif_photo(330), flag()]),
                said("DateTimeOriginal"),
            ),
            case(
                "non-admin: ignored",
                up(&bob, vec![exif_photo(331), flag()]),
                said("upload"),
            ),
            case(
                "no usable date: upload date",
                up(admin, vec![photo(40), flag()]),
                said("upload"),
            ),
        ],
    )
    .await;
}
