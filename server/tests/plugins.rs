//! Plugins loaded as real libraries behind the real server: the cas-store backend holds the
//! files, the watermark stage marks them, and a misbehaving stage fails or crashes items without
//! taking the server down.

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
    let entry = |config_json: String| AllowEntry {
        enabled: true,
        config_json,
    };
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
    let part = common::file_part(bytes, name, "image/png");
    let r = common::post_file(&s.endpoint(), &s.admin_key, part, &[]).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
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

    // A stage error fails that item only, with the plugin's message.
    let (status, body) = upload(s, common::png(64, 64), "please-fail.png").await;
    assert_eq!(status, 500, "{body}");
    let msg = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("deliberate failure on please-fail.png"),
        "{body}"
    );
    let (status, _) = upload(s, common::png(300, 200), "afterwards.png").await;
    assert_eq!(status, 200, "a failed item does not disable the plugin");

    // A panic fails its item with a clear error; the server keeps serving.
    let (status, body) = upload(s, common::png(64, 64), "panic.png").await;
    assert_eq!(status, 500, "{body}");
    let msg = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("panicked") && msg.contains("deliberate panic"),
        "{body}"
    );
    assert_eq!(fetch(img["image"]["url"].as_str().unwrap()).await, main);
    // The crashed instance is retired and the next upload runs on a fresh one.
    let (status, body) = upload(s, common::png(64, 64), "next.png").await;
    assert_eq!(status, 200, "{body}");
}
