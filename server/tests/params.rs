//! The upload parameters (docs/compatibility.md) against the real server: title/name, description, tags,
//! album_id, category_id, width, expiration, nsfw, use_file_date, where parameters are read from
//! (query string, body; body wins), the trailing slash, and the OpenAPI document.

mod common;

use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use reqwest::multipart::Form;
use serde_json::{json, Value};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

fn jpeg_form(seed: u32) -> Form {
    Form::new().part(
        "source",
        common::file_part(common::jpeg(300 + seed, 200), "photo.jpg", "image/jpeg"),
    )
}

/// Uploads `form` with `key` and returns the `image` object of a 200 response.
async fn upload(s: &common::TestServer, key: &str, form: Form) -> Value {
    upload_to(&s.endpoint(), key, form).await
}

async fn upload_to(url: &str, key: &str, form: Form) -> Value {
    let r = client()
        .post(url)
        .header("X-API-Key", key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    v["image"].clone()
}

async fn row_of(s: &common::TestServer, image: &Value) -> upstage_server::db::ImageRow {
    let id = s
        .state
        .ids
        .decode(image["id_encoded"].as_str().unwrap())
        .unwrap();
    s.state.db.image(id as i64).await.unwrap().unwrap()
}

fn parse(d: &Value) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(d.as_str().unwrap(), "%Y-%m-%d %H:%M:%S").unwrap()
}

#[tokio::test]
async fn title_name_alias_and_default() {
    let s = common::start().await;
    let k = s.admin_key.clone();
    let img = upload(&s, &k, jpeg_form(1).text("title", "My  Title")).await;
    assert_eq!(img["title"], "My  Title");
    assert_eq!(img["display_title"], "My  Title");
    // `name` is the ImgBB alias; `title` wins when both are given.
    let img = upload(&s, &k, jpeg_form(2).text("name", "From name")).await;
    assert_eq!(img["title"], "From name");
    let img = upload(&s, &k, jpeg_form(3).text("name", "n").text("title", "t")).await;
    assert_eq!(img["title"], "t");
    // Default: the file name with runs of `-`, `_` and spaces as one space.
    let form = Form::new().part(
        "source",
        common::file_part(common::jpeg(301, 200), "my_photo-01.jpg", "image/jpeg"),
    );
    let img = upload(&s, &k, form).await;
    assert_eq!(img["title"], "my photo 01");
    assert_eq!(img["original_filename"], "my_photo-01.jpg");
    // "0" is falsy (array_filter): the default applies.
    let form = Form::new()
        .part(
            "source",
            common::file_part(common::jpeg(302, 200), "my_photo-02.jpg", "image/jpeg"),
        )
        .text("title", "0");
    assert_eq!(upload(&s, &k, form).await["title"], "my photo 02");
    // Long titles are cut to 100 characters; title_truncated is 25 + "...".
    let img = upload(&s, &k, jpeg_form(4).text("title", "x".repeat(150))).await;
    assert_eq!(img["title"], "x".repeat(100));
    assert_eq!(img["title_truncated"], format!("{}...", "x".repeat(25)));
}

#[tokio::test]
async fn description() {
    let s = common::start().await;
    let k = s.admin_key.clone();
    let img = upload(
        &s,
        &k,
        jpeg_form(1).text("description", "A <b>long</b>\nday"),
    )
    .await;
    assert_eq!(img["description"], "A <b>long</b>\nday");
    assert_eq!(
        row_of(&s, &img).await.description.as_deref(),
        Some("A <b>long</b>\nday")
    );
    let img = upload(&s, &k, jpeg_form(2)).await;
    assert_eq!(img["description"], Value::Null);
}

