//! The `frame` stage: for a video, probe it with ffmpeg (size, duration, codec), take one frame at
//! `floor(duration / 4)` seconds like the reference, store it as the chain's frame (`.fr.jpeg`) and
//! leave it as the item's working pixels, so `medium` and `thumbnail` after it make the video's
//! thumb (and medium, when wider than 750) from the frame without any decode of their own.
//!
//! ffmpeg runs as a separate program through ffmpeg-sidecar: found at the `ffmpeg` setting, else
//! `UPSTAGE_FFMPEG`, else on `PATH`, and never downloaded. Each run has a deadline and is killed
//! past it. The upload is written to a temp file (MP4's index may sit at the end, so ffmpeg needs
//! to seek) that is removed however the stage ends. Images pass through untouched.

mod container;
mod extract;
mod locate;
mod probe;
mod run;

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use ffmpeg_sidecar::command::FfmpegCommand;
use ffmpeg_sidecar::log_parser::try_parse_version;
use tempfile::NamedTempFile;
use upstage_imaging::{encode, EncodeOptions};
use upstage_sdk::{
    ErrorCode, Format, ItemContext, MediaKind, Needs, Output, Stage, StageConfig, StageError,
    StageFactory,
};

pub use locate::ENV_VAR as FFMPEG_ENV_VAR;

/// The frame's JPEG quality: what the reference's image library uses.
const JPEG_QUALITY: u8 = 90;

/// Settings of the stage (`[stage.frame]` in `upstage.toml`).
#[derive(Clone, Debug, PartialEq)]
pub struct FrameConfig {
    /// Path (or bare name, looked up on `PATH`) of ffmpeg; `None`: `UPSTAGE_FFMPEG`, then `PATH`.
    pub ffmpeg: Option<PathBuf>,
    /// Deadline of each ffmpeg run.
    pub timeout: Duration,
    /// Longest video accepted, in seconds.
    pub max_duration_seconds: f64,
    /// Largest video accepted; a portrait video may have the sides the other way round.
    pub max_width: u32,
    pub max_height: u32,
    /// Where the upload's temp copy goes; `None`: the system temp dir.
    pub temp_dir: Option<PathBuf>,
}

impl Default for FrameConfig {
    fn default() -> Self {
        FrameConfig {
            ffmpeg: None,
            timeout: Duration::from_secs(30),
            max_duration_seconds: 3600.0,
            max_width: 7680,
            max_height: 4320,
            temp_dir: None,
        }
    }
}

impl FrameConfig {
    /// Read the stage's table; absent keys keep their defaults, wrong values are `Config` errors.
    pub fn from_config(config: &StageConfig) -> Result<Self, StageError> {
        let mut c = FrameConfig::default();
        if config.is_null() {
            return Ok(c);
        }
        if !config.is_object() {
            return Err(bad("the frame stage's settings must be a table"));
        }
        if let Some(v) = config.get("ffmpeg") {
            c.ffmpeg = Some(path(v, "ffmpeg")?);
        }
        if let Some(v) = config.get("temp_dir") {
            c.temp_dir = Some(path(v, "temp_dir")?);
        }
        if let Some(v) = config.get("timeout_seconds") {
            let s = seconds(v, "timeout_seconds", 86_400.0)?;
            c.timeout = Duration::from_secs_f64(s);
        }
        if let Some(v) = config.get("max_duration_seconds") {
            c.max_duration_seconds = seconds(v, "max_duration_seconds", 1e7)?;
        }
        if let Some(v) = config.get("max_width") {
            c.max_width = side(v, "max_width")?;
        }
        if let Some(v) = config.get("max_height") {
            c.max_height = side(v, "max_height")?;
        }
        Ok(c)
    }

    /// Whether a `w`×`h` video is within the limits, either way round.
    fn fits(&self, w: u32, h: u32) -> bool {
        (w <= self.max_width && h <= self.max_height)
            || (w <= self.max_height && h <= self.max_width)
    }
}

