//! Helpers for test harnesses that run against a local S3 stand-in (moto) which does not check
//! signatures. Not for production: real services need signed bucket creation (use their tools).

use std::io::{Read, Write};
use std::net::TcpStream;

/// The environment variable naming the test S3 endpoint (e.g. `http://127.0.0.1:5001`);
/// `scripts/test` starts moto and sets it.
pub const ENDPOINT_VAR: &str = "S3_MOTO_ENDPOINT";

/// Create `bucket` on the `http://host:port` endpoint with an unsigned `PUT /bucket`.
pub fn create_bucket(endpoint: &str, bucket: &str) -> std::io::Result<()> {
    let host = endpoint
        .strip_prefix("http://")
        .unwrap_or(endpoint)
        .trim_end_matches('/');
    let mut s = TcpStream::connect(host)?;
    write!(
        s,
        "PUT /{bucket} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut reply = String::new();
    s.read_to_string(&mut reply)?;
    let status = reply.split_whitespace().nth(1).unwrap_or("");
    if status == "200" {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "creating bucket {bucket}: {}",
            reply.lines().next().unwrap_or("no reply")
        )))
    }
}
