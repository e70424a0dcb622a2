//! Plugins loaded as real libraries behind the real server: the cas-store backend holds the
//! files (served with ranges from the plugin's own ranged reads), the watermark stage marks
//! them, and a misbehaving stage fails or crashes items without taking the server down or
//! telling the client its internals.

mod common;

#[path = "../../plugins/host/tests/support/dylibs.rs"]
mod dylibs;

use std::sync::Arc;

use serde_json::Value;
use sha2::{Digest, Sha256};
use upstage_core::{Limits, Pipeline, StageSpec};
use upstage_plugin_host::{AllowEntry, AllowList, Catalog, ScanMode, SearchPath};

struct Plugged {
    server: common::TestServer,
    store_root: tempfile::TempDir,
    _plugins: tempfile::TempDir,
}

async fn start() -> Plugged {
    let plugins = tempfile::tempdir().unwrap();
    dylibs::install(plugins.path(), &["cas_store", "watermark", "misbehave"]);
    let store_root = tempfile::tempdir().unwrap();
    let mut allow = AllowList::new();
    let entry = AllowEntry::enabled;
    allow.insert(
        "cas-store".into(),
        entry(serde_json::json!({"root": store_root.path()}).to_string()),
    );
    allow.insert("watermark".into(), entry("null".into()));
    allow.insert("misbehave".into(), entry("{}".into()));
    let search = SearchPath::new(&[plugins.path().to_path_buf()], None, plugins.path());
    let catalog = Catalog::scan(&search, &allow, ScanMode::Enabled);
    let mut registry = upstage_builtins::registry().unwrap();
    catalog.register_stages(&mut registry).unwrap();
    let specs = [
        "exif",
        "misbehave",
        "watermark",
        "resize",
        "medium",
        "thumbnail",
    ]
    .map(StageSpec::named);
    let pipeline = Pipeline::new(registry.build(&specs).unwrap(), Limits::default());
    let storage = Arc::new(catalog.storage("cas-store").unwrap());
    Plugged {
        server: common::start_with_parts(pipeline, storage).await,
        store_root,
        _plugins: plugins,
    }
}

async fn upload(s: &common::TestServer, bytes: Vec<u8>, name: &str) -> (u16, Value) {
    let (status, body, _) = upload_with_id(s, bytes, name).await;
    (status, body)
}

/// Also the request id the server gave the request (`X-Request-Id`).
async fn upload_with_id(
    s: &common::TestServer,
    bytes: Vec<u8>,
    name: &str,
) -> (u16, Value, String) {
    let part = common::file_part(bytes, name, "image/png");
    let r = common::post_file(&s.endpoint(), &s.admin_key, part, &[]).await;
    let status = r.status().as_u16();
    let id = r
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, r.json().await.unwrap(), id)
}

/// What a failing stage's client sees: the error shape, a generic message with the request id,
/// nothing of the plugin's own text.
fn assert_generic_500(body: &Value, id: &str, leaked: &str) {
    assert_eq!(body["status_code"], 500, "{body}");
    assert_eq!(body["error"]["code"], 500, "{body}");
    assert_eq!(body["status_txt"], "Internal Server Error", "{body}");
    let msg = body["error"]["message"].as_str().unwrap_or_default();
    assert!(!id.is_empty(), "every response has a request id");
    assert_eq!(
        msg,
        format!("Processing failed in stage 'misbehave' (request id {id})"),
        "{body}"
    );
    assert!(!body.to_string().contains(leaked), "{body}");
}

