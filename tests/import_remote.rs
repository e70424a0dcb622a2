//! `upstage import --to` against a scripted site on loopback (a real HTTP server): it retries
//! 5xx and 429 with the upload client's policy (jittered backoff, `Retry-After` honoured) and
//! succeeds, gives up after `--tries` with a clear error, never retries another 4xx, and streams
//! the file from disk instead of reading it whole first.

mod import_support;
mod scripted_site;

use std::path::Path;
use std::process::Output;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use import_support::{describe, json_lines, Env};
use scripted_site::{serve, Answer, Site};

/// A small file the site accepts whatever it holds (the site does not decode it).
fn photo(env: &Env) -> std::path::PathBuf {
    let p = env.root().join("photo.jpg");
    std::fs::write(&p, b"\xff\xd8\xff\xe0 not decoded by the scripted site").expect("write");
    p
}

/// `upstage import <file> --to <url> --json [extra…]`, run off the async runtime.
async fn import(env: &Env, file: &Path, url: &str, extra: &[&str]) -> Output {
    let mut cmd = env.cmd();
    cmd.arg("import")
        .arg(file)
        .args(["--to", url, "--key", "chv_test", "--json"])
        .args(extra);
    tokio::task::spawn_blocking(move || cmd.output().expect("running upstage import"))
        .await
        .expect("join")
}

fn scripted(answers: &[Answer]) -> Arc<Site> {
    Arc::new(Site {
        answers: Mutex::new(answers.iter().copied().collect()),
        ..Site::default()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn busy_answers_are_retried_with_the_shared_policy_then_it_succeeds() {
    let env = Env::new();
    let file = photo(&env);
    // A 503 asking for one second, then a 429 without a hint (the jittered backoff's second
    // wait, 1 to 2 s), then a success.
    let site = scripted(&[(503, Some("1")), (429, None)]);
    let url = serve(site.clone()).await;
    let t0 = Instant::now();
    let out = import(&env, &file, &url, &[]).await;
    let took = t0.elapsed();
    assert!(out.status.success(), "{}", describe(&out));
    let (files, summary) = json_lines(&out);
    assert_eq!(summary["imported"], 1, "{summary}");
    assert_eq!(files[0]["url"], "http://site/images/f2.jpg", "{files:?}");
    assert_eq!(site.requests.load(Ordering::SeqCst), 3);
    assert!(
        took >= Duration::from_secs(2),
        "Retry-After (1 s) and the backoff (≥ 1 s) were not waited: {took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_that_stays_busy_is_given_up_on_after_the_tries() {
    let env = Env::new();
    let file = photo(&env);
    let site = Arc::new(Site {
        always: Some((503, None)),
        ..Site::default()
    });
    let url = serve(site.clone()).await;
    let out = import(&env, &file, &url, &["--tries", "3"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(site.requests.load(Ordering::SeqCst), 3, "exactly --tries");
    let (files, summary) = json_lines(&out);
    assert_eq!(summary["failed"], 1, "{summary}");
    let error = files[0]["error"].as_str().expect("error text");
    assert!(error.contains("HTTP 503"), "{error}");
    assert!(error.contains("gave up after 3 tries"), "{error}");
}

/// A refusal other than 429 is final whatever the tries left, `Retry-After` or not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_4xx_answer_is_never_retried() {
    for answer in [(400, None), (413, Some("1")), (403, None)] {
        let env = Env::new();
        let file = photo(&env);
        let site = scripted(&[answer]);
        let url = serve(site.clone()).await;
        let out = import(&env, &file, &url, &["--tries", "5"]).await;
        assert_eq!(out.status.code(), Some(1), "{answer:?}: {}", describe(&out));
        assert_eq!(site.requests.load(Ordering::SeqCst), 1, "{answer:?}");
        let (files, _) = json_lines(&out);
        let error = files[0]["error"].as_str().expect("error text");
        assert!(error.contains(&format!("HTTP {}", answer.0)), "{error}");
        assert!(!error.contains("gave up"), "{error}");
    }
}

/// The site rewrites the file's last MiB as soon as the first body bytes arrive. A streamed
/// upload reads that part of the file only later, so the site receives the new bytes; a client
/// that read the whole file before sending would deliver the old ones. 40 MiB is far more than
/// loopback socket buffers can hold ahead of the reader.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_is_streamed_from_disk_not_read_whole_first() {
    const SIZE: usize = 40 << 20;
    let env = Env::new();
    let file = env.root().join("big.jpg");
    let data: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &data).expect("write");
    drop(data);
    let site = Arc::new(Site {
        rewrite_tail: Some((file.clone(), vec![0xAB; 1 << 20])),
        ..Site::default()
    });
    let url = serve(site.clone()).await;
    let out = import(&env, &file, &url, &[]).await;
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(*site.saw_new_tail.lock().expect("lock"), [true]);
}
