//! What the fault tests do around the server: start it off the async workers, upload
//! batches, check acknowledged uploads, run the consistency checker.

use std::path::Path;

use md5::{Digest, Md5};
use serde_json::Value;

use super::{photo, upload, Outcome, Serve};
use crate::common::consistency;

pub async fn start(data: &Path, port: u16) -> (Serve, Option<String>) {
    let data = data.to_path_buf();
    tokio::task::spawn_blocking(move || Serve::start(&data, port))
        .await
        .expect("server start")
}

/// Upload `n` photos at once (seeds from `seed`); every outcome, in order.
pub async fn batch(base: &str, key: &str, seed: u64, n: u64) -> Vec<(Vec<u8>, Outcome)> {
    let client = reqwest::Client::new();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let (client, base, key) = (client.clone(), base.to_owned(), key.to_owned());
        tasks.spawn(async move {
            let bytes = tokio::task::spawn_blocking(move || photo(seed + i))
                .await
                .unwrap();
            let out = upload(
                &client,
                &base,
                &key,
                &format!("p{}.jpg", seed + i),
                bytes.clone(),
            )
            .await;
            (bytes, out)
        });
    }
    tasks.join_all().await
}

/// The `image` of an acknowledged upload, after checking it stored exactly what was sent.
pub fn acked(sent: &[u8], out: Outcome) -> Option<Value> {
    match out {
        Outcome::Acked(image) => {
            assert_eq!(
                image["md5"],
                hex::encode(Md5::digest(sent)),
                "stored main differs from the upload"
            );
            Some(image)
        }
        _ => None,
    }
}

pub async fn assert_consistent(data: &Path, server: &Serve, acked: &[Value], when: &str) {
    if let Err(problems) = consistency::check(data, &server.base, acked).await {
        panic!(
            "{when}: {} problems:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}

pub async fn acked_batch(server: &Serve, key: &str, seed: u64, n: u64) -> Vec<Value> {
    batch(&server.base, key, seed, n)
        .await
        .into_iter()
        .map(|(sent, out)| acked(&sent, out).expect("upload before the fault"))
        .collect()
}
