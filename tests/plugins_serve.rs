//! The real `upstage serve` with real plugin libraries, real files and real signals: the
//! libraries it loaded are overwritten in place (as `cp` does) while it runs, and it keeps
//! serving; a panicking plugin's message goes to the log with the request id while the client
//! gets only that id; SIGINT stops it cleanly.

mod common;

#[path = "../plugins/host/tests/support/dylibs.rs"]
mod dylibs;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use image::{ImageFormat, RgbImage};
use serde_json::Value;

/// The server, killed if the test fails before it stops it.
struct Server {
    child: Child,
    url: String,
    key: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(config: &Path, log: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_upstage"))
        .args(["--config", config.to_str().unwrap()])
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("UPSTAGE_CONFIG")
        .env_remove("UPSTAGE_PLUGIN_PATH")
        .env_remove("UPSTAGE_DATA_DIR")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("start upstage serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut key, mut url) = (String::new(), String::new());
    // Blocking reads: a server that dies closes stdout and ends the loop.
    for line in lines.by_ref().map_while(Result::ok) {
        if let Some(k) = line.split_whitespace().find(|w| w.starts_with("chv_")) {
            key = k.to_owned();
        }
        if let Some(rest) = line.strip_prefix("Upstage listening on ") {
            url = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
            break;
        }
    }
    assert!(
        !url.is_empty() && !key.is_empty(),
        "serve did not start: {}",
        read(log)
    );
    // Keep reading, so the server never writes into a closed pipe.
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
    Server { child, url, key }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

fn png(seed: u32) -> Vec<u8> {
    common::encode(
        &RgbImage::from_fn(320, 200, |x, y| image::Rgb([(x + seed) as u8, y as u8, 80])),
        ImageFormat::Png,
    )
}

/// Upload; returns status, JSON body and the request id.
async fn upload(s: &Server, name: &str, bytes: Vec<u8>) -> (u16, Value, String) {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str("image/png")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("source", part);
    let r = reqwest::Client::new()
        .post(format!("{}/api/1/upload", s.url))
        .header("X-API-Key", &s.key)
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{name}: the server is gone: {e}"));
    let status = r.status().as_u16();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    (status, body, id)
}

async fn upload_ok(s: &Server, name: &str, seed: u32) {
    let (status, body, _) = upload(s, name, png(seed)).await;
    assert_eq!(status, 200, "{name}: {body}");
    assert_eq!(body["image"]["title"], misbehave::CHECKED, "{name}: {body}");
    let url = body["image"]["image"]["url"].as_str().unwrap();
    let r = reqwest::get(url).await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
}

#[cfg(unix)]
fn inode(p: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap())
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn overwriting_loaded_libraries_under_a_running_server_keeps_it_serving() {
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("data/plugins");
    let files = dylibs::install(&plugins, &["watermark", "misbehave"]);
    let config = dir.path().join("upstage.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = {:?}\npipeline = [\"exif\", \"misbehave\", \"watermark\", \"resize\", \
             \"thumbnail\"]\n[plugins.watermark]\n[plugins.misbehave]\n",
            dir.path().join("data")
        ),
    )
    .unwrap();
    let log = dir.path().join("serve.log");
    let server = start(&config, &log);
    upload_ok(&server, "before.png", 1).await;

    // Each file rewritten in place with a different library, as `cp new.so plugins/` does.
    let before: Vec<u64> = files.iter().map(|f| inode(f)).collect();
    std::fs::copy(dylibs::example("misbehave"), &files[0]).unwrap();
    std::fs::copy(dylibs::example("watermark"), &files[1]).unwrap();
    let after: Vec<u64> = files.iter().map(|f| inode(f)).collect();
    assert_eq!(before, after, "the same files, new content");

    for n in 0..4 {
        upload_ok(&server, &format!("after-{n}.png"), n + 2).await;
    }

    // A panic: the client learns only the request id; the log has the id and the message.
    let (status, body, id) = upload(&server, "panic.png", png(9)).await;
    assert_eq!(status, 500, "{body}");
    let want = format!("Processing failed in stage 'misbehave' (request id {id})");
    assert_eq!(body["error"]["message"], want.as_str(), "{body}");
    assert!(!body.to_string().contains("deliberate"), "{body}");
    upload_ok(&server, "afterwards.png", 11).await;

    let mut server = server;
    let pid = server.child.id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(sent.success());
    let exit = server.child.wait().unwrap();
    assert!(
        exit.success(),
        "SIGINT stops it cleanly: {exit:?}\n{}",
        read(&log)
    );
    let text = read(&log);
    let line = text
        .lines()
        .find(|l| l.contains(&id))
        .unwrap_or_else(|| panic!("request id {id} not in the log:\n{text}"));
    assert!(line.contains("deliberate panic on panic.png"), "{line}");
}
