//! Refusals that must not cost disk, and disk trouble that must not cost the answer, against the
//! real `upstage serve`: a bad `X-API-Key` is refused before the body is spooled; a full or
//! read-only spool directory (a real tmpfs, mounted here: the test needs root) is answered in
//! the Chevereto error shape after the body was read, and the server recovers with the disk.

// The fault tests' tmpfs (mount, remount, fill); the rest of their harness is not needed here.
#[allow(dead_code)]
#[path = "fault_support/inject.rs"]
mod inject;
mod serve_support;

use std::io::Write;
use std::time::{Duration, Instant};

use inject::Tmpfs;
use serve_support::*;

/// Every body goes to a temp file: the spool directory is what these tests are about (a body
/// kept in memory needs no disk until it is stored).
const TO_DISK: &str = "[server]\nbody_memory_mib = 0\n";

fn upload(server: &Server, file: &[u8]) -> Reply {
    let key = server.key.clone().expect("admin key");
    let body = multipart(&[], file);
    let head = upload_head(body.len(), &[("X-API-Key", &key)]);
    let mut s = connect(server.addr);
    s.write_all(&head).unwrap();
    // The whole body must be accepted: the server reads it even when it cannot keep it.
    s.write_all(&body)
        .expect("the server stopped reading the body");
    read_reply(&mut s).expect("an answer")
}

#[test]
fn a_header_key_is_checked_before_the_body_is_spooled() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), TO_DISK);
    let key = server.key.clone().expect("admin key");
    let big = noise_jpeg(1600, 1200, 5);
    assert!(big.len() > 2_000_000, "{}", big.len());
    // (X-API-Key, Expect: 100-continue, status, message)
    let cases = [
        ("chv_nope_0123", false, 400, "Invalid API key."),
        ("", false, 400, "No key provided"),
        ("chv_nope_0123", true, 400, "Invalid API key."),
        (key.as_str(), false, 200, ""),
    ];
    for (header, expect, status, message) in cases {
        let body = multipart(&[], &big);
        let mut extra = vec![("X-API-Key", header)];
        if expect {
            extra.push(("Expect", "100-continue"));
        }
        let mut s = connect(server.addr);
        s.write_all(&upload_head(body.len(), &extra)).unwrap();
        if expect {
            // Refused without the body ever being sent.
            let r = read_reply(&mut s).expect("an answer before the body");
            assert_eq!(r.status, status, "{r:?}");
            assert_eq!(r.json()["error"]["message"], message);
            continue;
        }
        let half = body.len() / 2;
        for piece in body[..half].chunks(65_536) {
            s.write_all(piece).unwrap();
            std::thread::sleep(Duration::from_millis(5));
        }
        let tmp = server.data().join("tmp");
        if status == 200 {
            let deadline = Instant::now() + Duration::from_secs(30);
            while files_under(&tmp).is_empty() {
                assert!(
                    Instant::now() < deadline,
                    "{header:?}: the body is not spooled"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        } else {
            // Absence has no moment to wait for: a spool file that should not exist gets a while.
            std::thread::sleep(Duration::from_millis(300));
            let spooled = files_under(&tmp);
            assert!(spooled.is_empty(), "{header:?}: {spooled:?}");
        }
        s.write_all(&body[half..])
            .expect("the body is read, not refused with a reset");
        let r = read_reply(&mut s).expect("an answer");
        assert_eq!(r.status, status, "{r:?}");
        if status != 200 {
            assert_eq!(r.json()["error"]["message"], message);
            assert_eq!(r.json()["error"]["code"], 100);
        }
    }
    assert_no_temp_leftovers(&server.data());
}

#[test]
fn a_full_or_read_only_spool_directory_is_answered_and_recovered_from() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("data/tmp");
    let disk = Tmpfs::mount(&tmp, "2m");
    let server = start(dir.path(), TO_DISK);
    let small = noise_jpeg(120, 90, 1);
    let big = noise_jpeg(1700, 1300, 2);
    assert!(big.len() > 2_200_000, "{}", big.len());

    let message = upload(&server, &big).chevereto_error(507);
    assert!(message.starts_with("Insufficient storage"), "{message}");
    assert_eq!(
        upload(&server, &small).status,
        200,
        "the failed spool was cleaned up"
    );

    // Nothing left at all: even a small upload cannot be spooled, until space returns.
    let filler = tmp.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    while f.write_all(&[0u8; 65_536]).is_ok() {}
    drop(f);
    upload(&server, &noise_jpeg(120, 90, 3)).chevereto_error(507);
    std::fs::remove_file(&filler).unwrap();
    assert_eq!(upload(&server, &noise_jpeg(120, 90, 4)).status, 200);

    disk.remount("ro");
    let message = upload(&server, &noise_jpeg(120, 90, 5)).chevereto_error(503);
    assert!(message.contains("not writable"), "{message}");
    disk.remount("rw");
    assert_eq!(upload(&server, &noise_jpeg(120, 90, 6)).status, 200);
    assert!(
        server.log().contains("spooling an upload"),
        "{}",
        server.log()
    );
    assert_no_temp_leftovers(&server.data());
}
