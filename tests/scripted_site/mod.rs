//! A scripted upload site on loopback for the remote-import tests: a real HTTP server that
//! answers each request with the next scripted status (a V1.1-shaped body), can rewrite the
//! tail of the file being uploaded once the body has started arriving, and records what it saw.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use futures_util::StreamExt;

/// One scripted answer: an HTTP status and an optional `Retry-After` value.
pub type Answer = (u16, Option<&'static str>);

#[derive(Default)]
pub struct Site {
    /// Answers in order; 200 once empty, unless `always` is set.
    pub answers: Mutex<VecDeque<Answer>>,
    pub always: Option<Answer>,
    pub requests: AtomicUsize,
    /// Once the first body bytes arrive: overwrite the end of this file with these bytes.
    pub rewrite_tail: Option<(PathBuf, Vec<u8>)>,
    /// Per request: whether the body carried the rewritten tail.
    pub saw_new_tail: Mutex<Vec<bool>>,
}

fn rewrite(path: &PathBuf, tail: &[u8]) {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("open the file being uploaded");
    f.seek(SeekFrom::End(-(tail.len() as i64))).expect("seek");
    f.write_all(tail).expect("rewrite the tail");
    f.sync_all().expect("sync");
}

async fn upload(State(site): State<Arc<Site>>, req: Request) -> Response {
    let n = site.requests.fetch_add(1, Ordering::SeqCst);
    let mut stream = req.into_body().into_data_stream();
    let mut body = Vec::new();
    let mut first = true;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        body.extend_from_slice(&chunk);
        if first {
            first = false;
            if let Some((path, tail)) = &site.rewrite_tail {
                rewrite(path, tail);
            }
        }
    }
    if let Some((_, tail)) = &site.rewrite_tail {
        let seen = body.windows(tail.len()).any(|w| w == tail.as_slice());
        site.saw_new_tail.lock().expect("lock").push(seen);
    }
    let next = site.answers.lock().expect("lock").pop_front();
    let (status, retry_after) = next.or(site.always).unwrap_or((200, None));
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let json = if status == 200 {
        format!(
            r#"{{"status_code":200,"success":{{"message":"image uploaded","code":200}},"image":{{"name":"f{n}","url":"http://site/images/f{n}.jpg","url_viewer":"http://site/image/f{n}","date_gmt":"2019-05-04 10:00:00"}},"status_txt":"OK"}}"#
        )
    } else {
        format!(
            r#"{{"status_code":{status},"error":{{"message":"scripted {status}","code":{status}}},"status_txt":"x"}}"#
        )
    };
    let mut resp = (code, Body::from(json)).into_response();
    if let Some(v) = retry_after {
        if let Ok(v) = v.parse() {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    resp
}

/// Serve `site` on a free loopback port for the rest of the test; its base URL.
pub async fn serve(site: Arc<Site>) -> String {
    let app = Router::new()
        .route("/api/1/upload", post(upload))
        .with_state(site);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}
