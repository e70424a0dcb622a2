//! SIGTERM and SIGINT against the real `upstage serve`: uploads in flight finish (or get a clear
//! answer), nothing is acknowledged that is not stored, no temp file stays behind, the process
//! exits 0, and a client that never finishes cannot hold the shutdown past the grace period.

mod serve_support;

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use serve_support::*;

/// Generous bound on shutdown beyond the configured grace: the server's own finishing window
/// (10 s) plus slack for a loaded CI machine.
const MARGIN: Duration = Duration::from_secs(30);

/// Bodies go to temp files (no memory budget), so the test sees each upload arrive.
fn config(grace: u64, body_idle: u64) -> String {
    config_with_memory(grace, body_idle, 0)
}

fn config_with_memory(grace: u64, body_idle: u64, body_memory_mib: u64) -> String {
    format!(
        "[server]\nshutdown_grace_seconds = {grace}\nbody_idle_timeout_seconds = {body_idle}\n\
         body_memory_mib = {body_memory_mib}\n[server.processing]\nworkers = 2\n"
    )
}

/// Every URL of a successful upload's reply.
fn urls(reply: &Reply) -> Vec<String> {
    let v = reply.json();
    ["url", "thumb", "medium"]
        .iter()
        .filter_map(|k| match &v["image"][k] {
            serde_json::Value::String(s) => Some(s.clone()),
            o => o["url"].as_str().map(str::to_owned),
        })
        .collect()
}

/// Start `n` uploads, each sending its body in 16 pieces `pause` apart; returns once every one
/// has sent its first piece.
fn paced_uploads(
    addr: SocketAddr,
    key: &str,
    n: u32,
    pause: Duration,
) -> Vec<thread::JoinHandle<Outcome>> {
    let (tx, rx) = mpsc::channel();
    let handles = (0..n)
        .map(|i| {
            let body = multipart(&[], &noise_jpeg(400, 300, i + 1));
            let head = upload_head(body.len(), &[("X-API-Key", key)]);
            let chunk = body.len().div_ceil(16);
            let tx = tx.clone();
            thread::spawn(move || {
                send_paced_then(addr, &head, &body, chunk, pause, move || {
                    let _ = tx.send(());
                })
            })
        })
        .collect();
    for _ in 0..n {
        rx.recv_timeout(Duration::from_secs(60))
            .expect("an upload did not start");
    }
    handles
}

