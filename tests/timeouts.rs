//! Slow clients against the real `upstage serve`: headers and bodies that trickle in are cut off
//! by the configured deadlines, and a crowd of slow connections cannot keep `/healthz` from
//! answering. Deadlines are short here; only generous upper bounds are asserted.

mod serve_support;

use std::io::{ErrorKind, Write};
use std::net::TcpStream;
use std::time::Duration;

use serve_support::*;

/// Sends `bytes` one at a time, `pause` apart, until the server closes the connection; returns
/// how many were sent. Panics when all were sent and the connection still stood.
fn trickle_until_closed(s: &mut TcpStream, bytes: &[u8], pause: Duration) -> usize {
    s.set_read_timeout(Some(pause)).unwrap();
    let mut probe = [0u8; 1024];
    for (i, b) in bytes.iter().enumerate() {
        if s.write_all(&[*b]).is_err() {
            return i;
        }
        match std::io::Read::read(s, &mut probe) {
            Ok(0) => return i + 1,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return i + 1,
        }
    }
    panic!(
        "{} bytes sent over {:?} and the connection is still open",
        bytes.len(),
        pause * bytes.len() as u32
    );
}

#[test]
fn slow_headers_are_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), "[server]\nheader_timeout_seconds = 1\n");
    let mut s = connect(server.addr);
    // 600 header bytes at 4 a second would take 150 s; the header timeout is 1 s.
    let head = format!(
        "GET /healthz HTTP/1.1\r\nHost: test\r\nX-Pad: {}\r\n\r\n",
        "a".repeat(550)
    );
    let sent = trickle_until_closed(&mut s, head.as_bytes(), Duration::from_millis(250));
    assert!(sent < head.len(), "{sent}");
}

#[test]
fn slow_bodies_are_cut_off() {
    // (config, pause between body bytes, what it tests)
    let cases = [
        (
            "body_idle_timeout_seconds = 1",
            Duration::from_secs(600),
            "idle body",
        ),
        (
            "body_idle_timeout_seconds = 60\nrequest_timeout_seconds = 2",
            Duration::from_millis(100),
            "steady trickle past the request deadline",
        ),
    ];
    for (settings, pause, what) in cases {
        let dir = tempfile::tempdir().unwrap();
        let server = start(dir.path(), &format!("[server]\n{settings}\n"));
        let key = server.key.clone().expect("admin key");
        let body = multipart(&[], &noise_jpeg(200, 200, 3));
        let head = upload_head(body.len(), &[("X-API-Key", &key)]);
        let mut s = connect(server.addr);
        s.write_all(&head).unwrap();
        // Enough for the spool file to exist, then a pause or a trickle.
        s.write_all(&body[..body.len() / 2]).unwrap();
        let rest = &body[body.len() / 2..];
        let writer = {
            let mut w = s.try_clone().unwrap();
            let rest = rest.to_vec();
            std::thread::spawn(move || {
                for b in rest {
                    std::thread::sleep(pause);
                    if w.write_all(&[b]).is_err() {
                        return;
                    }
                }
            })
        };
        match read_reply(&mut s) {
            Ok(reply) => {
                let message = reply.chevereto_error(408);
                assert!(message.starts_with("Request timeout"), "{what}: {message}");
                assert!(
                    reply.head.contains("connection: close"),
                    "{what}: {}",
                    reply.head
                );
            }
            Err(e) => panic!("{what}: no answer: {e}"),
        }
        let _ = s.shutdown(std::net::Shutdown::Both);
        drop(writer);
        assert_no_temp_leftovers(&server.data());
    }
}

#[test]
fn healthz_answers_while_many_slow_clients_are_connected() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(
        dir.path(),
        "[server]\nheader_timeout_seconds = 300\nmax_connections = 310\n",
    );
    let half_sent = |n: usize| -> Vec<TcpStream> {
        (0..n)
            .map(|_| {
                let mut s = connect(server.addr);
                s.write_all(b"POST /api/1/upload HTTP/1.1\r\nHost: te")
                    .unwrap();
                s
            })
            .collect()
    };
    let mut slow = half_sent(300);
    for _ in 0..3 {
        let r = get(server.addr, "/healthz").expect("healthz with 300 slow clients");
        assert_eq!((r.status, r.body.as_str()), (200, "ok"));
    }
    // At the limit, a new connection waits in the backlog…
    slow.extend(half_sent(10));
    let mut waiting = connect(server.addr);
    waiting
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .unwrap();
    waiting
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let early = read_reply(&mut waiting);
    assert!(
        early
            .as_ref()
            .is_err_and(|e| matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "served beyond max_connections: {early:?}"
    );
    // …and is served as soon as a slot frees.
    drop(slow.pop());
    waiting
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let r = read_reply(&mut waiting).expect("healthz once a slot is free");
    assert_eq!(r.status, 200);
}
