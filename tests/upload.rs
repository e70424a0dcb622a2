//! End-to-end tests of `upstage upload` against the real `upstage serve` on loopback: a mixed
//! folder of 50 files, `--json` and `--format txt` output (input order), an interrupted batch
//! resumed, a killed batch resumed.

mod import_support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use import_support::*;
use serde_json::Value;

/// Valid images of every still format, with distinct pixels.
const GOOD: usize = 44;

/// 44 good images, 1 oversize, 2 with unsupported content, 1 empty (all refused before
/// sending), and 2 the server refuses (a truncated JPEG, a PNG with a broken body).
fn mixed_folder(root: &Path) -> (PathBuf, Vec<String>, Vec<(String, &'static str)>) {
    let dir = root.join("mixed");
    let exts = ["jpg", "png", "gif", "webp", "bmp", "jpeg"];
    let mut good = Vec::new();
    for i in 0..GOOD {
        let name = format!("img{i:02}.{}", exts[i % exts.len()]);
        make_image(&dir.join(&name), i as u32 + 7, 48 + i as u32, 40);
        good.push(name);
    }
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    big.resize(10_500_000, 0);
    let w = |n: &str, b: &[u8]| std::fs::write(dir.join(n), b).expect("write");
    w("huge.jpg", &big);
    w("notes.jpg", b"these are my holiday notes, not a photo");
    w("page.png", b"<!doctype html><html><body>hi</body></html>");
    w("empty.gif", b"");
    let jpeg = std::fs::read(dir.join("img00.jpg")).expect("read");
    w("truncated.jpg", &jpeg[..jpeg.len() / 2]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[0x42; 300]);
    w("broken.png", &png);
    let bad = vec![
        ("huge.jpg".to_owned(), "too_large"),
        ("notes.jpg".to_owned(), "unsupported_format"),
        ("page.png".to_owned(), "unsupported_format"),
        ("empty.gif".to_owned(), "empty_file"),
        ("truncated.jpg".to_owned(), "server"),
        ("broken.png".to_owned(), "server"),
    ];
    (dir, good, bad)
}

fn name_of(v: &Value) -> String {
    let p = v["path"].as_str().expect("path");
    Path::new(p)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned()
}

fn upload(env: &Env, args: &[&str]) -> Output {
    env.cmd()
        .arg("upload")
        .args(args)
        .output()
        .expect("running upstage upload")
}

/// Stored main files of the server (not thumbs, mediums or frames).
fn stored(env: &Env) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![env.root().join("server-data/images")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                !n.contains(".th.")
                    && !n.contains(".md.")
                    && !n.contains(".fr.")
                    && !n.starts_with('.')
            }) {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn mixed_folder_uploads_exactly_the_good_files() {
    let env = Env::new();
    let (_server, url, key) = start_server(&env);
    let (dir, good, bad) = mixed_folder(env.root());
    let dir_s = dir.to_string_lossy().into_owned();
    let out = upload(
        &env,
        &[
            &dir_s, "--url", &url, "--key", &key, "--json", "--tags", "e2e",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let (files, summary) = json_lines(&out);
    assert_eq!(files.len(), 50, "{}", describe(&out));
    assert_eq!(summary["uploaded"], GOOD, "{summary}");
    assert_eq!(summary["failed"], 2, "{summary}");
    assert_eq!(summary["refused"], 4, "{summary}");
    // Input order (the folder's sorted order), whatever finished first.
    let names: Vec<String> = files.iter().map(name_of).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for name in &good {
        let f = files.iter().find(|f| name_of(f) == *name).expect("line");
        assert_eq!(f["status"], "uploaded", "{f}");
        let u = f["url"].as_str().expect("url");
        assert!(u.starts_with(&url), "{u}");
        assert!(
            f["markdown"].as_str().is_some_and(|m| m.starts_with("[![")),
            "{f}"
        );
        assert!(
            f["delete_url"]
                .as_str()
                .is_some_and(|d| d.contains("/delete/")),
            "{f}"
        );
        assert_eq!(f["name"], name.as_str(), "{f}");
        assert!(f["error"].is_null(), "{f}");
    }
    for (name, code) in &bad {
        let f = files.iter().find(|f| name_of(f) == *name).expect("line");
        if *code == "server" {
            // The server's own answer: a 4xx with its code and message, never retried.
            assert_eq!(f["status"], "failed", "{f}");
            assert_eq!(f["error"]["kind"], "server", "{f}");
            assert_eq!(f["error"]["http_status"], 400, "{f}");
            assert!(f["error"]["code"].is_string(), "one type for codes: {f}");
            assert!(
                !f["error"]["message"].as_str().unwrap_or("").is_empty(),
                "{f}"
            );
        } else {
            assert_eq!(f["status"], "refused", "{f}");
            assert_eq!(f["error"]["code"], *code, "{f}");
        }
        assert!(f["url"].is_null(), "{f}");
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("retrying"), "4xx must not be retried: {err}");
    let huge = files
        .iter()
        .find(|f| name_of(f) == "huge.jpg")
        .expect("huge");
    assert!(
        huge["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("max 10 MB")),
        "{huge}"
    );
    assert_eq!(stored(&env).len(), GOOD, "{:#?}", stored(&env));

    // The same batch again: everything good is skipped through the journal, nothing re-sent.
    let again = upload(
        &env,
        &[
            &dir_s, "--url", &url, "--key", &key, "--json", "--tags", "e2e",
        ],
    );
    let (_, s2) = json_lines(&again);
    assert_eq!(s2["uploaded"], 0, "{s2}");
    assert_eq!(s2["skipped"], GOOD, "{s2}");
    assert_eq!(stored(&env).len(), GOOD);
}

#[test]
fn txt_format_prints_url_and_file_in_input_order_and_a_bad_key_stops_the_batch() {
    let env = Env::new();
    let (_server, url, key) = start_server(&env);
    for i in 0..3 {
        make_image(&env.root().join(format!("few/{i}.png")), 300 + i, 40, 30);
    }
    let out = upload(
        &env,
        &["few", "--url", &url, "--key", &key, "--format", "txt"],
    );
    assert!(out.status.success(), "{}", describe(&out));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 3, "{}", describe(&out));
    for (i, l) in lines.iter().enumerate() {
        // The URL, a tab, the file: in input order.
        let (u, file) = l.split_once('\t').expect("url<TAB>path");
        assert!(u.starts_with(&url) && u.ends_with(".png"), "{l}");
        assert_eq!(file, format!("few/{i}.png"), "{l}");
        let k = url_key(u);
        assert!(env.root().join("server-data").join(k).is_file(), "{k}");
    }
    let bad = upload(
        &env,
        &[
            "few",
            "--url",
            &url,
            "--key",
            "chv_nope",
            "--json",
            "--no-journal",
        ],
    );
    assert_eq!(bad.status.code(), Some(1), "{}", describe(&bad));
    let (files, s) = json_lines(&bad);
    // The first refusal stops the batch: what was in flight fails, the rest is not started.
    assert_eq!(
        s["failed"].as_u64().unwrap_or(0) + s["not_started"].as_u64().unwrap_or(0),
        3,
        "{s}"
    );
    assert!(
        files
            .iter()
            .filter(|f| f["status"] == "failed")
            .all(|f| f["error"]["http_status"] == 400),
        "{files:?}"
    );
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("stopped"),
        "{}",
        describe(&bad)
    );
}

fn distinct_photos(dir: &Path, n: u32) {
    for i in 0..n {
        make_image(&dir.join(format!("{i:02}.jpg")), i + 1, 1600, 1200);
    }
}

fn journal_lines(p: &Path) -> usize {
    std::fs::read_to_string(p)
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

/// Start an upload, wait until `after` files are journaled, then stop it with `signal`.
fn interrupted(env: &Env, url: &str, key: &str, journal: &Path, after: usize, signal: &str) {
    let j = journal.to_string_lossy().into_owned();
    let child = env
        .cmd()
        .args([
            "upload",
            "many",
            "-j",
            "1",
            "--url",
            url,
            "--key",
            key,
            "--journal",
            &j,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn upload");
    let mut guard = Guard(child);
    let deadline = Instant::now() + Duration::from_secs(120);
    while journal_lines(journal) < after {
        if let Ok(Some(status)) = guard.0.try_wait() {
            panic!("the upload ended ({status}) before it could be stopped");
        }
        assert!(Instant::now() < deadline, "no journal lines after 120 s");
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = guard.0.id().to_string();
    let ok = Command::new("kill")
        .args([signal, &pid])
        .status()
        .expect("kill");
    assert!(ok.success());
    let status = guard.0.wait().expect("wait");
    assert!(
        !status.success(),
        "an interrupted batch must not report success"
    );
}

fn rerun(env: &Env, url: &str, key: &str, journal: &Path) -> Value {
    let j = journal.to_string_lossy().into_owned();
    let out = upload(
        env,
        &[
            "many",
            "--url",
            url,
            "--key",
            key,
            "--json",
            "--journal",
            &j,
        ],
    );
    assert!(out.status.success(), "{}", describe(&out));
    json_lines(&out).1
}

#[test]
fn ctrl_c_then_rerun_uploads_each_file_exactly_once() {
    const N: u32 = 24;
    let env = Env::new();
    let (_server, url, key) = start_server(&env);
    distinct_photos(&env.root().join("many"), N);
    let journal = env.root().join("batch.tsv");
    interrupted(&env, &url, &key, &journal, 3, "-INT");
    let first = journal_lines(&journal);
    assert!(
        first < N as usize,
        "everything was uploaded before the interrupt"
    );
    assert_eq!(
        stored(&env).len(),
        first,
        "in-flight files finish and are journaled"
    );
    let s = rerun(&env, &url, &key, &journal);
    assert_eq!(s["skipped"], first, "{s}");
    assert_eq!(s["uploaded"], N as usize - first, "{s}");
    let names: HashSet<String> = stored(&env)
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(str::to_owned))
        .collect();
    assert_eq!(
        stored(&env).len(),
        N as usize,
        "each file exactly once: {names:?}"
    );
    for i in 0..N {
        assert!(names.contains(&format!("{i:02}.jpg")), "{names:?}");
    }
}

#[test]
fn killed_then_rerun_uploads_only_the_rest() {
    const N: u32 = 16;
    let env = Env::new();
    let (_server, url, key) = start_server(&env);
    distinct_photos(&env.root().join("many"), N);
    let journal = env.root().join("batch.tsv");
    interrupted(&env, &url, &key, &journal, 3, "-KILL");
    let first = journal_lines(&journal);
    let s = rerun(&env, &url, &key, &journal);
    assert_eq!(s["skipped"], first, "{s}");
    assert_eq!(s["uploaded"], N as usize - first, "{s}");
    // A crash can land after the server stored the one file in flight (-j 1) and before the
    // journal recorded it: that file may be on the server twice, nothing else.
    let n = stored(&env).len();
    assert!((N as usize..=N as usize + 1).contains(&n), "{n} stored");
}

#[test]
fn local_library_upload_applies_batch_options_and_keeps_json_clean() {
    let env = Env::new();
    for i in 0..2 {
        make_image(
            &env.root().join(format!("loc/shot{i}.jpg")),
            500 + i,
            64,
            48,
        );
    }
    let args = [
        "loc",
        "--album",
        "Trip",
        "--title",
        "Trip {n} {name}",
        "--json",
    ];
    let out = upload(&env, &args);
    assert!(out.status.success(), "{}", describe(&out));
    // Every stdout line is JSON; the new library's key went to stderr.
    assert!(stdout(&out)
        .lines()
        .all(|l| serde_json::from_str::<Value>(l).is_ok()));
    assert!(String::from_utf8_lossy(&out.stderr).contains("chv_"));
    let (files, summary) = json_lines(&out);
    assert_eq!(summary["uploaded"], 2, "{summary}");
    for f in &files {
        let n = name_of(f);
        let stem = n.trim_end_matches(".jpg");
        let viewer = f["url_viewer"].as_str().expect("viewer");
        assert!(
            viewer.contains(&format!("-{stem}.")),
            "title template: {viewer}"
        );
        let k = url_key(f["url"].as_str().expect("url"));
        assert!(env.data().join(k).is_file(), "{k} not in the library");
    }
    let again = upload(&env, &args);
    let (_, s2) = json_lines(&again);
    assert_eq!(
        (s2["uploaded"].as_u64(), s2["skipped"].as_u64()),
        (Some(0), Some(2)),
        "{s2}"
    );
}
