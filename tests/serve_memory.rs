//! The server's memory policy as the kernel sees it: transparent huge pages are off for the
//! `upstage serve` process (src/main.rs says why), read from `/proc/PID/status`.

mod serve_support;

use serve_support::start;

#[test]
fn the_server_runs_without_transparent_huge_pages() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), "");
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("THP_enabled:"))
        .unwrap_or_else(|| panic!("no THP_enabled line (Linux 5.0+):\n{status}"));
    assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
}
