//! `upstage serve` started with a configuration of the test's choosing, stopped with real
//! signals, and spoken to over raw HTTP/1.1: what the shutdown, timeout and resource-failure
//! tests need beyond a well-behaved client (slow senders, half-sent requests, early answers).

#![allow(dead_code)]

pub mod wire;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub use wire::*;

pub const BIN: &str = env!("CARGO_BIN_EXE_upstage");

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// The admin key, printed at the first start only.
    pub key: Option<String>,
    pub root: PathBuf,
}

/// Start `upstage serve` in `root` (data in `root/data`) with `config` as its `upstage.toml`.
pub fn start(root: &Path, config: &str) -> Server {
    std::fs::write(root.join("upstage.toml"), config).expect("writing upstage.toml");
    let log = std::fs::File::create(root.join("serve.log")).expect("serve.log");
    let mut child = Command::new(BIN)
        .current_dir(root)
        .env("UPSTAGE_DATA_DIR", root.join("data"))
        .env("HOME", root)
        .env("RUST_LOG", "upstage_server=info")
        .env_remove("UPSTAGE_CONFIG")
        .env_remove("UPSTAGE_WORKERS")
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("starting upstage serve");
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut server = Server {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        key: None,
        root: root.to_owned(),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(line) = rx.recv_timeout(left) else {
            panic!("upstage serve did not start in 60 s:\n{}", server.log());
        };
        if let Some(k) = line.split_whitespace().find(|w| w.starts_with("chv_")) {
            server.key = Some(k.to_owned());
        }
        if let Some(rest) = line.strip_prefix("Upstage listening on http://") {
            let addr = rest.split_whitespace().next().unwrap_or_default();
            server.addr = addr.parse().expect("listening address");
            return server;
        }
    }
}

impl Server {
    pub fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    /// The server's process id (to watch its memory).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.root.join("serve.log")).unwrap_or_default()
    }

    /// Send a real signal (`-TERM`, `-INT`) with kill(1).
    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .expect("running kill");
        assert!(ok.success(), "kill {sig} failed");
    }

    /// Wait for the process to exit; fails the test past `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "upstage serve still running {limit:?} after the signal:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// No spool file in `data/tmp` and no half-written file among the stored ones.
pub fn assert_no_temp_leftovers(data: &Path) {
    let spooled = files_under(&data.join("tmp"));
    assert!(spooled.is_empty(), "spool files left: {spooled:?}");
    let partial: Vec<_> = files_under(&data.join("images"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".upstage-tmp-"))
        .collect();
    assert!(partial.is_empty(), "partial stored files left: {partial:?}");
}

/// A JPEG of noise (so it compresses badly and takes a while to send) with `seed` in its pixels.
pub fn noise_jpeg(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let img = image::RgbImage::from_fn(w, h, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [a, b, c, _] = state.to_le_bytes();
        image::Rgb([a, b, c])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}
