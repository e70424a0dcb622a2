//! The real `upstage serve` as a child process for fault tests: a fixed port across restarts
//! (so acknowledged URLs stay valid), the reconciler's log read from stderr, kill -9, uploads.

#![allow(dead_code, unused_imports)]

mod client;
mod inject;
pub mod rounds;

pub use client::{photo, upload, Outcome};
pub use inject::{Immutable, Tmpfs};

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_upstage");

/// splitmix64: a seeded, reproducible sequence without a crate.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("its address").port()
}

/// ANSI colour sequences out, so log lines can be matched.
fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What the start pass of the reconciler reported removing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Removed {
    pub claims: u64,
    pub claimed_files: u64,
    pub temp_files: u64,
    pub orphans: u64,
}

pub struct Serve {
    child: Child,
    pub base: String,
    pub log: Arc<Mutex<Vec<String>>>,
    reconciled: Receiver<()>,
}

impl Serve {
    /// Start on `port` with `data` as the library; returns the admin key when this start
    /// created it. Waits until the start pass of the reconciler has finished.
    pub fn start(data: &Path, port: u16) -> (Serve, Option<String>) {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .current_dir(data.parent().expect("data dir has a parent"))
            .env("UPSTAGE_DATA_DIR", data)
            .env("HOME", data.parent().expect("parent"))
            .env("UPSTAGE_LOG", "warn,upstage_library::reconcile=info")
            // Nothing is in flight at start here, so every leftover is fair game at once.
            .env("UPSTAGE_SERVER__RECONCILE_GRACE_SECONDS", "0")
            .env("UPSTAGE_SERVER__RECONCILE_SECONDS", "3600")
            .env("UPSTAGE_SERVER__PROCESSING__WORKERS", "2")
            .env_remove("UPSTAGE_CONFIG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting upstage serve");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (done_tx, reconciled) = channel();
        let stderr = child.stderr.take().expect("stderr");
        let l = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let line = plain(&line);
                if line.contains("storage reconciled at start") {
                    let _ = done_tx.send(());
                }
                l.lock().expect("log").push(line);
            }
        });
        let mut out = String::new();
        let mut stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        while !out.contains("Upstage listening on") {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(b) => out.push_str(&String::from_utf8_lossy(&b)),
                Err(_) => panic!("upstage serve did not start: {out}\n{:?}", log.lock()),
            }
        }
        let serve = Serve {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
            reconciled,
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if serve.reconciled.recv_timeout(left).is_err() {
            panic!("no `storage reconciled at start`: {:?}", serve.log.lock());
        }
        let key = out
            .split_whitespace()
            .find(|w| w.starts_with("chv_"))
            .map(str::to_owned);
        (serve, key)
    }

    /// SIGKILL, as a crash or an OOM kill would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGINT (Ctrl-C), then wait for the exit: a clean stop.
    pub fn interrupt(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -INT {pid}");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().expect("waiting for serve") {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not stop after SIGINT");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The counts of the start pass's `removed leftovers` line (zero when it removed nothing).
    pub fn removed_at_start(&self) -> Removed {
        let log = self.log.lock().expect("log");
        let Some(line) = log
            .iter()
            .find(|l| l.contains("removed leftovers of interrupted uploads"))
        else {
            return Removed::default();
        };
        let field = |name: &str| -> u64 {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(&format!("{name}=")))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        Removed {
            claims: field("claims"),
            claimed_files: field("claimed_files"),
            temp_files: field("temp_files"),
            orphans: field("orphans"),
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        self.kill();
    }
}
