//! Test videos made with ffmpeg on the fly (no binaries in the repo), and helpers to run the stage.
//! Each fixture is generated once per test binary, in a temp dir kept for the binary's lifetime.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use serde_json::{json, Value};
use tempfile::TempDir;
use upstage_core::{Input, Limits, Pipeline, StageRegistry, StageSpec};
use upstage_sdk::{Format, ItemContext, Stage, StageError, StageFactory, UploadOptions};
use upstage_stage_frame::FrameStageFactory;

fn fixtures_dir() -> &'static Path {
    static DIR: OnceLock<TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

/// Run the ffmpeg on PATH (the tests need it: CI installs Debian's `ffmpeg`).
pub fn ffmpeg(args: &[&str]) -> bool {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-y"])
        .args(args)
        .output()
        .expect("these tests need ffmpeg on PATH (apt-get install ffmpeg)");
    if !out.status.success() {
        eprintln!("ffmpeg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    out.status.success()
}

/// Generate `name` once with `args` (the output path is appended) and return its bytes.
fn generated(cell: &'static OnceLock<Vec<u8>>, name: &str, args: &str) -> &'static [u8] {
    cell.get_or_init(|| {
        let path = fixtures_dir().join(name);
        let mut all: Vec<&str> = args.split_whitespace().collect();
        let p = path.to_str().expect("utf-8 temp path");
        all.push(p);
        assert!(ffmpeg(&all), "could not generate {name}");
        std::fs::read(&path).expect("read generated video")
    })
}

/// 1280×720, 25 fps, 8 s, H.264 in MP4 (index at the end, ffmpeg's default).
pub fn mp4() -> &'static [u8] {
    static V: OnceLock<Vec<u8>> = OnceLock::new();
    generated(
        &V,
        "clip.mp4",
        "-f lavfi -i testsrc=size=1280x720:rate=25:duration=8 -c:v libx264 -preset veryfast -pix_fmt yuv420p",
    )
}

/// The same with the index first (`faststart`): ffmpeg alone would not notice a cut.
pub fn mp4_faststart() -> &'static [u8] {
    static V: OnceLock<Vec<u8>> = OnceLock::new();
    generated(
        &V,
        "faststart.mp4",
        "-f lavfi -i testsrc=size=320x240:rate=25:duration=8 -c:v libx264 -preset veryfast -pix_fmt yuv420p -movflags +faststart",
    )
}

/// 640×360, 8 s, VP9 in WebM (narrower than the 750 medium: no medium).
pub fn webm() -> &'static [u8] {
    static V: OnceLock<Vec<u8>> = OnceLock::new();
    generated(
        &V,
        "clip.webm",
        "-f lavfi -i testsrc=size=640x360:rate=25:duration=8 -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -pix_fmt yuv420p -f webm",
    )
}

/// 480×270, 8 s, H.264 in a QuickTime MOV.
pub fn mov() -> &'static [u8] {
    static V: OnceLock<Vec<u8>> = OnceLock::new();
    generated(
        &V,
        "clip.mov",
        "-f lavfi -i testsrc=size=480x270:rate=25:duration=8 -c:v libx264 -preset veryfast -pix_fmt yuv420p -f mov",
    )
}

/// 1920×1080, 4 s, MP4.
pub fn full_hd() -> &'static [u8] {
    static V: OnceLock<Vec<u8>> = OnceLock::new();
    generated(
        &V,
        "fullhd.mp4",
        "-f lavfi -i testsrc=size=1920x1080:rate=10:duration=4 -c:v libx264 -preset ultrafast -pix_fmt yuv420p",
    )
}

/// 1 s of 320×240 video with 8 s of audio: the container lasts 8 s, so nothing decodes at 2 s.
pub fn short_video_long_audio() -> &'static [u8] {
    static V: OnceLock<Vec<u8>> = OnceLock::new();
    generated(
        &V,
        "short-video.mp4",
        "-f lavfi -i testsrc=size=320x240:rate=25:duration=1 -f lavfi -i sine=duration=8 \
         -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac",
    )
}