/// Wait until `n` request bodies are being spooled into `tmp`.
fn wait_for_spooling(tmp: &std::path::Path, n: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let spooling = std::fs::read_dir(tmp).map_or(0, |d| d.count());
        if spooling >= n {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "only {spooling} of {n} uploads reached the server"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// After a restart: every acknowledged upload is served, and every stored file belongs to one.
fn assert_consistent(server: &Server, acknowledged: &[Reply]) {
    let mut expected = Vec::new();
    for reply in acknowledged {
        for url in urls(reply) {
            let path = path_of(&url).to_owned();
            let got = get(server.addr, &path).expect("GET a stored file");
            assert_eq!(got.status, 200, "{path} acknowledged but not served");
            expected.push(path);
        }
    }
    let images = server.data().join("images");
    for f in files_under(&images) {
        let rel = f
            .strip_prefix(server.data())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            expected.iter().any(|p| p.ends_with(&rel)),
            "{rel} is stored but no upload was acknowledged for it"
        );
    }
    assert_no_temp_leftovers(&server.data());
}

#[test]
fn a_signal_lets_uploads_in_flight_finish_within_the_grace_period() {
    // (signal, grace s, pause between body pieces ms, every upload must succeed)
    let cases = [
        ("-TERM", 60, 200, true),
        ("-INT", 60, 200, true),
        // Bodies that need ~16 s against a 1 s grace period: cut, and answered or closed.
        ("-TERM", 1, 1000, false),
    ];
    for (sig, grace, pause, all_succeed) in cases {
        let dir = tempfile::tempdir().unwrap();
        let mut server = start(dir.path(), &config(grace, 30));
        let key = server.key.clone().expect("admin key");
        let uploads = paced_uploads(server.addr, &key, 8, Duration::from_millis(pause));
        // In flight means the server is reading them: a connection still in the kernel's accept
        // backlog when the listener closes is refused, as with any server that stops.
        wait_for_spooling(&server.data().join("tmp"), 8);
        server.signal(sig);
        let outcomes: Vec<Outcome> = uploads.into_iter().map(|h| h.join().unwrap()).collect();
        let status = server.wait_exit(Duration::from_secs(grace) + MARGIN);
        assert_eq!(status.code(), Some(0), "{sig}: {}", server.log());
        let mut acknowledged = Vec::new();
        for outcome in outcomes {
            match outcome {
                Outcome::Reply(r) if r.status == 200 => acknowledged.push(r),
                Outcome::Reply(r) if !all_succeed => {
                    let message = r.chevereto_error(503);
                    assert!(message.contains("shutting down"), "{message}");
                }
                Outcome::Closed(_) if !all_succeed => {}
                other => panic!("{sig}: an upload in flight was not finished: {other:?}"),
            }
        }
        let restarted = start(dir.path(), &config(60, 30));
        assert_consistent(&restarted, &acknowledged);
    }
}

#[test]
fn grace_period_bounds_a_never_ending_upload() {
    // The trickling body waits in a temp file (no budget), then in memory (the default).
    for memory in [0, 64] {
        never_ending_upload_is_cut(memory);
    }
}

fn never_ending_upload_is_cut(body_memory_mib: u64) {
    let dir = tempfile::tempdir().unwrap();
    let mut server = start(dir.path(), &config_with_memory(2, 600, body_memory_mib));
    let key = server.key.clone().expect("admin key");
    let addr = server.addr;
    // A body that trickles in for ever, one byte every 50 ms.
    let (started, trickling) = mpsc::channel();
    let trickle = thread::spawn(move || {
        let body = multipart(&[], &noise_jpeg(300, 200, 9));
        let head = upload_head(body.len(), &[("X-API-Key", &key)]);
        send_paced_then(
            addr,
            &head,
            &body,
            1,
            Duration::from_millis(50),
            move || {
                let _ = started.send(());
            },
        )
    });
    // An idle keep-alive connection.
    let mut idle = connect(addr);
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        .unwrap();
    assert_eq!(read_reply(&mut idle).unwrap().status, 200);
    // Connected and sending before the signal: a connect after it would be refused.
    trickling
        .recv_timeout(Duration::from_secs(60))
        .expect("the trickling upload did not start");
    server.signal("-TERM");
    // New connections are refused while the shutdown runs.
    let mut refused = false;
    for _ in 0..100 {
        if TcpStream::connect(addr).is_err() {
            refused = true;
            break;
        }
        thread::sleep(Duration::from_millis(20));
    }
    assert!(refused, "still accepting after SIGTERM");
    let status = server.wait_exit(Duration::from_secs(2) + MARGIN);
    assert_eq!(status.code(), Some(0), "{}", server.log());
    match trickle.join().unwrap() {
        Outcome::Reply(r) => {
            let message = r.chevereto_error(503);
            assert!(message.contains("shutting down"), "{message}");
        }
        Outcome::Closed(_) => {}
    }
    assert!(read_reply(&mut idle).is_err(), "idle keep-alive left open");
    assert_no_temp_leftovers(&server.data());
}

#[test]
fn an_idle_keep_alive_connection_does_not_delay_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    // A grace period longer than the bound below: only closing idle connections can meet it.
    let mut server = start(dir.path(), &config(600, 600));
    let mut idle = connect(server.addr);
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        .unwrap();
    assert_eq!(read_reply(&mut idle).unwrap().status, 200);
    server.signal("-TERM");
    let status = server.wait_exit(MARGIN);
    assert_eq!(status.code(), Some(0), "{}", server.log());
    assert!(read_reply(&mut idle).is_err());
}