#[tokio::test]
async fn tags_for_user_keys() {
    let s = common::start().await;
    let (_, bob) = s.user_key("bob").await;
    let img = upload(
        &s,
        &bob,
        jpeg_form(1).text(
            "tags",
            " cats , big   sky,cats,, sci-fi,a/b,#x,<b>,".to_owned() + &"y".repeat(33),
        ),
    )
    .await;
    assert_eq!(
        img["tags"],
        json!([
            {"name": "cats", "name_safe_html": "cats", "url_key": "cats", "url": "/tag/cats"},
            {"name": "big sky", "name_safe_html": "big sky", "url_key": "big%20sky",
             "url": "/tag/big%20sky"},
            {"name": "sci-fi", "name_safe_html": "sci-fi", "url_key": "sci-fi",
             "url": "/tag/sci-fi"},
            {"name": "<b>", "name_safe_html": "&lt;b&gt;", "url_key": "%3Cb%3E",
             "url": "/tag/%3Cb%3E"},
        ])
    );
    assert_eq!(img["tags_string"], "cats, big sky, sci-fi, <b>");
    let row = row_of(&s, &img).await;
    let mut stored = s.state.db.image_tags(row.id).await.unwrap();
    stored.sort();
    assert_eq!(stored, ["<b>", "big sky", "cats", "sci-fi"]);
    // No tags: an empty list and an empty string.
    let img = upload(&s, &bob, jpeg_form(2)).await;
    assert_eq!(img["tags"], json!([]));
    assert_eq!(img["tags_string"], "");
}

