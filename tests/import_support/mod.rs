//! Helpers for the `upstage import` end-to-end tests: photos with real EXIF written by
//! `exiftool`, the binary run in a temp dir, JSON lines parsed.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_upstage");

/// Fails the test with a clear message when exiftool is missing.
pub fn require_exiftool() {
    let ok = Command::new("exiftool")
        .arg("-ver")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "these tests need exiftool to write real EXIF: install it (Debian/Ubuntu: \
         apt-get install libimage-exiftool-perl; scripts/test does this in CI)"
    );
}

/// Run exiftool with `args` on `file`.
pub fn exiftool(file: &Path, args: &[&str]) {
    let out = Command::new("exiftool")
        .arg("-overwrite_original")
        .args(args)
        .arg(file)
        .output()
        .expect("running exiftool");
    assert!(
        out.status.success(),
        "exiftool {args:?} {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A small image whose pixels depend on `seed` (so every file has distinct content), in the
/// format of `path`'s extension.
pub fn make_image(path: &Path, seed: u32, w: u32, h: u32) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let v = x
            .wrapping_mul(7)
            .wrapping_add(y.wrapping_mul(13))
            .wrapping_add(seed * 31);
        image::Rgb([
            (v % 251) as u8,
            ((v / 3 + seed) % 241) as u8,
            ((x ^ y ^ seed) % 239) as u8,
        ])
    });
    img.save(path).expect("writing a test image");
}

pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn data(&self) -> PathBuf {
        self.root().join("data")
    }

    /// The binary, in the temp dir, with its own data dir and HOME.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(BIN);
        c.current_dir(self.root())
            .env("UPSTAGE_DATA_DIR", self.data())
            .env("HOME", self.root())
            .env_remove("UPSTAGE_URL")
            .env_remove("UPSTAGE_KEY")
            .env_remove("UPSTAGE_CONFIG")
            .env_remove("UPSTAGE_WORKERS");
        c
    }

    pub fn import(&self, args: &[&str]) -> Output {
        self.cmd()
            .arg("import")
            .args(args)
            .output()
            .expect("running upstage import")
    }

    /// Stored thumbnails under data/images (one per imported image).
    pub fn thumbs(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        walk(&self.data().join("images"), &mut out);
        out.retain(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.contains(".th."))
        });
        out
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn describe(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status,
        stdout(o),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The per-file JSON objects (not the summary) and the summary.
pub fn json_lines(o: &Output) -> (Vec<Value>, Value) {
    let mut files = Vec::new();
    let mut summary = Value::Null;
    for line in stdout(o).lines().filter(|l| l.starts_with('{')) {
        let v: Value = serde_json::from_str(line).expect("a JSON line");
        if let Some(s) = v.get("summary") {
            summary = s.clone();
        } else {
            files.push(v);
        }
    }
    (files, summary)
}

/// The JSON line of the file named `name`.
pub fn by_name<'a>(files: &'a [Value], name: &str) -> &'a Value {
    files
        .iter()
        .find(|f| {
            f["path"]
                .as_str()
                .is_some_and(|p| Path::new(p).file_name().and_then(|n| n.to_str()) == Some(name))
        })
        .unwrap_or_else(|| panic!("no line for {name} in {files:#?}"))
}

/// `images/Y/m/d/name` of a result URL.
pub fn url_key(url: &str) -> &str {
    let i = url
        .find("/images/")
        .unwrap_or_else(|| panic!("no /images/ in {url}"));
    &url[i + 1..]
}

/// A child process killed when dropped.
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start `upstage serve` on a free loopback port; returns the guard, its base URL and the admin
/// key printed at first start.
pub fn start_server(env: &Env) -> (Guard, String, String) {
    let mut child = env
        .cmd()
        .env("UPSTAGE_DATA_DIR", env.root().join("server-data"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting upstage serve");
    let out = child.stdout.take().expect("stdout");
    let guard = Guard(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut key, mut url) = (None, None);
    while url.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .expect("upstage serve did not start in 60 s");
        if let Some(k) = line.split_whitespace().find(|w| w.starts_with("chv_")) {
            key = Some(k.to_owned());
        }
        if let Some(rest) = line.strip_prefix("Upstage listening on ") {
            url = rest.split_whitespace().next().map(str::to_owned);
        }
    }
    let key = key.expect("no chv_ admin key printed at first start");
    (guard, url.unwrap_or_default(), key)
}
