//! Taking one frame: `ffmpeg -ss T -i <file> -map 0:N -frames:v 1 -f rawvideo -pix_fmt rgb24 -`.
//! ffmpeg applies the stream's rotation itself (autorotate is on by default), so the frame comes
//! out upright and its size is the displayed one; that size is read from the output stream line
//! ffmpeg prints, and stdout must then hold exactly `w × h × 3` bytes.

use std::path::Path;
use std::time::Duration;

use ffmpeg_sidecar::command::FfmpegCommand;
use upstage_sdk::{ErrorCode, Format, PixelLayout, Raster, StageError};

use crate::probe::{add_input, invalid, parse, reason, VideoInfo};
use crate::run::run;

pub(crate) fn frame(
    ffmpeg: &Path,
    format: Format,
    file: &Path,
    info: &VideoInfo,
    at: f64,
    timeout: Duration,
) -> Result<Raster, StageError> {
    match frame_at(ffmpeg, format, file, info, at, timeout)? {
        Some(r) => Ok(r),
        // Nothing decodes at `at`: the container's duration can be longer than the video track
        // (a longer audio track). The first frame is still a good poster.
        None if at > 0.0 => frame_at(ffmpeg, format, file, info, 0.0, timeout)?
            .ok_or_else(|| invalid("no frame could be decoded")),
        None => Err(invalid("no frame could be decoded")),
    }
}

/// `Ok(None)` when ffmpeg ran but produced no frame.
fn frame_at(
    ffmpeg: &Path,
    format: Format,
    file: &Path,
    info: &VideoInfo,
    at: f64,
    timeout: Duration,
) -> Result<Option<Raster>, StageError> {
    let mut cmd = FfmpegCommand::new_with_path(ffmpeg);
    add_input(&mut cmd, format, file, Some(at));
    cmd.map(format!("0:{}", info.stream_index))
        .frames(1)
        .format("rawvideo")
        .pix_fmt("rgb24")
        .output("pipe:1");
    // Rotation swaps the sides but keeps the area, so the probed size bounds the frame exactly.
    let expected = u64::from(info.width) * u64::from(info.height) * 3;
    let cap = usize::try_from(expected).map_err(|_| too_big(info))?;
    let finished = run(cmd, timeout, cap)?;

    if finished.stdout.is_empty() {
        // A clean run without a frame: nothing to decode at `at`. A failed one: say why.
        if finished.status.success() || finished.errors.is_empty() {
            return Ok(None);
        }
        return Err(invalid(&format!(
            "ffmpeg could not decode it{}",
            reason(&finished.errors, file)
        )));
    }
    let parsed = parse(&finished.events);
    let Some((w, h)) = parsed.outputs.iter().find_map(|s| s.video) else {
        return Err(StageError::new(
            ErrorCode::StageFailed,
            "ffmpeg returned a frame but its size could not be read from its log",
        ));
    };
    if finished.stdout_overflow || u64::from(w) * u64::from(h) * 3 != finished.stdout.len() as u64 {
        return Err(invalid(&format!(
            "ffmpeg returned {}{} bytes for a {w}x{h} frame",
            finished.stdout.len(),
            if finished.stdout_overflow { "+" } else { "" },
        )));
    }
    Ok(Raster::new(w, h, PixelLayout::Rgb8, finished.stdout))
}

fn too_big(info: &VideoInfo) -> StageError {
    StageError::new(
        ErrorCode::TooManyPixels,
        format!("Video frame too large: {}x{}", info.width, info.height),
    )
}
