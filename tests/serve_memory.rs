//! The server's memory policy as the kernel sees it: transparent huge pages are off for the
//! `upstage serve` process (src/main.rs says why), read from `/proc/PID/status`, and uploads are
//! served as before.
#![cfg(target_os = "linux")]

mod serve_support;

use std::io::Write;

use serve_support::{connect, multipart, noise_jpeg, read_reply, start, upload_head};

fn huge_pages_flag(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("THP_enabled:"))
        .unwrap_or_else(|| panic!("no THP_enabled line (Linux 5.0+):\n{status}"));
    line.split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_server_runs_without_transparent_huge_pages() {
    // The flag is inherited: turned on here first, a 0 in the server is the server's own doing.
    rustix::thread::disable_transparent_huge_pages(false).unwrap();
    assert_eq!(huge_pages_flag(std::process::id()), "1");
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), "");
    assert_eq!(huge_pages_flag(server.pid()), "0");
    let key = server.key.clone().expect("admin key");
    let body = multipart(&[], &noise_jpeg(1600, 1200, 7));
    let mut s = connect(server.addr);
    s.write_all(&upload_head(body.len(), &[("X-API-Key", &key)]))
        .unwrap();
    s.write_all(&body).unwrap();
    let reply = read_reply(&mut s).unwrap();
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["image"]["width"], 1600);
    assert_eq!(huge_pages_flag(server.pid()), "0");
}
