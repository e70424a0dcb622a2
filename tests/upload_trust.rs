//! `upstage upload` you can leave alone with a holiday's photos, end to end against the real
//! binary and `upstage serve` on loopback: a closed stdout (`| head -1`) still uploads every file
//! and exits cleanly; a mistyped expiration stops before the first byte; a server stopped and
//! restarted mid-batch pauses it and every file lands once; an album named in the batch is one
//! album.

mod import_support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use import_support::*;

fn photos(dir: &Path, n: u32, w: u32) {
    for i in 0..n {
        make_image(&dir.join(format!("{i:02}.jpg")), 900 + i, w, w * 3 / 4);
    }
}

/// Stored main files of the server (not thumbs, mediums or frames).
fn stored(root: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![root.join("server-data/images")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if p.is_dir() {
                stack.push(p);
            } else if !name.contains(".th.") && !name.contains(".md.") && !name.contains(".fr.") {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn a_closed_stdout_still_uploads_every_file_and_exits_cleanly() {
    const N: u32 = 12;
    let env = Env::new();
    let (_server, url, key) = start_server(&env);
    photos(&env.root().join("trip"), N, 800);
    for format in [&["--format", "txt"][..], &["--json"][..]] {
        // `upstage upload … | head -1`: read one line, then close the pipe.
        let mut child = env
            .cmd()
            .args(["upload", "trip", "-j", "2", "--url", &url, "--key", &key])
            .args(format)
            .arg("--no-journal")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn upload");
        let mut first = String::new();
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        out.read_line(&mut first).expect("first line");
        drop(out);
        let done = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&done.stderr);
        assert_eq!(done.status.code(), Some(0), "{format:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{err}"
        );
        assert!(
            first.contains("00.jpg"),
            "input order, with the file: {first}"
        );
    }
    assert_eq!(stored(env.root()), 2 * N as usize, "every file, both runs");
}

#[test]
fn a_mistyped_expiration_stops_before_the_first_byte() {
    let env = Env::new();
    let (_server, url, key) = start_server(&env);
    photos(&env.root().join("trip"), 2, 64);
    for bad in ["tomorrow", "60", "2y"] {
        let out = env
            .cmd()
            .args(["upload", "trip", "--url", &url, "--key", &key])
            .args(["--expiration", bad])
            .output()
            .expect("upload");
        assert!(!out.status.success(), "{}", describe(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("expiration"),
            "{}",
            describe(&out)
        );
    }
    assert_eq!(stored(env.root()), 0, "nothing was sent");
    // A short form is sent as ISO-8601 and honoured: a day, not five minutes.
    let out = env
        .cmd()
        .args(["upload", "trip", "--url", &url, "--key", &key, "--json"])
        .args(["--expiration", "1d"])
        .output()
        .expect("upload");
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(stored(env.root()), 2);
}

/// `upstage serve` on a fixed address over the same data dir (a restart).
fn serve_at(env: &Env, addr: &str) -> Guard {
    let mut child = env
        .cmd()
        .env("UPSTAGE_DATA_DIR", env.root().join("server-data"))
        .args(["serve", "--listen", addr])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting upstage serve");
    let out = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(out).lines();
    let guard = Guard(child);
    loop {
        match lines.next() {
            Some(Ok(l)) if l.starts_with("Upstage listening on") => break,
            Some(_) => {}
            None => panic!("upstage serve ended before listening"),
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    guard
}

/// Stop `upstage serve` the way Ctrl-C does (it finishes the requests it has).
fn interrupt(g: &mut Guard) {
    let pid = g.0.id().to_string();
    let ok = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(ok.success());
    g.0.wait().expect("wait serve");
}

fn wait_for(what: &str, child: &mut Child, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !cond() {
        if let Ok(Some(st)) = child.try_wait() {
            panic!("the upload ended ({st}) while waiting for {what}");
        }
        assert!(Instant::now() < deadline, "no {what} after 120 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn server_stopped_then_restarted_mid_batch_pauses_and_completes_with_no_duplicates() {
    const N: u32 = 16;
    let env = Env::new();
    let (first, url, key) = start_server(&env);
    let addr = url.trim_start_matches("http://").to_owned();
    drop(first);
    let mut server = serve_at(&env, &addr);
    photos(&env.root().join("many"), N, 1600);
    let journal = env.root().join("batch.tsv");
    let err_log = env.root().join("upload.err");
    let mut up = env
        .cmd()
        .args([
            "upload", "many", "-j", "2", "--url", &url, "--key", &key, "--json",
        ])
        .arg("--journal")
        .arg(&journal)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&err_log).expect("log"))
        .spawn()
        .expect("spawn upload");
    let lines = |p: &PathBuf| {
        std::fs::read_to_string(p)
            .map(|s| s.lines().count())
            .unwrap_or(0)
    };
    wait_for("3 journaled files", &mut up, || lines(&journal) >= 3);
    interrupt(&mut server);
    wait_for("the pause", &mut up, || {
        std::fs::read_to_string(&err_log).is_ok_and(|s| s.contains("server unreachable"))
    });
    assert!(
        lines(&journal) < N as usize,
        "the outage came too late to test"
    );
    let _server = serve_at(&env, &addr);
    let out = up.wait_with_output().expect("upload");
    let err = std::fs::read_to_string(&err_log).unwrap_or_default();
    assert!(out.status.success(), "{err}");
    assert!(err.contains("resuming"), "{err}");
    let (_, summary) = json_lines(&out);
    assert_eq!(summary["uploaded"], N as usize, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(stored(env.root()), N as usize, "each file exactly once");
}

#[test]
fn an_album_named_in_a_local_batch_is_one_album() {
    let env = Env::new();
    photos(&env.root().join("a"), 6, 64);
    photos(&env.root().join("b"), 3, 80);
    for dir in ["a", "b"] {
        let out = env
            .cmd()
            .args(["upload", dir, "--album", "Trip X", "-j", "4", "--json"])
            .output()
            .expect("upload");
        assert!(out.status.success(), "{}", describe(&out));
    }
    let db = env.data().join("upstage.db");
    let q = Command::new("sqlite3")
        .arg(&db)
        .arg("SELECT name, (SELECT COUNT(*) FROM images i WHERE i.album_id = a.id) FROM albums a")
        .output()
        .expect("the sqlite3 command-line tool is needed: apt-get install sqlite3");
    let rows = String::from_utf8_lossy(&q.stdout);
    assert_eq!(rows.trim(), "Trip X|9", "{rows}");
}
