//! Options: album_id (only the key user's own), category_id, width, expiration, nsfw.

use chrono::Utc;
use serde_json::{json, Value};

use crate::common::table::{case, ok, ok_image, run, source, text, with, Check, Expect};
use crate::{common, parse, photo, row_of, up};

#[tokio::test]
async fn album_must_belong_to_the_key_user() {
    let s = common::start().await;
    let (bob, bob_key) = s.user_key("bob").await;
    let (eve, _) = s.user_key("eve").await;
    let own = s.state.db.create_album(bob, "x").await.unwrap();
    let other = s.state.db.create_album(eve, "y").await.unwrap();
    let own_encoded = s.state.ids.encode(own.id as u64);
    // album_id and user_id are never in the JSON.
    let hidden = || {
        Expect::Ok(vec![
            Check::Absent("/image/album_id".into()),
            Check::Absent("/image/user_id".into()),
        ])
    };
    let mut rows = vec![case(
        "own album",
        up(&bob_key, vec![photo(1), text("album_id", &own_encoded)]),
        hidden(),
    )];
    // Someone else's album, a plain number and garbage are dropped silently.
    for (seed, album) in [
        (2, s.state.ids.encode(other.id as u64)),
        (3, own.id.to_string()),
        (4, "!!!".to_owned()),
        (5, "0".to_owned()),
    ] {
        let req = up(&bob_key, vec![photo(seed), text("album_id", &album)]);
        rows.push(case(format!("album_id {album}"), req, ok()));
    }
    let out = run(&s, &rows).await;
    let row = row_of(&s, &out[0]).await;
    assert_eq!(row.album_id, Some(own.id));
    assert_eq!(row.user_id, Some(bob));
    for (answer, row) in out.iter().zip(&rows).skip(1) {
        assert_eq!(row_of(&s, answer).await.album_id, None, "{}", row.name);
    }
}

#[tokio::test]
async fn category_id() {
    let s = common::start().await;
    let k = s.admin_key.as_str();
    let cat = s
        .state
        .db
        .create_category("Nature", "nature")
        .await
        .unwrap();
    let mut rows = vec![case(
        "existing category",
        up(k, vec![photo(1), text("category_id", &cat.id.to_string())]),
        ok_image(&[("category_id", json!(cat.id))]),
    )];
    for (seed, v) in [(2, "9999"), (3, "abc"), (4, "-1"), (5, "1.5")] {
        let req = up(k, vec![photo(seed), text("category_id", v)]);
        rows.push(case(
            format!("category_id {v}"),
            req,
            ok_image(&[("category_id", Value::Null)]),
        ));
    }
    let out = run(&s, &rows).await;
    assert_eq!(row_of(&s, &out[0]).await.category_id, Some(cat.id));
}

#[tokio::test]
async fn width_resizes() {
    let s = common::start().await;
    let k = s.admin_key.as_str();
    let wide = |w| source("w.jpg", "image/jpeg", common::jpeg(w, 600));
    let resized = Expect::Ok(vec![
        Check::Eq("/image/width".into(), json!(400)),
        Check::Eq("/image/height".into(), json!(300)),
        with(|v| {
            let img = &v["image"];
            assert_eq!(img["image"]["url"], img["url"]);
            let source_md5 = img["source_md5"].as_str().expect("source_md5 is a string");
            assert_ne!(img["md5"].as_str().unwrap(), source_md5);
        }),
    ]);
    let out = run(
        &s,
        &[
            case("400", up(k, vec![wide(800), text("width", "400")]), resized),
            // Not numeric: ignored.
            case(
                "not numeric",
                up(k, vec![wide(801), text("width", "wide")]),
                ok_image(&[("width", json!(801)), ("source_md5", Value::Null)]),
            ),
        ],
    )
    .await;
    // The stored file really is 400 wide.
    let url = out[0]["image"]["url"].as_str().unwrap();
    let bytes = common::fetch(url).await;
    let stored = image::load_from_memory(&bytes).unwrap();
    assert_eq!((stored.width(), stored.height()), (400, 300));
}

#[tokio::test]
async fn expiration() {
    let s = common::start().await;
    let k = s.admin_key.as_str();
    // Each row alone, so its window is measured around its own request.
    for (seed, value, secs) in [
        (1, "PT5M", 300),
        (2, "60", 300),
        (3, "garbage", 300),
        (4, "P3D", 3 * 86_400),
        (5, "7200", 7200),
    ] {
        let before = Utc::now().naive_utc();
        let check = with(move |v| {
            let after = Utc::now().naive_utc();
            let at = parse(&v["image"]["expiration_date_gmt"]);
            let lo = before + chrono::Duration::seconds(secs - 2);
            let hi = after + chrono::Duration::seconds(secs + 2);
            assert!(at >= lo && at <= hi, "{at} not in {lo}..{hi}");
        });
        let req = up(k, vec![photo(seed), text("expiration", value)]);
        let out = run(
            &s,
            &[case(
                format!("expiration {value}"),
                req,
                Expect::Ok(vec![check]),
            )],
        )
        .await;
        assert_eq!(
            row_of(&s, &out[0]).await.expiration_date_gmt.as_deref(),
            out[0]["image"]["expiration_date_gmt"].as_str(),
            "{value}"
        );
    }
    let never = || ok_image(&[("expiration_date_gmt", Value::Null)]);
    let rows = [
        case(
            "expiration 0",
            up(k, vec![photo(6), text("expiration", "0")]),
            never(),
        ),
        case(
            "expiration empty",
            up(k, vec![photo(7), text("expiration", "")]),
            never(),
        ),
    ];
    run(&s, &rows).await;
}

#[tokio::test]
async fn nsfw() {
    let s = common::start().await;
    let k = s.admin_key.as_str();
    let table = [
        (1, Some("1"), 1),
        (2, Some("true"), 0),
        (3, None, 0),
        (4, Some("0"), 0),
    ];
    let rows: Vec<_> = table
        .iter()
        .map(|(seed, value, want)| {
            let mut parts = vec![photo(*seed)];
            parts.extend(value.map(|v| text("nsfw", v)));
            case(
                format!("nsfw {value:?}"),
                up(k, parts),
                ok_image(&[("nsfw", json!(want))]),
            )
        })
        .collect();
    let out = run(&s, &rows).await;
    for (answer, (_, value, want)) in out.iter().zip(table) {
        assert_eq!(row_of(&s, answer).await.nsfw, want, "{value:?}");
    }
}
