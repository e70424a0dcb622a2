//! Real videos (MP4, WebM, MOV) through the frame stage alone and through the default pipeline.

mod common;

use common::*;
use serde_json::json;
use upstage_core::Limits;
use upstage_sdk::{Format, PixelLayout};

/// Everything the stage promises for a good video of `w`×`h`, ~8 s.
fn assert_framed(format: Format, bytes: &[u8], w: u32, h: u32, codec: &str) {
    let (stage, tmp) = stage(json!({}));
    let (ctx, r) = process(stage.as_ref(), format, bytes);
    r.unwrap_or_else(|e| panic!("{format}: {e}"));
    assert_clean(tmp.path());

    let d = ctx.meta.duration_seconds.expect("duration set");
    assert!((d - 8.0).abs() < 0.1, "{format}: duration {d}");
    assert_eq!(ctx.meta.video_codec.as_deref(), Some(codec), "{format}");
    assert_eq!((ctx.meta.stored_width, ctx.meta.stored_height), (w, h));
    assert_eq!((ctx.meta.orientation, ctx.meta.frames), (1, 1));
    assert_eq!(ctx.main_size(), (w, h));

    let frame = ctx.outputs.frame.as_ref().expect("frame output");
    assert_eq!(frame.format, Format::Jpeg);
    assert_eq!((frame.width, frame.height), (w, h));
    assert_eq!(
        jpeg_size(&frame.bytes),
        (w, h),
        "{format}: the JPEG's own size"
    );

    let pixels = ctx
        .pixels
        .as_ref()
        .expect("pixels left for medium/thumbnail");
    assert_eq!((pixels.width, pixels.height), (w, h));
    assert_eq!(pixels.layout, PixelLayout::Rgb8);
    // testsrc is colourful: a frame of one flat value would mean nothing was decoded.
    assert!(pixels.data.iter().any(|&b| b != pixels.data[0]));
    // The main file stays the uploaded video; the stage makes no main output.
    assert!(ctx.outputs.main.is_none());
}

#[test]
fn mp4_gets_duration_size_codec_frame_and_pixels() {
    assert_framed(Format::Mp4, mp4(), 1280, 720, "h264");
}

#[test]
fn webm_gets_duration_size_codec_frame_and_pixels() {
    assert_framed(Format::Webm, webm(), 640, 360, "vp9");
}

#[test]
fn mov_gets_duration_size_codec_frame_and_pixels() {
    assert_framed(Format::Mov, mov(), 480, 270, "h264");
}

#[test]
fn full_hd_video_gives_full_width_pixels() {
    let (stage, tmp) = stage(json!({}));
    let (ctx, r) = process(stage.as_ref(), Format::Mp4, full_hd());
    r.unwrap();
    assert_clean(tmp.path());
    let p = ctx.pixels.unwrap();
    assert_eq!((p.width, p.height), (1920, 1080));
    assert_eq!(p.data.len(), 1920 * 1080 * 3);
    // 4 s long: the frame is taken at floor(4 / 4) = 1 s, still inside the video.
    assert_eq!(ctx.meta.duration_seconds.map(f64::round), Some(4.0));
}

#[test]
fn rotated_video_gives_an_upright_frame_with_displayed_size() {
    let (stage, tmp) = stage(json!({}));
    let (ctx, r) = process(stage.as_ref(), Format::Mp4, rotated());
    r.unwrap();
    assert_clean(tmp.path());
    // Stored 1280×720 with a 90° display rotation: shown (and framed) as 720×1280.
    assert_eq!((ctx.meta.stored_width, ctx.meta.stored_height), (720, 1280));
    assert_eq!(ctx.meta.orientation, 1);
    let f = ctx.outputs.frame.unwrap();
    assert_eq!(jpeg_size(&f.bytes), (720, 1280));
}

#[test]
fn video_shorter_than_its_audio_falls_back_to_the_first_frame() {
    let (stage, tmp) = stage(json!({}));
    let (ctx, r) = process(stage.as_ref(), Format::Mp4, short_video_long_audio());
    r.unwrap();
    assert_clean(tmp.path());
    assert!(ctx.meta.duration_seconds.unwrap() > 7.0);
    assert_eq!(jpeg_size(&ctx.outputs.frame.unwrap().bytes), (320, 240));
}