#[tokio::test]
async fn tags_are_ignored_for_guests() {
    let s = common::start_with(|c| {
        c.guest.enabled = true;
        c.guest.key = Some("guest-key".into());
    })
    .await;
    let img = upload(&s, "guest-key", jpeg_form(1).text("tags", "cats,dogs")).await;
    assert_eq!(img["tags"], json!([]));
    assert_eq!(img["tags_string"], "");
    let row = row_of(&s, &img).await;
    assert!(s.state.db.image_tags(row.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn album_must_belong_to_the_key_user() {
    let s = common::start().await;
    let (bob, bob_key) = s.user_key("bob").await;
    let (eve, _) = s.user_key("eve").await;
    let own = s.state.db.create_album(bob, "x").await.unwrap();
    let other = s.state.db.create_album(eve, "y").await.unwrap();
    let img = upload(
        &s,
        &bob_key,
        jpeg_form(1).text("album_id", s.state.ids.encode(own.id as u64)),
    )
    .await;
    assert!(
        img.get("album_id").is_none(),
        "album_id is never in the JSON"
    );
    assert!(img.get("user_id").is_none());
    let row = row_of(&s, &img).await;
    assert_eq!(row.album_id, Some(own.id));
    assert_eq!(row.user_id, Some(bob));
    // Someone else's album, a plain number and garbage are dropped silently.
    for (seed, album) in [
        (2, s.state.ids.encode(other.id as u64)),
        (3, own.id.to_string()),
        (4, "!!!".to_owned()),
        (5, "0".to_owned()),
    ] {
        let img = upload(
            &s,
            &bob_key,
            jpeg_form(seed).text("album_id", album.clone()),
        )
        .await;
        assert_eq!(row_of(&s, &img).await.album_id, None, "{album}");
    }
}

#[tokio::test]
async fn category_id() {
    let s = common::start().await;
    let k = s.admin_key.clone();
    let cat = s
        .state
        .db
        .create_category("Nature", "nature")
        .await
        .unwrap();
    let img = upload(&s, &k, jpeg_form(1).text("category_id", cat.id.to_string())).await;
    assert_eq!(img["category_id"], cat.id);
    assert_eq!(row_of(&s, &img).await.category_id, Some(cat.id));
    for (seed, v) in [(2, "9999"), (3, "abc"), (4, "-1"), (5, "1.5")] {
        let img = upload(&s, &k, jpeg_form(seed).text("category_id", v)).await;
        assert_eq!(img["category_id"], Value::Null, "{v}");
    }
}

#[tokio::test]
async fn width_resizes() {
    let s = common::start().await;
    let k = s.admin_key.clone();
    let form = Form::new()
        .part(
            "source",
            common::file_part(common::jpeg(800, 600), "w.jpg", "image/jpeg"),
        )
        .text("width", "400");
    let img = upload(&s, &k, form).await;
    assert_eq!(img["width"], 400);
    assert_eq!(img["height"], 300);
    assert_eq!(img["image"]["url"], img["url"]);
    let md5 = img["md5"].as_str().unwrap();
    let source_md5 = img["source_md5"].as_str().expect("source_md5 is a string");
    assert_ne!(md5, source_md5);
    // The stored file really is 400 wide.
    let bytes = client()
        .get(img["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let stored = image::load_from_memory(&bytes).unwrap();
    assert_eq!((stored.width(), stored.height()), (400, 300));
    // Not numeric: ignored.
    let form = Form::new()
        .part(
            "source",
            common::file_part(common::jpeg(801, 600), "w.jpg", "image/jpeg"),
        )
        .text("width", "wide");
    let img = upload(&s, &k, form).await;
    assert_eq!(img["width"], 801);
    assert_eq!(img["source_md5"], Value::Null);
}

#[tokio::test]
async fn expiration() {
    let s = common::start().await;
    let k = s.admin_key.clone();
    for (seed, value, secs) in [
        (1, "PT5M", 300),
        (2, "60", 300),
        (3, "garbage", 300),
        (4, "P3D", 3 * 86_400),
        (5, "7200", 7200),
    ] {
        let before = Utc::now().naive_utc();
        let img = upload(&s, &k, jpeg_form(seed).text("expiration", value)).await;
        let after = Utc::now().naive_utc();
        let at = parse(&img["expiration_date_gmt"]);
        let lo = before + chrono::Duration::seconds(secs - 2);
        let hi = after + chrono::Duration::seconds(secs + 2);
        assert!(at >= lo && at <= hi, "{value}: {at} not in {lo}..{hi}");
        assert_eq!(
            row_of(&s, &img).await.expiration_date_gmt.as_deref(),
            img["expiration_date_gmt"].as_str()
        );
    }
    for (seed, value) in [(6, "0"), (7, "")] {
        let img = upload(&s, &k, jpeg_form(seed).text("expiration", value)).await;
        assert_eq!(img["expiration_date_gmt"], Value::Null, "{value:?}");
    }
}

#[tokio::test]
async fn nsfw() {
    let s = common::start().await;
    let k = s.admin_key.clone();
    for (seed, value, want) in [
        (1, Some("1"), 1),
        (2, Some("true"), 0),
        (3, None, 0),
        (4, Some("0"), 0),
    ] {
        let form = match value {
            Some(v) => jpeg_form(seed).text("nsfw", v),
            None => jpeg_form(seed),
        };
        let img = upload(&s, &k, form).await;
        assert_eq!(img["nsfw"], want, "{value:?}");
        assert_eq!(row_of(&s, &img).await.nsfw, want, "{value:?}");
    }
}

/// One TIFF field: tag, type (1 BYTE, 2 ASCII) and its bytes (ASCII values include the NUL).
type Field = (u16, u16, Vec<u8>);

fn ascii(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

/// A big-endian TIFF: IFD0 with `ifd0` (sorted by tag) and, when `exif` is not empty, a pointer
/// to an Exif IFD holding `exif`. Values longer than 4 bytes follow the IFDs.
fn tiff(ifd0: &[Field], exif: &[Field]) -> Vec<u8> {
    let ifd_len = |n: usize| 2 + 12 * n as u32 + 4;
    let n0 = ifd0.len() + usize::from(!exif.is_empty());
    let ifd0_at = 8u32;
    let exif_at = ifd0_at + ifd_len(n0);
    let mut data_at = exif_at
        + if exif.is_empty() {
            0
        } else {
            ifd_len(exif.len())
        };
    let mut data = Vec::new();
    let mut write_ifd = |t: &mut Vec<u8>, fields: &[Field], pointer: Option<u32>| {
        let mut entries: Vec<(u16, u16, u32, [u8; 4])> = Vec::new();
        for (tag, kind, bytes) in fields {
            let mut value = [0u8; 4];
            if bytes.len() <= 4 {
                value[..bytes.len()].copy_from_slice(bytes);
            } else {
                value = data_at.to_be_bytes();
                data.extend_from_slice(bytes);
                data_at += bytes.len() as u32;
            }
            entries.push((*tag, *kind, bytes.len() as u32, value));
        }
        if let Some(at) = pointer {
            // ExifIFDPointer (LONG).
            entries.push((0x8769, 4, 1, at.to_be_bytes()));
        }
        entries.sort_by_key(|e| e.0);
        t.extend_from_slice(&(entries.len() as u16).to_be_bytes());
        for (tag, kind, count, value) in entries {
            t.extend_from_slice(&tag.to_be_bytes());
            t.extend_from_slice(&kind.to_be_bytes());
            t.extend_from_slice(&count.to_be_bytes());
            t.extend_from_slice(&value);
        }
        t.extend_from_slice(&0u32.to_be_bytes());
    };
    let mut t = b"MM\x00\x2a".to_vec();
    t.extend_from_slice(&ifd0_at.to_be_bytes());
    write_ifd(&mut t, ifd0, (!exif.is_empty()).then_some(exif_at));
    if !exif.is_empty() {
        write_ifd(&mut t, exif, None);
    }
    t.extend_from_slice(&data);
    t
}

/// DateTimeOriginal (0x9003) and OffsetTimeOriginal (0x9011) in the Exif IFD.
fn date_fields(date: &str, offset: &str) -> Vec<Field> {
    vec![(0x9003, 2, ascii(date)), (0x9011, 2, ascii(offset))]
}

/// A JPEG with an APP1 Exif segment right after SOI.
fn jpeg_with_tiff(w: u32, h: u32, tiff: &[u8]) -> Vec<u8> {
    let plain = common::jpeg(w, h);
    assert_eq!(&plain[..2], b"\xff\xd8");
    let mut payload = b"Exif\x00\x00".to_vec();
    payload.extend_from_slice(tiff);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(b"\xff\xe1");
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&plain[2..]);
    out
}

fn jpeg_with_exif(w: u32, h: u32, date: &str, offset: &str) -> Vec<u8> {
    jpeg_with_tiff(w, h, &tiff(&[], &date_fields(date, offset)))
}

#[tokio::test]
async fn metadata_title_is_cut_to_100_characters() {
    let s = common::start().await;
    // XPTitle (0x9C9B): UTF-16LE bytes, NUL-terminated.
    let title: String = "Ünïcode title ".repeat(12);
    let mut xp: Vec<u8> = title.encode_utf16().flat_map(u16::to_le_bytes).collect();
    xp.extend_from_slice(&[0, 0]);
    let jpeg = jpeg_with_tiff(330, 220, &tiff(&[(0x9C9B, 1, xp)], &[]));
    let form = Form::new().part("source", common::file_part(jpeg, "x.jpg", "image/jpeg"));
    let img = upload(&s, &s.admin_key, form).await;
    let got = img["title"].as_str().unwrap();
    assert_eq!(got, title.chars().take(100).collect::<String>().trim_end());
    assert!(got.chars().count() <= 100);
}

#[tokio::test]
async fn use_file_date_for_admins() {
    let s = common::start().await;
    let (_, bob) = s.user_key("bob").await;
    let file = |w| {
        Form::new()
            .part(
                "source",
                common::file_part(
                    jpeg_with_exif(w, 240, "2019:05:04 12:00:00", "+02:00"),
                    "exif.jpg",
                    "image/jpeg",
                ),
            )
            .text("use_file_date", "1")
    };
    let img = upload(&s, &s.admin_key, file(320)).await;
    assert_eq!(img["date_gmt"], "2019-05-04 10:00:00");
    assert_eq!(img["date"], "2019-05-04 10:00:00", "site time zone is UTC");
    let url = img["url"].as_str().unwrap();
    assert!(url.contains("/images/2019/05/04/"), "{url}");
    assert!(img["thumb"]["url"]
        .as_str()
        .unwrap()
        .contains("/images/2019/05/04/"));
    assert_eq!(client().get(url).send().await.unwrap().status(), 200);
    // Not an admin: today's date.
    let today_before = Utc::now().date_naive();
    let img = upload(&s, &bob, file(321)).await;
    let today_after = Utc::now().date_naive();
    let d = parse(&img["date_gmt"]).date();
    assert!(d == today_before || d == today_after, "{d}");
    let folder = d.format("/images/%Y/%m/%d/").to_string();
    assert!(img["url"].as_str().unwrap().contains(&folder));
    // An admin without the flag (or with "0"): today's date.
    let form = Form::new()
        .part(
            "source",
            common::file_part(
                jpeg_with_exif(322, 240, "2019:05:04 12:00:00", "+02:00"),
                "exif.jpg",
                "image/jpeg",
            ),
        )
        .text("use_file_date", "0");
    let img = upload(&s, &s.admin_key, form).await;
    let d = parse(&img["date_gmt"]).date();
    assert!(d == today_before || d == Utc::now().date_naive(), "{d}");
}

/// The `X-Upstage-Date-Source` header says which date an upload was filed under.
async fn date_source(s: &common::TestServer, key: &str, form: Form) -> String {
    let r = client()
        .post(s.endpoint())
        .header("X-API-Key", key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.headers()["x-upstage-date-source"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_response_says_which_date_was_used() {
    let s = common::start().await;
    let (_, bob) = s.user_key("bob").await;
    let exif = |w| {
        Form::new()
            .part(
                "source",
                common::file_part(
                    jpeg_with_exif(w, 240, "2019:05:04 12:00:00", "+02:00"),
                    "exif.jpg",
                    "image/jpeg",
                ),
            )
            .text("use_file_date", "1")
    };
    assert_eq!(
        date_source(&s, &s.admin_key, exif(330)).await,
        "DateTimeOriginal"
    );
    assert_eq!(
        date_source(&s, &bob, exif(331)).await,
        "upload",
        "non-admin: ignored"
    );
    let no_exif = jpeg_form(40).text("use_file_date", "1");
    assert_eq!(
        date_source(&s, &s.admin_key, no_exif).await,
        "upload",
        "no usable date: upload date"
    );
}

#[tokio::test]
async fn query_string_parameters_are_read() {
    let s = common::start().await;
    let c = client();
    // `format` from the query string of a multipart POST.
    let r = c
        .post(format!("{}?format=txt&title=From%20query", s.endpoint()))
        .header("X-API-Key", &s.admin_key)
        .multipart(jpeg_form(1))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let url = r.text().await.unwrap();
    assert!(url.starts_with(&format!("{}/images/", s.url)), "{url}");
    assert!(url.ends_with(".jpg"), "{url}");
    // The key from the query string of a GET (it reaches the source check).
    let r = c
        .get(format!("{}?key={}&format=json", s.endpoint(), s.admin_key))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["message"], "Empty upload source");
    // The title from the query string.
    let img = upload_to(
        &format!("{}?title=From%20query", s.endpoint()),
        &s.admin_key,
        jpeg_form(2),
    )
    .await;
    assert_eq!(img["title"], "From query");
}

#[tokio::test]
async fn body_beats_query() {
    let s = common::start().await;
    let img = upload_to(
        &format!("{}?title=Query&format=txt&nsfw=0", s.endpoint()),
        &s.admin_key,
        jpeg_form(1)
            .text("title", "Body")
            .text("format", "json")
            .text("nsfw", "1"),
    )
    .await;
    assert_eq!(img["title"], "Body");
    assert_eq!(img["nsfw"], 1);
    // Urlencoded body too; the key from the body beats a bad one in the query.
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(common::png(90, 60));
    let r = client()
        .post(format!("{}?key=nope&title=Query", s.endpoint()))
        .form(&[
            ("key", s.admin_key.as_str()),
            ("source", &b64),
            ("title", "Body"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["image"]["title"], "Body");
}

#[tokio::test]
async fn trailing_slash_is_not_redirected() {
    let s = common::start().await;
    let url = format!("{}/api/1/upload/", s.url);
    let img = upload_to(&url, &s.admin_key, jpeg_form(1)).await;
    assert_eq!(img["width"], 301);
    let img = upload_to(&format!("{url}?title=Slash"), &s.admin_key, jpeg_form(2)).await;
    assert_eq!(img["title"], "Slash");
    // Extra path segments are ignored, as by the reference's router.
    let img = upload_to(
        &format!("{}/api/1/upload/extra/segments", s.url),
        &s.admin_key,
        jpeg_form(3),
    )
    .await;
    assert_eq!(img["width"], 303);
}

/// Every parameter the endpoint reads, and the `image` keys of the documented example.
const PARAMS: [&str; 14] = [
    "source",
    "key",
    "title",
    "name",
    "description",
    "tags",
    "album_id",
    "category_id",
    "width",
    "expiration",
    "nsfw",
    "format",
    "use_file_date",
    "image",
];

const IMAGE_KEYS: [&str; 58] = [
    "name",
    "extension",
    "size",
    "width",
    "height",
    "date",
    "date_gmt",
    "title",
    "tags",
    "description",
    "nsfw",
    "storage_mode",
    "md5",
    "source_md5",
    "original_filename",
    "original_exifdata",
    "views",
    "category_id",
    "chain",
    "thumb_size",
    "medium_size",
    "frame_size",
    "expiration_date_gmt",
    "likes",
    "is_animated",
    "is_approved",
    "is_360",
    "duration",
    "type",
    "tags_string",
    "file",
    "id_encoded",
    "filename",
    "mime",
    "url",
    "ratio",
    "size_formatted",
    "frame",
    "image",
    "thumb",
    "url_frame",
    "medium",
    "duration_time",
    "url_viewer",
    "path_viewer",
    "url_short",
    "display_url",
    "display_width",
    "display_height",
    "views_label",
    "likes_label",
    "how_long_ago",
    "date_fixed_peer",
    "title_truncated",
    "title_truncated_html",
    "is_use_loader",
    "display_title",
    "delete_url",
];

/// Follows a local `$ref` (`#/components/...`).
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling $ref {r}")),
        None => v,
    }
}

#[tokio::test]
async fn openapi_document() {
    let s = common::start().await;
    let r = client()
        .get(format!("{}/api/1/openapi.json", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let doc: Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["info"]["title"].is_string());
    assert!(doc["info"]["version"].is_string());
    let path = &doc["paths"]["/api/1/upload"];
    assert!(path.is_object(), "paths./api/1/upload");
    // The X-API-Key header scheme, used by the operations (with the key parameter as the other
    // way to authenticate).
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert!(schemes
        .values()
        .any(|s| s["type"] == "apiKey" && s["in"] == "header" && s["name"] == "X-API-Key"));
    for method in ["get", "post"] {
        let op = &path[method];
        assert!(op.is_object(), "{method}");
        assert!(op["security"].is_array(), "{method}: security");
        let ok = resolve(&doc, &op["responses"]["200"]);
        let bad = resolve(&doc, &op["responses"]["400"]);
        assert!(ok["content"]["application/json"]["schema"].is_object());
        assert!(bad["content"]["application/json"]["schema"].is_object());
    }
    // GET takes every parameter from the query string.
    let get_params: Vec<String> = path["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| resolve(&doc, p)["name"].as_str().unwrap().to_owned())
        .collect();
    for p in PARAMS {
        assert!(get_params.iter().any(|g| g == p), "GET parameter {p}");
    }
    // POST: multipart and urlencoded bodies with every parameter; `source` as binary or text.
    let body = resolve(&doc, &path["post"]["requestBody"]);
    for ct in ["multipart/form-data", "application/x-www-form-urlencoded"] {
        let schema = resolve(&doc, &body["content"][ct]["schema"]);
        let props = schema["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{ct}"));
        for p in PARAMS {
            assert!(props.contains_key(p), "{ct}: {p}");
        }
    }
    let multipart = resolve(&doc, &body["content"]["multipart/form-data"]["schema"]);
    let source = resolve(&doc, &multipart["properties"]["source"]);
    let kinds: Vec<String> = source["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|alt| {
            let alt = resolve(&doc, alt);
            [&alt["format"], &alt["contentEncoding"]]
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    assert!(kinds.iter().any(|k| k.contains("binary")), "{kinds:?}");
    assert!(kinds.iter().any(|k| k.contains("base64")), "{kinds:?}");
    assert!(kinds.iter().any(|k| k == "uri"), "{kinds:?}");
    // The success schema has every key of the documented example; the error schema its shape.
    let ok = resolve(&doc, &path["post"]["responses"]["200"]);
    let ok_schema = resolve(&doc, &ok["content"]["application/json"]["schema"]);
    let ok_schema = ok_schema["oneOf"].as_array().map_or(ok_schema, |alts| {
        alts.iter()
            .map(|a| resolve(&doc, a))
            .find(|a| a["properties"].get("image").is_some())
            .expect("a schema with `image`")
    });
    assert!(ok["content"]["text/plain"].is_object(), "format=txt");
    let image = resolve(&doc, &ok_schema["properties"]["image"]);
    let image_props = image["properties"].as_object().unwrap();
    for k in IMAGE_KEYS {
        assert!(image_props.contains_key(k), "image.{k}");
    }
    for k in ["status_code", "success", "image", "status_txt"] {
        assert!(ok_schema["properties"].get(k).is_some(), "{k}");
    }
    let bad = resolve(&doc, &path["post"]["responses"]["400"]);
    let err_schema = resolve(&doc, &bad["content"]["application/json"]["schema"]);
    let err = resolve(&doc, &err_schema["properties"]["error"]);
    assert!(err["properties"]["message"].is_object());
    assert!(err["properties"]["code"].is_object());
    // Every $ref resolves.
    fn walk(doc: &Value, v: &Value) {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                    assert!(
                        doc.pointer(r.trim_start_matches('#')).is_some(),
                        "dangling $ref {r}"
                    );
                }
                m.values().for_each(|x| walk(doc, x));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(doc, x)),
            _ => {}
        }
    }
    walk(&doc, &doc);
}
