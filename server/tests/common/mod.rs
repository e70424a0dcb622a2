//! A real `upstage serve` on a free loopback port, with its own data dir and database.
#![allow(dead_code)]

pub mod request;
pub mod stack;
pub mod table;

use std::io::Cursor;

use image::{ImageFormat, RgbImage};
use upstage_core::{Limits, Pipeline, StageSpec};
use upstage_server::{ServeOptions, ServerConfig, Shared};

pub struct TestServer {
    pub url: String,
    pub admin_key: String,
    pub state: Shared,
    pub dir: tempfile::TempDir,
    /// The bucket, when the server stores its files in S3.
    pub s3: Option<std::sync::Arc<upstage_storage_s3::S3Storage>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub fn pipeline(limits: Limits) -> Pipeline {
    pipeline_with(limits, serde_json::Value::Null)
}

/// The default pipeline with a given config for the `frame` stage.
pub fn pipeline_with(limits: Limits, frame: serde_json::Value) -> Pipeline {
    let r = upstage_builtins::registry().unwrap();
    let mut specs = upstage_builtins::DEFAULT_PIPELINE.map(StageSpec::named);
    for spec in specs.iter_mut().filter(|s| s.name == "frame") {
        spec.config = frame.clone();
    }
    let stages = r.build(&specs).unwrap();
    Pipeline::new(stages, limits)
}

pub async fn start() -> TestServer {
    start_with(|_| {}).await
}

/// Start with a given `frame` stage configuration (e.g. a missing ffmpeg).
pub async fn start_with_pipeline(frame: impl FnOnce() -> serde_json::Value) -> TestServer {
    start_inner(|_| {}, pipeline_with(Limits::default(), frame())).await
}

/// Start with a configuration tweak (e.g. guest keys, URL uploads).
pub async fn start_with(tweak: impl FnOnce(&mut ServerConfig)) -> TestServer {
    start_inner(tweak, pipeline(Limits::default())).await
}

/// Start with a given pipeline and storage backend (e.g. plugin stages and a plugin store).
pub async fn start_with_parts(
    pipeline: Pipeline,
    storage: std::sync::Arc<dyn upstage_storage::Storage>,
) -> TestServer {
    start_on(None, |_| {}, pipeline, Some(storage)).await
}

async fn start_inner(tweak: impl FnOnce(&mut ServerConfig), pipeline: Pipeline) -> TestServer {
    let shared = if stack::wanted_from_env() {
        Some(
            stack::pg_s3()
                .await
                .expect("UPSTAGE_TEST_STACK=pg-s3 cannot skip PostgreSQL or S3"),
        )
    } else {
        None
    };
    start_on(shared.as_ref(), tweak, pipeline, None).await
}

/// Start on SQLite + local disk (`None`) or on a PostgreSQL database and S3 bucket that other
/// instances may share: several of these make a scaled-out site.
pub async fn start_with_backend(
    shared: Option<&stack::PgS3>,
    tweak: impl FnOnce(&mut ServerConfig),
) -> TestServer {
    start_on(shared, tweak, pipeline(Limits::default()), None).await
}

async fn start_on(
    shared: Option<&stack::PgS3>,
    tweak: impl FnOnce(&mut ServerConfig),
    pipeline: Pipeline,
    storage: Option<std::sync::Arc<dyn upstage_storage::Storage>>,
) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: shared.map(|s| s.database_url.clone()),
        ..ServerConfig::default()
    };
    cfg.processing.workers = 2;
    tweak(&mut cfg);
    let s3 = shared.map(|s| stack::s3_storage(&s.s3));
    let storage: std::sync::Arc<dyn upstage_storage::Storage> = match (storage, &s3) {
        (Some(given), _) => given,
        (None, Some(s3)) => s3.clone(),
        (None, None) => {
            std::sync::Arc::new(upstage_storage_local::LocalStorage::new(dir.path()).unwrap())
        }
    };
    let listener = upstage_server::bind(cfg.listen).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let opts = ServeOptions {
        cfg,
        data_dir: dir.path().to_path_buf(),
        pipeline,
        storage_mode: upstage_storage::StorageMode::Datefolder,
        storage,
        medium_size: 750,
        thumb_size: (320, 320),
    };
    let state = upstage_server::build_state(opts, addr).await.unwrap();
    // Instances sharing a database share its first admin; only the first start creates one.
    let admin_key = match upstage_server::ensure_admin(&state).await.unwrap() {
        Some(key) => key,
        None => {
            let admin = state
                .db
                .create_user(&format!("admin-{}", addr.port()), true)
                .await
                .unwrap();
            upstage_server::auth::create_key(&state.db, &state.ids, admin.id, "test")
                .await
                .unwrap()
        }
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let s = state.clone();
    tokio::spawn(async move {
        upstage_server::serve(s, listener, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    TestServer {
        url: format!("http://{addr}"),
        admin_key,
        state,
        dir,
        s3,
        shutdown: Some(tx),
    }
}

impl TestServer {
    /// A non-admin user with a key.
    pub async fn user_key(&self, name: &str) -> (i64, String) {
        let u = self.state.db.create_user(name, false).await.unwrap();
        let key = upstage_server::auth::create_key(&self.state.db, &self.state.ids, u.id, "test")
            .await
            .unwrap();
        (u.id, key)
    }

    /// Every stored file's key (`images/…`), on disk or in the bucket.
    pub fn stored_keys(&self) -> Vec<String> {
        stack::stored_keys(self.s3.as_deref(), self.dir.path())
    }

    pub fn endpoint(&self) -> String {
        format!("{}/api/1/upload", self.url)
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The bytes `url` serves, which must answer 200.
pub async fn fetch(url: &str) -> Vec<u8> {
    let r = client().get(url).send().await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
    r.bytes().await.unwrap().to_vec()
}

pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    encode(
        &RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x * y) % 239) as u8])
        }),
        ImageFormat::Jpeg,
    )
}

