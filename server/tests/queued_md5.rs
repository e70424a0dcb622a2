//! Uploads that wait for a worker have their md5s taken together, in one pass: each answer, each
//! row and the duplicate check still see the md5 of the bytes that were sent.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use md5::{Digest, Md5};
use serde_json::Value;

fn oracle(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

/// A photo with a GPS position (removed when stored, so the stored file's md5 is not the one
/// sent), with a numbered comment after its start marker: distinct bytes and lengths.
fn gps_photo(n: usize) -> Vec<u8> {
    let jpeg = include_bytes!("fixtures/gps-position.jpg");
    upstage_testenv::with_comment(jpeg, &format!("copy {n} {}", "x".repeat(n * 11)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_hashed_together_while_queued_each_keep_their_own_md5() {
    let s = common::start_with(|c| {
        c.processing.workers = 1;
        c.processing.queue = 16;
        c.processing.wait_seconds = 60;
        // Admin uploads skip it; on, so a user's copy is checked against the rows.
        c.duplicate_check = true;
    })
    .await;
    let bodies: Vec<Vec<u8>> = (0..8).map(gps_photo).collect();
    // The most uploads seen waiting in the md5 queue at once.
    let most = Arc::new(AtomicUsize::new(0));
    let watching = {
        let (state, most) = (s.state.clone(), most.clone());
        tokio::spawn(async move {
            loop {
                most.fetch_max(state.processor.waiting_md5s(), Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
        })
    };
    let mut tasks = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        let (url, key, body) = (s.endpoint(), s.admin_key.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let part = common::file_part(body, &format!("q{i}.jpg"), "image/jpeg");
            let r = common::post_file(&url, &key, part, &[]).await;
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }));
    }
    for (task, body) in tasks.into_iter().zip(&bodies) {
        let (status, answer) = task.await.unwrap();
        assert_eq!(status, 200, "{answer}");
        let image = &answer["image"];
        // GPS removed: the stored file differs, and the md5 as sent is `source_md5`.
        assert_ne!(image["md5"], oracle(body), "{answer}");
        assert_eq!(image["source_md5"], oracle(body), "{answer}");
        let url = image["image"]["url"].as_str().unwrap();
        let stored = common::fetch(url).await;
        assert_eq!(json_str(&image["md5"]), oracle(&stored), "{url}");
    }
    watching.abort();
    assert!(
        most.load(Ordering::SeqCst) >= 2,
        "one worker, eight uploads at once: several waited in the md5 queue"
    );
    assert_eq!(s.state.processor.waiting_md5s(), 0);
    // The rows hold the md5s as sent: the same bytes from a user are refused as duplicates.
    let (_, bob) = s.user_key("bob").await;
    for body in [&bodies[1], &bodies[7]] {
        let part = common::file_part(body.clone(), "again.jpg", "image/jpeg");
        let again: Value = common::post_file(&s.endpoint(), &bob, part, &[])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(again["error"]["code"], 101, "{again}");
    }
}

fn json_str(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}