/// 2 s of AAC audio in an M4A (an MP4 with no video stream).
pub fn audio_only() -> &'static [u8] {
    static V: OnceLock<Vec<u8>> = OnceLock::new();
    generated(&V, "audio.m4a", "-f lavfi -i sine=duration=2 -c:a aac")
}

/// A valid MP4 holding no frame at all: duration 0.
pub fn zero_length() -> &'static [u8] {
    static V: OnceLock<Vec<u8>> = OnceLock::new();
    generated(
        &V,
        "zero.mp4",
        "-f lavfi -i testsrc=size=320x240:rate=25:duration=1 -frames:v 0 -c:v libx264",
    )
}

/// The MOV fixture's frames stored landscape with a 90° display rotation.
pub fn rotated() -> &'static [u8] {
    static V: OnceLock<Vec<u8>> = OnceLock::new();
    V.get_or_init(|| {
        let src = fixtures_dir().join("rot-src.mp4");
        std::fs::write(&src, mp4()).expect("write");
        let out = fixtures_dir().join("rotated.mp4");
        let (s, o) = (src.to_str().unwrap(), out.to_str().unwrap());
        // ffmpeg ≥ 6 has -display_rotation; older ones (Debian 12's 5.1) take the rotate tag.
        let ok = ffmpeg(&["-display_rotation", "90", "-i", s, "-c", "copy", o])
            || ffmpeg(&["-i", s, "-c", "copy", "-metadata:s:v:0", "rotate=90", o]);
        assert!(ok, "could not make a rotated video");
        std::fs::read(&out).expect("read")
    })
}

/// A stage with `config`, its temp files going to a fresh dir (returned for inspection).
pub fn stage(config: Value) -> (Box<dyn Stage>, TempDir) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut config = config;
    config["temp_dir"] = json!(tmp.path());
    let stage = FrameStageFactory.create(&config).expect("create stage");
    (stage, tmp)
}

pub fn ctx(format: Format, bytes: &[u8]) -> ItemContext {
    ItemContext::new(
        format!("upload.{}", format.extension()),
        format,
        UploadOptions::default(),
        bytes.to_vec(),
    )
}

/// Run the stage on `bytes` sniffed as `format`.
pub fn process(
    stage: &dyn Stage,
    format: Format,
    bytes: &[u8],
) -> (ItemContext, Result<(), StageError>) {
    let mut c = ctx(format, bytes);
    let r = stage.process(&mut c);
    (c, r)
}

/// The stage left nothing in its temp dir.
pub fn assert_clean(dir: &Path) {
    let left: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read temp dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert!(left.is_empty(), "temp files left behind: {left:?}");
}

/// The default pipeline with the frame stage where the lead will put it.
pub fn pipeline(frame_config: Value, limits: Limits) -> Pipeline {
    let mut r = StageRegistry::new();
    r.register(Arc::new(upstage_stage_exif::ExifStageFactory))
        .unwrap();
    r.register(Arc::new(FrameStageFactory)).unwrap();
    r.register(Arc::new(upstage_stage_resize::ResizeStageFactory))
        .unwrap();
    r.register(Arc::new(upstage_stage_medium::MediumStageFactory))
        .unwrap();
    r.register(Arc::new(upstage_stage_thumbnail::ThumbnailStageFactory))
        .unwrap();
    let mut specs = ["exif", "frame", "resize", "medium", "thumbnail"].map(StageSpec::named);
    specs[1].config = frame_config;
    Pipeline::new(r.build(&specs).expect("build pipeline"), limits)
}

pub fn input(name: &str, bytes: &[u8]) -> Input {
    Input::from_bytes(name, bytes.to_vec())
}

/// Decode a JPEG output and return its size.
pub fn jpeg_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF], "not a JPEG");
    let img =
        image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg).expect("valid JPEG");
    (img.width(), img.height())
}
