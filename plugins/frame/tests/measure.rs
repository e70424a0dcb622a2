//! A measurement, not a test (it asserts only that the work succeeds): the time to process a 10 MB,
//! 1080p, 60 s MP4. Generating the video takes longer than the measurement, so it is ignored by
//! default. Run it with:
//!
//! `cargo test -p upstage-stage-frame --test measure -- --ignored --nocapture`

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;
use upstage_core::Limits;
use upstage_sdk::Format;

const RUNS: usize = 5;

#[test]
#[ignore = "slow: generates a 10 MB 1080p 60 s video; run with --ignored --nocapture"]
fn time_a_10_mb_1080p_60_s_mp4() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.mp4");
    let p = path.to_str().unwrap();
    let generate = Instant::now();
    assert!(ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=1920x1080:rate=30:duration=60",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-b:v",
        "1300k",
        "-pix_fmt",
        "yuv420p",
        p,
    ]));
    let bytes = std::fs::read(&path).unwrap();
    println!(
        "generated {:.2} MB, 1920x1080, 60 s in {:.1?}",
        bytes.len() as f64 / 1e6,
        generate.elapsed()
    );

    // The stage alone: probe + frame at 15 s + JPEG q90 of the frame.
    let (stage, tmp) = stage(json!({}));
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let (ctx, r) = process(stage.as_ref(), Format::Mp4, &bytes);
        r.unwrap();
        times.push(t.elapsed());
        assert_eq!(ctx.pixels.map(|p| p.width), Some(1920));
    }
    assert_clean(tmp.path());
    report("frame stage (probe + extract + JPEG)", &mut times);

    // The default pipeline: sniff, exif, frame, resize, medium (750), thumbnail (320x320).
    let p = pipeline(
        json!({ "temp_dir": tmp.path() }),
        Limits {
            max_bytes: 20_000_000,
            ..Limits::default()
        },
    );
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let ctx = p.run(input("long.mp4", &bytes)).unwrap();
        times.push(t.elapsed());
        last = Some(ctx);
    }
    report(
        "whole pipeline (probe + frame + medium + thumb)",
        &mut times,
    );
    if let Some(ctx) = last {
        let per_stage: Vec<String> = ctx
            .timings
            .iter()
            .map(|t| format!("{} {:.1?}", t.stage, t.elapsed))
            .collect();
        println!("  last run by stage: {}", per_stage.join(", "));
    }
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    println!(
        "{what}: median {:.0?}, min {:.0?}, max {:.0?} over {} runs",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        times.len()
    );
}
