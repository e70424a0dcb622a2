//! Uploads that wait for a worker have their md5s taken together, in one pass: each answer,
//! each stored file and the duplicate check still see the md5 of the bytes that were sent.

mod common;

use md5::{Digest, Md5};
use serde_json::Value;

fn oracle(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

#[tokio::test]
async fn uploads_hashed_together_while_queued_each_keep_their_own_md5() {
    let s = common::start_with(|c| {
        c.processing.workers = 1;
        c.processing.queue = 16;
        c.processing.wait_seconds = 60;
        // Admin uploads skip it anyway; on, so a later upload can be checked against the rows.
        c.duplicate_check = true;
    })
    .await;
    // Distinct sizes, so the pass hashes bodies of different lengths.
    let bodies: Vec<Vec<u8>> = (0..8u32)
        .map(|i| common::jpeg(1600 + 37 * i, 1200))
        .collect();
    let mut tasks = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        let (url, key, body) = (s.endpoint(), s.admin_key.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let part = common::file_part(body, &format!("q{i}.jpg"), "image/jpeg");
            let r = common::post_file(&url, &key, part, &[]).await;
            let timing = r
                .headers()
                .get("server-timing")
                .map(|v| v.to_str().unwrap_or_default().to_owned())
                .unwrap_or_default();
            (
                r.status().as_u16(),
                timing,
                r.json::<Value>().await.unwrap(),
            )
        }));
    }
    let mut queued = 0;
    for (task, body) in tasks.into_iter().zip(&bodies) {
        let (status, timing, answer) = task.await.unwrap();
        assert_eq!(status, 200, "{answer}");
        let image = &answer["image"];
        assert_eq!(image["md5"], oracle(body), "{answer}");
        let url = image["image"]["url"].as_str().unwrap();
        let stored = common::client().get(url).send().await.unwrap();
        assert_eq!(stored.status(), 200, "{url}");
        assert_eq!(
            oracle(&stored.bytes().await.unwrap()),
            oracle(body),
            "{url}"
        );
        if !timing.contains("queue;dur=0.0,") && !timing.contains("queue;dur=0,") {
            queued += 1;
        }
    }
    assert!(
        queued >= 4,
        "one worker: most uploads waited for it ({queued})"
    );
    // The rows hold those md5s: the same bytes from a user are refused as a duplicate.
    let (_, bob) = s.user_key("bob").await;
    for body in [&bodies[0], &bodies[7]] {
        let part = common::file_part(body.clone(), "again.jpg", "image/jpeg");
        let again: Value = common::post_file(&s.endpoint(), &bob, part, &[])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(again["error"]["code"], 101, "{again}");
    }
}
