//! Limits are enforced from headers, before decode: bombs are refused fast and cheaply.

mod common;

use std::time::{Duration, Instant};

use upstage_core::{Input, Limits, Pipeline};
use upstage_sdk::ErrorCode;

fn run(bytes: Vec<u8>, limits: Limits) -> Result<(), upstage_core::ItemError> {
    Pipeline::new(vec![], limits)
        .run(Input::from_bytes("x", bytes))
        .map(|_| ())
}

#[test]
fn a_30000_square_png_is_refused_before_decode() {
    let start = Instant::now();
    let err = run(common::png_claiming(30_000, 30_000), Limits::default()).unwrap_err();
    assert_eq!(err.code, ErrorCode::TooManyPixels);
    assert!(err.message.contains("30000x30000"), "{}", err.message);
    assert!(start.elapsed() < Duration::from_secs(1));
    // 30000² RGB would be 2.7 GB decoded; the whole test binary stays far below that.
    if let Some(mb) = common::peak_rss_mb() {
        assert!(mb < 300, "peak RSS {mb} MB");
    }
}

#[test]
fn a_gif_with_5000_frames_is_refused_fast() {
    let gif = common::gif_frames(5_000);
    let start = Instant::now();
    let err = run(gif, Limits::default()).unwrap_err();
    assert_eq!(err.code, ErrorCode::TooManyFrames);
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn frame_and_byte_limits_are_configurable() {
    let gif = common::gif_frames(12);
    let tight = Limits {
        max_frames: 10,
        ..Limits::default()
    };
    assert_eq!(
        run(gif.clone(), tight).unwrap_err().code,
        ErrorCode::TooManyFrames
    );
    assert!(run(gif.clone(), Limits::default()).is_ok());
    let small = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    assert_eq!(run(gif, small).unwrap_err().code, ErrorCode::TooLarge);
}

#[test]
fn oversize_files_are_refused_before_they_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.png");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(50_000_000).unwrap(); // sparse: refusing must not need to read it
    let err = Pipeline::new(vec![], Limits::default())
        .run(Input::from_path(&path))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::TooLarge);
    assert!(err.message.contains("10 MB"), "{}", err.message);
}
