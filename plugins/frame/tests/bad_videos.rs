//! Broken and hostile inputs, limits, a missing ffmpeg and a hanging one: each gives a clear error
//! with the right code, and nothing is left in the stage's temp dir.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};
use upstage_core::Limits;
use upstage_sdk::{ErrorCode, Format, StageError};

/// Run the stage with `config` on `bytes`; it must fail, leave no temp file and no output.
fn fails(config: Value, format: Format, bytes: &[u8]) -> StageError {
    let (stage, tmp) = stage(config);
    let (ctx, r) = process(stage.as_ref(), format, bytes);
    let e = r.expect_err("the stage should fail");
    assert_clean(tmp.path());
    assert!(ctx.outputs.frame.is_none() && ctx.pixels.is_none());
    e
}

/// Deterministic noise (no `rand` needed): xorshift.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

#[test]
fn random_bytes_claiming_to_be_mp4_are_corrupt() {
    for seed in 1..=5 {
        let mut bytes = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2".to_vec();
        bytes.extend(noise(50_000, seed));
        let e = fails(json!({}), Format::Mp4, &bytes);
        assert_eq!(e.code, ErrorCode::Corrupt, "{e}");
        assert!(e.message.starts_with("Invalid video file provided"), "{e}");
        // ffmpeg's own reason, without the server's temp path.
        assert!(e.message.contains("moov atom not found"), "{e}");
        assert!(!e.message.contains("upstage-frame-"), "{e}");
    }
}

#[test]
fn truncated_mp4_is_truncated() {
    for (name, full) in [("index last", mp4()), ("faststart", mp4_faststart())] {
        let cut = &full[..full.len() * 3 / 10];
        let e = fails(json!({}), Format::Mp4, cut);
        assert_eq!(e.code, ErrorCode::Truncated, "{name}: {e}");
        assert!(e.message.contains("truncated"), "{e}");
    }
}

#[test]
fn truncated_webm_and_mov_are_truncated() {
    let e = fails(json!({}), Format::Webm, &webm()[..webm().len() * 3 / 10]);
    assert_eq!(e.code, ErrorCode::Truncated, "{e}");
    let e = fails(json!({}), Format::Mov, &mov()[..mov().len() / 2]);
    assert_eq!(e.code, ErrorCode::Truncated, "{e}");
}

#[test]
fn empty_input_is_an_empty_file() {
    let e = fails(json!({}), Format::Mp4, b"");
    assert_eq!(e.code, ErrorCode::EmptyFile, "{e}");
    assert!(e.message.contains("empty"), "{e}");
}

#[test]
fn zero_length_video_is_invalid() {
    let e = fails(json!({}), Format::Mp4, zero_length());
    assert_eq!(e.code, ErrorCode::Corrupt, "{e}");
    assert!(e.message.starts_with("Invalid video file provided"), "{e}");
    assert!(e.message.contains("zero-length"), "{e}");
}

#[test]
fn audio_only_file_has_no_video_stream() {
    let e = fails(json!({}), Format::Mp4, audio_only());
    assert_eq!(e.code, ErrorCode::UnsupportedFormat, "{e}");
    assert!(e.message.contains("no video stream"), "{e}");
}

#[test]
fn limits_on_size_and_duration() {
    let e = fails(
        json!({ "max_width": 640, "max_height": 480 }),
        Format::Mp4,
        mp4(),
    );
    assert_eq!(e.code, ErrorCode::TooManyPixels, "{e}");
    assert!(e.message.contains("1280x720"), "{e}");
    let e = fails(json!({ "max_duration_seconds": 5 }), Format::Mp4, mp4());
    assert_eq!(e.code, ErrorCode::TooLarge, "{e}");
    assert!(e.message.contains("too long"), "{e}");
    // Portrait within a landscape limit is fine either way round.
    let (stage, tmp) = stage(json!({ "max_width": 1280, "max_height": 720 }));
    process(stage.as_ref(), Format::Mp4, rotated()).1.unwrap();
    assert_clean(tmp.path());
}

#[test]
fn missing_ffmpeg_is_codec_unavailable_naming_the_tool() {
    let e = fails(
        json!({ "ffmpeg": "/nonexistent/ffmpeg" }),
        Format::Mp4,
        mp4(),
    );
    assert_eq!(e.code, ErrorCode::CodecUnavailable, "{e}");
    assert!(e.message.contains("needs ffmpeg"), "{e}");
    assert!(e.message.contains("UPSTAGE_FFMPEG"), "{e}");
    assert!(e.message.contains("/nonexistent/ffmpeg"), "{e}");
}