fn bad(message: impl Into<String>) -> StageError {
    StageError::new(ErrorCode::Config, message)
}

fn path(v: &serde_json::Value, key: &str) -> Result<PathBuf, StageError> {
    v.as_str()
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .ok_or_else(|| bad(format!("{key} must be a non-empty path")))
}

fn seconds(v: &serde_json::Value, key: &str, max: f64) -> Result<f64, StageError> {
    v.as_f64()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= max)
        .ok_or_else(|| {
            bad(format!(
                "{key} must be a number of seconds, > 0 and <= {max}"
            ))
        })
}

fn side(v: &serde_json::Value, key: &str) -> Result<u32, StageError> {
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        // The frame is JPEG-encoded, and JPEG sides are 16-bit.
        .filter(|n| (16..=65_535).contains(n))
        .ok_or_else(|| bad(format!("{key} must be 16..=65535")))
}

#[derive(Debug)]
pub struct FrameStage {
    config: FrameConfig,
}

impl FrameStage {
    pub fn new(config: FrameConfig) -> Self {
        FrameStage { config }
    }

    pub fn config(&self) -> &FrameConfig {
        &self.config
    }

    /// A temp copy of the upload for ffmpeg. `NamedTempFile` deletes it when dropped: on success,
    /// on every error return, and while unwinding from a panic.
    fn temp_copy(&self, format: Format, bytes: &[u8]) -> Result<NamedTempFile, StageError> {
        let dir = self
            .config
            .temp_dir
            .clone()
            .unwrap_or_else(std::env::temp_dir);
        let io = |e: std::io::Error| {
            StageError::new(
                ErrorCode::Io,
                format!(
                    "cannot write the video to a temp file in {}: {e}",
                    dir.display()
                ),
            )
        };
        let mut file = tempfile::Builder::new()
            .prefix("upstage-frame-")
            .suffix(&format!(".{}", format.extension()))
            .tempfile_in(&dir)
            .map_err(io)?;
        file.write_all(bytes).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(file)
    }

    fn check_limits(&self, info: &probe::VideoInfo) -> Result<(), StageError> {
        let c = &self.config;
        if !c.fits(info.width, info.height) {
            return Err(StageError::new(
                ErrorCode::TooManyPixels,
                format!(
                    "Video too large: {}x{}, the limit is {}x{}",
                    info.width, info.height, c.max_width, c.max_height
                ),
            ));
        }
        if info.duration > c.max_duration_seconds {
            return Err(StageError::new(
                ErrorCode::TooLarge,
                format!(
                    "Video too long: {:.0} s, the limit is {:.0} s",
                    info.duration, c.max_duration_seconds
                ),
            ));
        }
        Ok(())
    }
}

impl Stage for FrameStage {
    fn name(&self) -> &str {
        "frame"
    }

    /// The stage makes its own pixels (the frame); it never asks the pipeline for a decode.
    fn needs(&self, _ctx: &ItemContext) -> Needs {
        Needs::Metadata
    }

    fn process(&self, ctx: &mut ItemContext) -> Result<(), StageError> {
        if ctx.format.kind() != MediaKind::Video {
            return Ok(());
        }
        if ctx.original.is_empty() {
            return Err(StageError::new(
                ErrorCode::EmptyFile,
                "Invalid video file provided: the file is empty",
            ));
        }
        if container::check(ctx.format, &ctx.original) == container::Verdict::Truncated {
            return Err(StageError::new(
                ErrorCode::Truncated,
                "Invalid video file provided: the file is truncated (it ends before its last part)",
            ));
        }
        let ffmpeg = locate::find(self.config.ffmpeg.as_deref())?;
        let file = self.temp_copy(ctx.format, &ctx.original)?;
        let timeout = self.config.timeout;

        let info = probe::probe(&ffmpeg, ctx.format, file.path(), timeout)?;
        self.check_limits(&info)?;
        // The reference: `(int)(duration / 4)` seconds.
        let at = (info.duration / 4.0).floor();
        let frame = extract::frame(&ffmpeg, ctx.format, file.path(), &info, at, timeout)?;
        drop(file);

        let bytes = encode(
            &frame,
            Format::Jpeg,
            EncodeOptions {
                quality: JPEG_QUALITY,
                ..EncodeOptions::default()
            },
        )?;
        // ffmpeg has applied any rotation: the frame's size is the displayed one, upright.
        ctx.meta.stored_width = frame.width;
        ctx.meta.stored_height = frame.height;
        ctx.meta.orientation = 1;
        ctx.meta.frames = 1;
        ctx.meta.is_animated = false;
        ctx.meta.duration_seconds = Some(info.duration);
        ctx.meta.video_codec = Some(info.codec);
        ctx.outputs.frame = Some(Output {
            bytes,
            format: Format::Jpeg,
            width: frame.width,
            height: frame.height,
        });
        ctx.pixels = Some(frame);
        Ok(())
    }
}

