//! Fuzzing the upload endpoint's body parsing — multipart (boundaries, part headers, file names in
//! UTF-8, Latin-1 and `filename*`), urlencoded, base64 sources, and the parameters read from them —
//! with mutated real requests sent in-process to the real router (SQLite, local storage, the
//! default pipeline). Whatever the body, the server must answer (no panic, no 5xx) in the Chevereto
//! shape, and no temporary file may outlive the request.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use base64::Engine;
use tower::ServiceExt;
use upstage_fuzz::{fuzz, regression_seeds, repo_seeds, Seed, Verdict};
use upstage_server::{ServeOptions, ServerConfig, Shared};

const BOUNDARY: &str = "----upstagefuzz7MA4YWxkTrZu0gW";

struct Site {
    rt: tokio::runtime::Runtime,
    state: Shared,
    key: String,
    _dir: tempfile::TempDir,
}

fn site() -> Site {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let (state, key) = rt.block_on(async {
        let mut cfg = ServerConfig::default();
        cfg.processing.workers = 1;
        let registry = upstage_builtins::registry().expect("built-in stages");
        let specs = upstage_builtins::DEFAULT_PIPELINE.map(upstage_core::StageSpec::named);
        let pipeline = upstage_core::Pipeline::new(
            registry.build(&specs).expect("default pipeline"),
            upstage_core::Limits::default(),
        );
        let opts = ServeOptions {
            cfg,
            data_dir: dir.path().to_path_buf(),
            pipeline,
            storage_mode: upstage_storage::StorageMode::Datefolder,
            storage: Arc::new(
                upstage_storage_local::LocalStorage::new(dir.path()).expect("local storage"),
            ),
            medium_size: 750,
            thumb_size: (320, 320),
        };
        let state = upstage_server::build_state(opts, "127.0.0.1:80".parse().unwrap())
            .await
            .expect("server state");
        let key = upstage_server::ensure_admin(&state).await.unwrap().unwrap();
        (state, key)
    });
    Site {
        rt,
        state,
        key,
        _dir: dir,
    }
}

/// A multipart body of `(headers, content)` parts; header bytes need not be UTF-8.
fn multipart(parts: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut b = Vec::new();
    for (headers, content) in parts {
        b.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        b.extend_from_slice(headers);
        b.extend_from_slice(b"\r\n\r\n");
        b.extend_from_slice(content);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

fn field(name: &str, value: &str) -> (Vec<u8>, Vec<u8>) {
    let h = format!("Content-Disposition: form-data; name=\"{name}\"");
    (h.into_bytes(), value.as_bytes().to_vec())
}

fn file(name_param: &[u8], mime: &str, bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut h = b"Content-Disposition: form-data; name=\"source\"; ".to_vec();
    h.extend_from_slice(name_param);
    h.extend_from_slice(format!("\r\nContent-Type: {mime}").as_bytes());
    (h, bytes.to_vec())
}

/// Real requests: the way ShareX, curl and browsers send uploads, each with a real image.
fn multipart_seeds(key: &str) -> Vec<Seed> {
    let samples = repo_seeds(&["samples/bouncing.gif", "samples/diagram.png"]);
    let (gif, png) = (&samples[0].bytes, &samples[1].bytes);
    let b64 = base64::engine::general_purpose::STANDARD.encode(gif);
    let seeds = [
        (
            "file-with-fields",
            multipart(&[
                field("key", key),
                file(b"filename=\"bouncing.gif\"", "image/gif", gif),
                field("title", "Bouncing ball"),
                field("expiration", "PT15M"),
                field("tags", "ball,anim"),
                field("format", "json"),
            ]),
        ),
        (
            "latin1-and-rfc5987-names",
            multipart(&[
                file(b"filename=\"caf\xe9.png\"", "image/png", png),
                field("key", key),
                file(b"filename*=UTF-8''caf%C3%A9.gif", "image/gif", gif),
            ]),
        ),
        (
            "base64-field",
            multipart(&[
                field("source", &b64),
                field("key", key),
                field("format", "txt"),
            ]),
        ),
        (
            "no-key",
            multipart(&[file(b"filename=\"a.gif\"", "image/gif", gif)]),
        ),
    ];
    let mut out: Vec<Seed> = seeds
        .into_iter()
        .map(|(name, body)| Seed::new(name, body))
        .collect();
    out.extend(regression_seeds(
        &upstage_testenv::package_dir(),
        "multipart",
    ));
    out
}

fn urlencoded_seeds(key: &str) -> Vec<Seed> {
    let gif = &repo_seeds(&["samples/bouncing.gif"])[0].bytes;
    let b64 = base64::engine::general_purpose::STANDARD.encode(gif);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("key", key)
        .append_pair("source", &b64)
        .append_pair("title", "caf\u{e9} & co")
        .append_pair("expiration", "P1DT2H")
        .finish();
    let mut out = vec![Seed::new("base64-urlencoded", body.into_bytes())];
    out.extend(regression_seeds(
        &upstage_testenv::package_dir(),
        "urlencoded",
    ));
    out
}

/// The answer's status, whether it is JSON, and its body.
fn send(site: &Site, content_type: &str, body: &[u8]) -> (StatusCode, bool, Vec<u8>) {
    let req = Request::post("/api/1/upload")
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_vec()))
        .expect("a request");
    let router = upstage_server::router(site.state.clone());
    site.rt.block_on(async {
        let resp = router.oneshot(req).await.expect("the router is infallible");
        let status = resp.status();
        let json = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        let body = axum::body::to_bytes(resp.into_body(), 1 << 24).await;
        (status, json, body.map(|b| b.to_vec()).unwrap_or_default())
    })
}