#[test]
fn missing_ffmpeg_does_not_break_images_in_the_pipeline() {
    let p = pipeline(
        json!({ "ffmpeg": "/nonexistent/ffmpeg" }),
        Limits::default(),
    );
    // A tiny real PNG goes through; a video fails with the stage and code named.
    let mut png = Vec::new();
    image::RgbImage::from_pixel(32, 16, image::Rgb([200, 10, 10]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let ctx = p.run(input("a.png", &png)).unwrap();
    assert!(ctx.outputs.thumb.is_some() && ctx.outputs.frame.is_none());
    let e = p.run(input("clip.mp4", mp4())).unwrap_err();
    assert_eq!(e.code, ErrorCode::CodecUnavailable);
    assert_eq!(e.stage.as_deref(), Some("frame"));
}

#[cfg(unix)]
fn write_script(dir: &Path, body: &str) -> std::path::PathBuf {
    use std::io::Write;
    let p = dir.join("fake-ffmpeg");
    // Written by a separate `sh` process, never through a file descriptor of this test process:
    // a child forked meanwhile by a parallel test would inherit such a descriptor and make
    // executing the script fail with ETXTBSY ("Text file busy").
    let mut sh = std::process::Command::new("sh")
        .arg("-c")
        .arg("cat > \"$0\" && chmod 755 \"$0\"")
        .arg(&p)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    sh.stdin
        .take()
        .unwrap()
        .write_all(format!("#!/bin/sh\n{body}\n").as_bytes())
        .unwrap();
    assert!(sh.wait().unwrap().success());
    p
}

/// A pid is gone, or a zombie waiting for a reaper that is not us (init in a container may not
/// reap at once).
#[cfg(unix)]
fn gone(pid: &str) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()));
    match stat {
        Err(_) => true,
        Ok(s) => s
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

#[cfg(unix)]
#[test]
fn hanging_ffmpeg_times_out_and_is_killed_with_its_children() {
    let bin = tempfile::tempdir().unwrap();
    let d = bin.path().display();
    // Records its pid and its child's, then hangs on the child (not `exec`: the child must die
    // through the process-group kill).
    let script = write_script(
        bin.path(),
        &format!("echo $$ > {d}/ffmpeg.pid\nsleep 30 &\necho $! > {d}/sleep.pid\nwait"),
    );
    // The fixture is made before the clock starts: on a loaded machine ffmpeg itself is slow.
    let video = mp4();
    let started = Instant::now();
    // Long enough for a loaded machine to start the script and write both pid files.
    let e = fails(
        json!({ "ffmpeg": script, "timeout_seconds": 5 }),
        Format::Mp4,
        video,
    );
    let took = started.elapsed();
    assert_eq!(e.code, ErrorCode::Timeout, "{e}");
    assert!(e.message.contains("did not finish within 5 s"), "{e}");
    // Not a speed check: the script would hang for 30 s unless the timeout killed it.
    assert!(took < Duration::from_secs(20), "took {took:?}");

    // One deadline for both, so the checks end well before `sleep 30` would end by itself.
    let deadline = Instant::now() + Duration::from_secs(5);
    for name in ["ffmpeg.pid", "sleep.pid"] {
        let pid = std::fs::read_to_string(bin.path().join(name))
            .unwrap_or_else(|e| panic!("{name} not written before the timeout: {e}"));
        while !gone(&pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(gone(&pid), "{name} {} still running", pid.trim());
    }
}

#[cfg(unix)]
#[test]
fn a_program_that_is_not_ffmpeg_is_reported() {
    let bin = tempfile::tempdir().unwrap();
    let script = write_script(bin.path(), "echo hello");
    let why = upstage_stage_frame::ffmpeg_available(&json!({ "ffmpeg": script })).unwrap_err();
    assert!(why.contains("does not behave like ffmpeg"), "{why}");
    // On a video that is the server's fault, not the upload's.
    let e = fails(json!({ "ffmpeg": script }), Format::Mp4, mp4());
    assert_eq!(e.code, ErrorCode::StageFailed, "{e}");
    assert!(e.message.contains("did not answer like ffmpeg"), "{e}");
}
