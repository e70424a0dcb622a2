//! HTTP/1.1 by hand over std's `TcpStream`: paced bodies, half-sent requests, and replies read
//! whatever state the connection is left in.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::Value;

pub const BOUNDARY: &str = "upstage-test-boundary";

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// Header lines, lower-cased.
    pub head: String,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The Chevereto error shape with this status and code; returns the message.
    pub fn chevereto_error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "{self:?}");
        let v = self.json();
        assert_eq!(v["status_code"], status, "{}", self.body);
        assert_eq!(v["error"]["code"], status, "{}", self.body);
        assert!(v["status_txt"].is_string(), "{}", self.body);
        let message = v["error"]["message"].as_str().expect("message").to_owned();
        // The reference's key order.
        let keys: Vec<&str> = ["status_code", "error", "status_txt"].to_vec();
        let at = |k: &str| self.body.find(&format!("\"{k}\"")).expect(k);
        assert!(
            keys.windows(2).all(|w| at(w[0]) < at(w[1])),
            "{}",
            self.body
        );
        message
    }
}

/// What became of a request.
#[derive(Debug)]
pub enum Outcome {
    Reply(Reply),
    /// The connection ended without a (complete) reply.
    Closed(String),
}

pub fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    s
}

/// A multipart body with `fields` and a `source` file part.
pub fn multipart(fields: &[(&str, &str)], file: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in fields {
        out.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .bytes(),
        );
    }
    out.extend(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"source\"; \
             filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .bytes(),
    );
    out.extend_from_slice(file);
    out.extend(format!("\r\n--{BOUNDARY}--\r\n").bytes());
    out
}

/// The head of a multipart upload to `/api/1/upload` of `len` body bytes.
pub fn upload_head(len: usize, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut h = format!(
        "POST /api/1/upload HTTP/1.1\r\nHost: test\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {len}\r\n"
    );
    for (k, v) in extra {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    h.into_bytes()
}

/// Read one reply (skipping `100 Continue`); `Err` when the connection ends first.
pub fn read_reply(s: &mut TcpStream) -> io::Result<Reply> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let end = buf.windows(4).position(|w| w == b"\r\n\r\n");
        if let Some(end) = end {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let status: u16 = head
                .split_whitespace()
                .nth(1)
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            if status == 100 {
                buf.drain(..end + 4);
                continue;
            }
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = s.read(&mut chunk)?;
                if n == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).into_owned();
            return Ok(Reply { status, head, body });
        }
        let n = s.read(&mut chunk)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Send `head` then `body` in `chunk`-sized pieces with `pause` between them, then read the
/// reply. A reply sent early (the connection closed under the sender) is still read.
pub fn send_paced(
    addr: SocketAddr,
    head: &[u8],
    body: &[u8],
    chunk: usize,
    pause: Duration,
) -> Outcome {
    send_paced_then(addr, head, body, chunk, pause, || {})
}

/// [`send_paced`], calling `started` once the head and the first piece are sent.
pub fn send_paced_then(
    addr: SocketAddr,
    head: &[u8],
    body: &[u8],
    chunk: usize,
    pause: Duration,
    started: impl FnOnce(),
) -> Outcome {
    let mut s = connect(addr);
    let mut started = Some(started);
    let sent = s.write_all(head).and_then(|_| {
        for piece in body.chunks(chunk) {
            s.write_all(piece)?;
            if let Some(f) = started.take() {
                f();
            }
            std::thread::sleep(pause);
        }
        Ok(())
    });
    match (read_reply(&mut s), sent) {
        (Ok(r), _) => Outcome::Reply(r),
        (Err(e), Ok(())) => Outcome::Closed(format!("reading: {e}")),
        (Err(e), Err(w)) => Outcome::Closed(format!("writing: {w}; reading: {e}")),
    }
}

/// `GET path` on a new connection.
pub fn get(addr: SocketAddr, path: &str) -> io::Result<Reply> {
    let mut s = connect(addr);
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").as_bytes(),
    )?;
    read_reply(&mut s)
}

/// The path of an absolute URL from a reply (the server may since listen on another port).
pub fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or("/", |i| &rest[i..])
}