fn post(site: &Site, content_type: &str, body: &[u8]) -> Verdict {
    let (status, json, text) = send(site, content_type, body);
    if status.is_server_error() {
        return Err(format!("{status}: {}", String::from_utf8_lossy(&text)));
    }
    if json {
        let v: serde_json::Value = serde_json::from_slice(&text).map_err(|e| e.to_string())?;
        let shaped = v["status_code"] == status.as_u16()
            && if status == StatusCode::OK {
                v["image"].is_object() || v["data"].is_object()
            } else {
                v["error"]["message"].is_string() && v["error"]["code"].is_number()
            };
        if !shaped {
            return Err(format!("{status} with {v}"));
        }
    }
    let left: Vec<_> = std::fs::read_dir(&site.state.temp_dir)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .collect();
    if !left.is_empty() {
        return Err(format!("temporary files left behind: {left:?}"));
    }
    Ok(())
}

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// The seeds are real, working requests: each is stored (or refused for its missing key), so
/// the mutants start from the whole upload path.
#[test]
fn seeds_are_answered_as_real_requests() {
    let site = site();
    let mut seeds: Vec<(Seed, String)> = multipart_seeds(&site.key)
        .into_iter()
        .map(|s| (s, multipart_type()))
        .collect();
    let form = "application/x-www-form-urlencoded".to_owned();
    seeds.extend(
        urlencoded_seeds(&site.key)
            .into_iter()
            .map(|s| (s, form.clone())),
    );
    for (seed, content_type) in seeds.iter().filter(|(s, _)| !s.name.contains('/')) {
        let (status, _, body) = send(&site, content_type, &seed.bytes);
        let body = String::from_utf8_lossy(&body);
        if seed.name == "no-key" {
            assert!(body.contains("No key provided"), "{}: {body}", seed.name);
            continue;
        }
        assert_eq!(status, StatusCode::OK, "{}: {body}", seed.name);
        if seed.name == "latin1-and-rfc5987-names" {
            // The last `source` part wins; its name is only given as `filename*`.
            assert!(
                body.contains("\"original_filename\":\"caf\u{e9}.gif\""),
                "{body}"
            );
        }
    }
}

#[test]
fn multipart_bodies() {
    let site = site();
    let content_type = multipart_type();
    fuzz("multipart", &multipart_seeds(&site.key), 4, 150, |body| {
        post(&site, &content_type, body)
    });
}

#[test]
fn urlencoded_bodies() {
    let site = site();
    fuzz("urlencoded", &urlencoded_seeds(&site.key), 4, 100, |body| {
        post(&site, "application/x-www-form-urlencoded", body)
    });
}