pub fn png(w: u32, h: u32) -> Vec<u8> {
    encode(
        &RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        }),
        ImageFormat::Png,
    )
}

pub fn encode(img: &RgbImage, f: ImageFormat) -> Vec<u8> {
    let mut c = Cursor::new(Vec::new());
    img.write_to(&mut c, f).unwrap();
    c.into_inner()
}

pub fn file_part(bytes: Vec<u8>, name: &str, mime: &str) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(mime)
        .unwrap()
}

/// The request most tests make: one file as `source`, text fields, the key in `X-API-Key`.
pub async fn post_file(
    endpoint: &str,
    key: &str,
    part: reqwest::multipart::Part,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().part("source", part);
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    client()
        .post(endpoint)
        .header("X-API-Key", key)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The documented example upload response (a video), kept as a fixture: the key set, key order and
/// JSON types the endpoint must answer with (docs/compatibility.md).
pub const EXAMPLE_RESPONSE: &str = include_str!("../fixtures/upload-response.json");

/// The `image` object of the example response.
pub fn example_image() -> serde_json::Value {
    let v: serde_json::Value =
        serde_json::from_str(EXAMPLE_RESPONSE).expect("the example fixture parses");
    v["image"].clone()
}

/// The keys of the object at `path` (object keys from the root) of a JSON text, in the order the
/// text has them: `serde_json::Value` sorts keys, and clients that index by position need ours.
pub fn keys_in_order(json: &str, path: &[&str]) -> Vec<String> {
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
    struct Keys<'a>(&'a [&'a str]);
    impl<'de> DeserializeSeed<'de> for Keys<'_> {
        type Value = Vec<String>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<String>, D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> Visitor<'de> for Keys<'_> {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
            let mut keys = Vec::new();
            let mut found = None;
            while let Some(k) = map.next_key::<String>()? {
                match self.0.split_first() {
                    Some((first, rest)) if *first == k => {
                        found = Some(map.next_value_seed(Keys(rest))?);
                    }
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                keys.push(k);
            }
            Ok(if self.0.is_empty() {
                keys
            } else {
                found.unwrap_or_default()
            })
        }
    }
    let mut de = serde_json::Deserializer::from_str(json);
    Keys(path).deserialize(&mut de).expect("a JSON object")
}
