//! Where an upload body waits while it arrives: in memory when the request announced its length
//! and it fits the budget, in a temp file otherwise. Raw HTTP over TCP, so the test controls the
//! framing and can stop halfway.

mod common;

use std::path::Path;
use std::time::Duration;

use md5::{Digest, Md5};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BOUNDARY: &str = "spooltestboundary";

#[derive(Clone, Copy, Debug)]
enum Framing {
    Length,
    Chunked,
}

fn multipart(jpeg: &[u8]) -> Vec<u8> {
    let mut b = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"source\"; \
         filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    b.extend_from_slice(jpeg);
    b.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    b
}

fn head(s: &common::TestServer, framing: Framing, len: usize) -> String {
    let host = s.url.trim_start_matches("http://");
    let frame = match framing {
        Framing::Length => format!("Content-Length: {len}"),
        Framing::Chunked => "Transfer-Encoding: chunked".to_owned(),
    };
    format!(
        "POST /api/1/upload HTTP/1.1\r\nHost: {host}\r\nX-API-Key: {}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n{frame}\r\n\
         Connection: close\r\n\r\n",
        s.admin_key
    )
}

async fn send(tcp: &mut TcpStream, framing: Framing, part: &[u8]) {
    match framing {
        Framing::Length => tcp.write_all(part).await.unwrap(),
        Framing::Chunked => {
            tcp.write_all(format!("{:x}\r\n", part.len()).as_bytes())
                .await
                .unwrap();
            tcp.write_all(part).await.unwrap();
            tcp.write_all(b"\r\n").await.unwrap();
        }
    }
}

fn temp_files(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("tmp")).map_or(0, |d| d.count())
}

/// Waits until `done` holds, failing the test after a deadline a loaded machine still meets.
async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "not within 30 s: {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Sends the first half of an upload, reports the temp files and the free memory budget seen
/// while the rest is held back, then sends the rest and returns the answer's JSON.
async fn upload_in_two_halves(
    s: &common::TestServer,
    framing: Framing,
    jpeg: &[u8],
) -> (usize, u64, serde_json::Value) {
    let total = s.state.body_memory.available();
    let body = multipart(jpeg);
    let (first, rest) = body.split_at(body.len() / 2);
    let mut tcp = TcpStream::connect(s.url.trim_start_matches("http://"))
        .await
        .unwrap();
    tcp.write_all(head(s, framing, body.len()).as_bytes())
        .await
        .unwrap();
    send(&mut tcp, framing, first).await;
    // The server keeps the part once it has read its head: in a temp file or in its share of
    // the memory budget, whichever it chose.
    until("the first half is kept", || {
        temp_files(s.dir.path()) > 0 || s.state.body_memory.available() < total
    })
    .await;
    let files = temp_files(s.dir.path());
    let free = s.state.body_memory.available();
    send(&mut tcp, framing, rest).await;
    if matches!(framing, Framing::Chunked) {
        tcp.write_all(b"0\r\n\r\n").await.unwrap();
    }
    let mut answer = Vec::new();
    tcp.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8_lossy(&answer);
    let json = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let json = json.get(json.find('{').unwrap_or(0)..).unwrap_or("");
    let json = json
        .get(..json.rfind('}').map_or(0, |i| i + 1))
        .unwrap_or("");
    let value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {text}"));
    (files, free, value)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_of_announced_length_waits_in_memory_and_any_other_in_a_temp_file() {
    let s = common::start().await;
    let total = s.state.body_memory.available();
    // (framing, image width, expected in memory)
    for (framing, width, in_memory) in
        [(Framing::Length, 300, true), (Framing::Chunked, 301, false)]
    {
        let jpeg = common::jpeg(width, 200);
        let (files, free, answer) = upload_in_two_halves(&s, framing, &jpeg).await;
        assert_eq!(answer["status_code"], 200, "{framing:?}: {answer}");
        assert_eq!(files, usize::from(!in_memory), "{framing:?}: temp files");
        assert_eq!(free < total, in_memory, "{framing:?}: memory held");
        let md5 = hex::encode(Md5::digest(&jpeg));
        assert_eq!(answer["image"]["md5"], md5.as_str(), "{framing:?}");
        let url = answer["image"]["url"].as_str().unwrap_or_default();
        let stored = common::client().get(url).send().await.unwrap();
        let stored = stored.bytes().await.unwrap();
        assert_eq!(stored, jpeg, "{framing:?}: the stored file is the upload");
        until(&format!("{framing:?}: nothing left"), || {
            temp_files(s.dir.path()) == 0
        })
        .await;
        until(&format!("{framing:?}: the memory is given back"), || {
            s.state.body_memory.available() == total
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn with_no_memory_budget_every_body_goes_to_a_temp_file() {
    let s = common::start_with(|c| c.body_memory_mib = 0).await;
    let jpeg = common::jpeg(302, 200);
    let (files, _, answer) = upload_in_two_halves(&s, Framing::Length, &jpeg).await;
    assert_eq!(answer["status_code"], 200, "{answer}");
    assert_eq!(files, 1);
    until("the temp file is removed", || temp_files(s.dir.path()) == 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_gone_halfway_gives_its_memory_back() {
    let s = common::start().await;
    let total = s.state.body_memory.available();
    let body = multipart(&common::jpeg(400, 300));
    let mut tcp = TcpStream::connect(s.url.trim_start_matches("http://"))
        .await
        .unwrap();
    tcp.write_all(head(&s, Framing::Length, body.len()).as_bytes())
        .await
        .unwrap();
    tcp.write_all(&body[..body.len() / 2]).await.unwrap();
    until("the half-received body is held in memory", || {
        s.state.body_memory.available() < total
    })
    .await;
    drop(tcp);
    until("the budget is given back when the client goes away", || {
        s.state.body_memory.available() == total
    })
    .await;
    assert_eq!(temp_files(s.dir.path()), 0);
}