#[test]
fn images_pass_through_untouched() {
    // Even with no ffmpeg: image uploads must not depend on it.
    let (stage, tmp) = stage(json!({ "ffmpeg": "/nonexistent/ffmpeg" }));
    let (ctx, r) = process(stage.as_ref(), Format::Png, b"\x89PNG not really");
    r.unwrap();
    assert!(ctx.outputs.frame.is_none() && ctx.pixels.is_none());
    assert!(ctx.meta.duration_seconds.is_none());
    assert_clean(tmp.path());
}

#[test]
fn one_stage_serves_parallel_items() {
    let (stage, tmp) = stage(json!({}));
    std::thread::scope(|s| {
        let handles: Vec<_> = [
            (Format::Mp4, mp4()),
            (Format::Webm, webm()),
            (Format::Mov, mov()),
            (Format::Mp4, mp4()),
        ]
        .into_iter()
        .map(|(f, b)| {
            let stage = stage.as_ref();
            s.spawn(move || process(stage, f, b).1)
        })
        .collect();
        for h in handles {
            h.join().unwrap().unwrap();
        }
    });
    assert_clean(tmp.path());
}

#[test]
fn pipeline_makes_frame_thumb_and_medium_from_a_wide_video() {
    let tmp = tempfile::tempdir().unwrap();
    let p = pipeline(json!({ "temp_dir": tmp.path() }), Limits::default());
    let ctx = p.run(input("clip.mp4", mp4())).unwrap();
    assert_eq!(ctx.format, Format::Mp4);
    assert_eq!(ctx.main_size(), (1280, 720));
    let frame = ctx.outputs.frame.as_ref().unwrap();
    assert_eq!(jpeg_size(&frame.bytes), (1280, 720));
    // Wider than 750: a medium, made from the frame, as JPEG (chain 23).
    let medium = ctx
        .outputs
        .medium
        .as_ref()
        .expect("medium for a 1280-wide video");
    assert_eq!((medium.format, medium.width), (Format::Jpeg, 750));
    assert_eq!(jpeg_size(&medium.bytes), (750, 422));
    let thumb = ctx.outputs.thumb.as_ref().unwrap();
    assert_eq!(thumb.format, Format::Jpeg);
    assert_eq!(jpeg_size(&thumb.bytes), (320, 320));
    assert!(
        ctx.outputs.main.is_none(),
        "the video itself is stored as uploaded"
    );
    // The frame stage made the pixels: the pipeline did not try to decode the video itself.
    assert!(!ctx.timings.iter().any(|t| t.stage == "decode"));
    assert_clean(tmp.path());
}

#[test]
fn pipeline_makes_no_medium_for_a_narrow_video() {
    let tmp = tempfile::tempdir().unwrap();
    let p = pipeline(json!({ "temp_dir": tmp.path() }), Limits::default());
    for (name, bytes) in [("clip.webm", webm()), ("clip.mov", mov())] {
        let ctx = p.run(input(name, bytes)).unwrap();
        assert!(ctx.outputs.frame.is_some(), "{name}");
        assert!(
            ctx.outputs.medium.is_none(),
            "{name}: narrower than 750 (chain 21)"
        );
        let thumb = ctx.outputs.thumb.as_ref().unwrap();
        assert_eq!(jpeg_size(&thumb.bytes), (320, 320), "{name}");
    }
    assert_clean(tmp.path());
}

#[test]
fn ffmpeg_availability_is_reported() {
    let line = upstage_stage_frame::ffmpeg_available(&json!(null)).unwrap();
    assert!(line.starts_with("ffmpeg "), "{line}");
    let why = upstage_stage_frame::ffmpeg_available(&json!({ "ffmpeg": "/nonexistent/ffmpeg" }))
        .unwrap_err();
    assert!(
        why.contains("needs ffmpeg") && why.contains("/nonexistent/ffmpeg"),
        "{why}"
    );
}