async fn fetch(url: &str) -> Vec<u8> {
    let r = common::client().get(url).send().await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
    r.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn uploads_are_watermarked_and_stored_by_plugins_and_crashes_stay_contained() {
    let p = start().await;
    let s = &p.server;

    // A PNG is re-encoded losslessly, so the stored main file can be checked pixel by pixel.
    let png = common::png(900, 600);
    let (status, body) = upload(s, png.clone(), "beach.png").await;
    assert_eq!(status, 200, "{body}");
    let img = &body["image"];
    let main = fetch(img["image"]["url"].as_str().unwrap()).await;
    let mut want = image::load_from_memory(&png).unwrap().to_rgba8();
    assert!(watermark::draw(
        &mut want,
        900,
        600,
        &watermark::Options::default()
    ));
    let got = image::load_from_memory(&main).unwrap().to_rgba8();
    assert_eq!(got.dimensions(), (900, 600));
    assert!(
        got.as_raw() == want.as_raw(),
        "stored main file is the watermarked image"
    );

    // Every file the response points at is a blob at its sha256 address in the plugin's store.
    for key in ["image", "thumb", "medium"] {
        let bytes = fetch(img[key]["url"].as_str().unwrap()).await;
        let h = hex::encode(Sha256::digest(&bytes));
        let blob = p.store_root.path().join(cas_store::object_path(&h));
        assert_eq!(
            std::fs::read(&blob).unwrap(),
            bytes,
            "{key} in the cas store"
        );
    }

    // A stage error fails that item only; its text is for the log, not the client.
    let (status, body, id) = upload_with_id(s, common::png(64, 64), "please-fail.png").await;
    assert_eq!(status, 500, "{body}");
    assert_generic_500(&body, &id, "deliberate failure");
    let (status, _) = upload(s, common::png(300, 200), "afterwards.png").await;
    assert_eq!(status, 200, "a failed item does not disable the plugin");

    // A panic fails its item with the same generic answer; the server keeps serving.
    let (status, body, id) = upload_with_id(s, common::png(64, 64), "panic.png").await;
    assert_eq!(status, 500, "{body}");
    assert_generic_500(&body, &id, "deliberate panic");
    assert_eq!(fetch(img["image"]["url"].as_str().unwrap()).await, main);
    // The crashed instance is retired and the next upload runs on a fresh one.
    let (status, body) = upload(s, common::png(64, 64), "next.png").await;
    assert_eq!(status, 200, "{body}");
}

/// Files in a plugin backend are served from its size and ranged reads: `Range` gets 206 with
/// exactly those bytes, a range past the end 416, `HEAD` the headers alone.
#[tokio::test]
async fn files_in_a_plugin_store_answer_ranges() {
    let p = start().await;
    let png = common::png(640, 480);
    let (status, body) = upload(&p.server, png, "ranges.png").await;
    assert_eq!(status, 200, "{body}");
    let url = body["image"]["image"]["url"].as_str().unwrap().to_owned();
    let whole = fetch(&url).await;
    let n = whole.len();
    assert!(n > 2000, "{n}");
    let get = |range: String| {
        let url = url.clone();
        async move {
            common::client()
                .get(&url)
                .header("range", range)
                .send()
                .await
                .unwrap()
        }
    };
    let cases = [
        ("bytes=0-99".to_string(), 0..100),
        ("bytes=1000-".to_string(), 1000..n),
        ("bytes=-10".to_string(), n - 10..n),
        (format!("bytes=5-{}", n + 500), 5..n),
    ];
    for (range, want) in cases {
        let r = get(range.clone()).await;
        assert_eq!(r.status(), 206, "{range}");
        let cr = format!("bytes {}-{}/{n}", want.start, want.end - 1);
        assert_eq!(r.headers()["content-range"], cr.as_str(), "{range}");
        assert_eq!(r.bytes().await.unwrap().to_vec(), whole[want], "{range}");
    }
    // Several ranges, or a range of a stale copy, get the whole file; our own tag keeps it.
    let etag = common::client().head(&url).send().await.unwrap().headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let date = "Tue, 14 Nov 2023 22:13:20 GMT".to_owned();
    for (headers, status) in [
        (vec![("range", "bytes=0-1,5-6".to_owned())], 200),
        (
            vec![("range", "bytes=0-9".into()), ("if-range", etag.clone())],
            206,
        ),
        (
            vec![
                ("range", "bytes=0-9".into()),
                ("if-range", "\"old\"".into()),
            ],
            200,
        ),
        // The store reports no dates, so no date can prove the copy current.
        (vec![("range", "bytes=0-9".into()), ("if-range", date)], 200),
    ] {
        let mut req = common::client().get(&url);
        for (k, v) in &headers {
            req = req.header(*k, v);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), status, "{headers:?}");
        assert!(r.headers().get("last-modified").is_none());
        let body = r.bytes().await.unwrap();
        let want = if status == 206 {
            &whole[..10]
        } else {
            &whole[..]
        };
        assert!(body[..] == *want, "{headers:?}");
    }
    let r = get(format!("bytes={n}-")).await;
    assert_eq!(r.status(), 416);
    assert_eq!(
        r.headers()["content-range"],
        format!("bytes */{n}").as_str()
    );
    let r = common::client().get(&url).send().await.unwrap();
    assert_eq!(r.headers()["accept-ranges"], "bytes");
    let r = common::client().head(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-length"], n.to_string().as_str());
}