pub struct FrameStageFactory;

impl StageFactory for FrameStageFactory {
    fn name(&self) -> &str {
        "frame"
    }

    fn description(&self) -> &str {
        "Video frame at duration/4 via ffmpeg (`ffmpeg`, `timeout_seconds`, `max_duration_seconds`, \
         `max_width`, `max_height`, `temp_dir`); the thumb and medium are made from it"
    }

    /// Succeeds without ffmpeg: images must keep working; video items then fail with
    /// `CodecUnavailable`, and [`ffmpeg_available`] reports why.
    fn create(&self, config: &StageConfig) -> Result<Box<dyn Stage>, StageError> {
        Ok(Box::new(FrameStage::new(FrameConfig::from_config(config)?)))
    }
}

/// Whether video processing can work with these settings: `Ok` with a line naming the ffmpeg
/// version and path, or `Err` saying why not. For `upstage doctor` / `upstage config show`.
pub fn ffmpeg_available(config: &StageConfig) -> Result<String, String> {
    let config = FrameConfig::from_config(config).map_err(|e| e.message)?;
    let ffmpeg = locate::find(config.ffmpeg.as_deref()).map_err(|e| e.message)?;
    let mut cmd = FfmpegCommand::new_with_path(&ffmpeg);
    cmd.args(["-hide_banner", "-nostdin", "-version"]);
    let finished = run::run(cmd, config.timeout.min(Duration::from_secs(10)), 64 * 1024)
        .map_err(|e| e.message)?;
    let first_line = String::from_utf8_lossy(&finished.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    match try_parse_version(&first_line) {
        Some(version) if finished.status.success() => {
            Ok(format!("ffmpeg {version} at {}", ffmpeg.display()))
        }
        _ => Err(format!(
            "{} does not behave like ffmpeg (`-version` printed {:?})",
            ffmpeg.display(),
            first_line
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::*;

    #[test]
    fn config_defaults_and_validation() {
        let c = FrameConfig::from_config(&StageConfig::Null).unwrap();
        assert_eq!(c, FrameConfig::default());
        assert_eq!(c.timeout, Duration::from_secs(30));

        let c = FrameConfig::from_config(&json!({
            "ffmpeg": "/opt/ffmpeg", "timeout_seconds": 0.5, "max_duration_seconds": 60,
            "max_width": 1920, "max_height": 1080, "temp_dir": "/var/tmp"
        }))
        .unwrap();
        assert_eq!(c.ffmpeg.as_deref(), Some(Path::new("/opt/ffmpeg")));
        assert_eq!(c.timeout, Duration::from_millis(500));
        assert_eq!((c.max_width, c.max_height), (1920, 1080));
        assert!(c.fits(1080, 1920) && !c.fits(1921, 1080));

        for bad in [
            json!({"timeout_seconds": 0}),
            json!({"timeout_seconds": "30"}),
            json!({"max_width": 0}),
            json!({"ffmpeg": ""}),
            json!([1]),
        ] {
            let e = FrameConfig::from_config(&bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::Config, "{bad}");
        }
    }
}
