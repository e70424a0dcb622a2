//! Probing: `ffmpeg -i <file>` with no output prints the container's duration and its streams and
//! exits. ffmpeg-sidecar's parser turns those lines into `ParsedDuration` / `ParsedInputStream`
//! events; this module reads them into the facts the stage needs.

use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use ffmpeg_sidecar::command::FfmpegCommand;
use ffmpeg_sidecar::event::{FfmpegEvent, Stream};
use upstage_sdk::{ErrorCode, Format, StageError};

use crate::run::{run, Finished};

/// What the stage needs to know about a video before taking its frame.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct VideoInfo {
    /// Coded size of the video stream (before any rotation).
    pub width: u32,
    pub height: u32,
    /// Container duration in seconds, > 0.
    pub duration: f64,
    /// Codec of the video stream, as ffmpeg names it (`h264`, `vp9`, …).
    pub codec: String,
    /// Index of that stream in the file, for `-map 0:N`.
    pub stream_index: u32,
}

/// One stream line, from the sidecar's parse or from [`fallback_stream`].
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StreamLine {
    pub index: u32,
    pub codec: String,
    /// `Some((w, h))` for video streams.
    pub video: Option<(u32, u32)>,
    /// Cover art is stored as a one-picture video stream; it is not the video.
    pub attached_pic: bool,
}

/// What a run's log says about input #0 and output #0.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    /// ffmpeg opened the input (it printed `Input #0`).
    pub opened: bool,
    pub duration: Option<f64>,
    pub inputs: Vec<StreamLine>,
    pub outputs: Vec<StreamLine>,
}

/// The input options every run uses: the demuxer forced from the sniffed format, and only the
/// `file` protocol. Forcing the demuxer stops ffmpeg from probing the bytes as something else
/// (an HLS playlist or `concat` script could make it open other files or URLs).
pub(crate) fn add_input(cmd: &mut FfmpegCommand, format: Format, file: &Path, seek: Option<f64>) {
    cmd.args(["-hide_banner", "-nostdin", "-protocol_whitelist", "file"]);
    if let Some(at) = seek {
        cmd.args(["-ss", &format!("{at:.3}")]);
    }
    let demuxer = match format {
        Format::Webm => "matroska",
        _ => "mov",
    };
    let mut url = OsString::from("file:");
    url.push(file.as_os_str());
    cmd.format(demuxer).input(url);
}

pub(crate) fn probe(
    ffmpeg: &Path,
    format: Format,
    file: &Path,
    timeout: Duration,
) -> Result<VideoInfo, StageError> {
    let mut cmd = FfmpegCommand::new_with_path(ffmpeg);
    add_input(&mut cmd, format, file, None);
    // No output: ffmpeg prints the input and exits with "At least one output file must be
    // specified", so the exit status says nothing here; the log does.
    let finished = run(cmd, timeout, 0)?;
    interpret(&finished, ffmpeg, file)
}

fn interpret(finished: &Finished, ffmpeg: &Path, file: &Path) -> Result<VideoInfo, StageError> {
    let p = parse(&finished.events);
    if !p.opened && finished.errors.is_empty() {
        // ffmpeg always logs why it cannot open a file; silence means the program is not ffmpeg
        // (or a broken one): the server's fault, not the upload's.
        return Err(StageError::new(
            ErrorCode::StageFailed,
            format!(
                "{} did not answer like ffmpeg (no input or error in its log)",
                ffmpeg.display()
            ),
        ));
    }
    if !p.opened {
        return Err(invalid(&format!(
            "ffmpeg could not read it{}",
            reason(&finished.errors, file)
        )));
    }
    let video = p
        .inputs
        .iter()
        .find_map(|s| s.video.filter(|_| !s.attached_pic).map(|wh| (s, wh)));
    let Some((stream, (width, height))) = video else {
        return Err(if p.inputs.is_empty() {
            invalid("it holds no stream (zero-length video)")
        } else {
            StageError::new(
                ErrorCode::UnsupportedFormat,
                "The file has no video stream (audio only?): nothing to take a frame from",
            )
        });
    };
    let duration = p.duration.filter(|d| d.is_finite() && *d > 0.0);
    let Some(duration) = duration else {
        return Err(invalid("its duration is 0 (zero-length video)"));
    };
    if width == 0 || height == 0 {
        return Err(invalid("its video stream has no size"));
    }
    Ok(VideoInfo {
        width,
        height,
        duration,
        codec: stream.codec.clone(),
        stream_index: stream.index,
    })
}

/// The reference's message for every unreadable video, with the reason after it.
pub(crate) fn invalid(why: &str) -> StageError {
    StageError::new(
        ErrorCode::Corrupt,
        format!("Invalid video file provided: {why}"),
    )
}

/// ffmpeg's own error lines as " (…)", without log prefixes and without the temp file's path
/// (a server path is nobody's business and is meaningless to the uploader).
pub(crate) fn reason(errors: &[String], file: &Path) -> String {
    let path = file.to_string_lossy();
    let mut parts: Vec<String> = Vec::new();
    for line in errors {
        let mut s = line.trim();
        // "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55…] [error] moov atom not found"
        while let Some(rest) = s.strip_prefix('[') {
            match rest.split_once(']') {
                Some((_, after)) => s = after.trim_start(),
                None => break,
            }
        }
        let clean = s
            .replace(&format!("file:{path}"), "input")
            .replace(path.as_ref(), "input");
        if !clean.is_empty() && !parts.contains(&clean) {
            parts.push(clean);
        }
    }
    let mut text = parts
        .iter()
        .rev()
        .take(2)
        .rev()
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if text.is_empty() {
        return String::new();
    }
    if text.chars().count() > 300 {
        text = text.chars().take(300).collect::<String>() + "…";
    }
    format!(" ({text})")
}

/// Read the events of one run: input #0's duration and streams, output #0's streams.
pub(crate) fn parse(events: &[FfmpegEvent]) -> Parsed {
    #[derive(PartialEq)]
    enum Section {
        Input0,
        Output0,
        Other,
    }
    let mut p = Parsed::default();
    let mut section = Section::Other;
    for event in events {
        let line = match event {
            FfmpegEvent::ParsedInput(i) => {
                section = if i.index == 0 {
                    p.opened = true;
                    Section::Input0
                } else {
                    Section::Other
                };
                continue;
            }
            FfmpegEvent::ParsedOutput(o) => {
                section = if o.index == 0 {
                    Section::Output0
                } else {
                    Section::Other
                };
                continue;
            }
            FfmpegEvent::ParsedDuration(d) => {
                if d.input_index == 0 {
                    p.duration = Some(d.duration);
                }
                continue;
            }
            FfmpegEvent::ParsedInputStream(s) | FfmpegEvent::ParsedOutputStream(s) => {
                (s.parent_index == 0).then(|| from_sidecar(s))
            }
            FfmpegEvent::Log(_, text) => fallback_stream(text),
            _ => None,
        };
        match (line, &section) {
            (Some(l), Section::Input0) => p.inputs.push(l),
            (Some(l), Section::Output0) => p.outputs.push(l),
            _ => {}
        }
    }
    p
}

fn from_sidecar(s: &Stream) -> StreamLine {
    StreamLine {
        index: s.stream_index,
        codec: s.format.clone(),
        video: s.video_data().map(|v| (v.width, v.height)),
        attached_pic: s.raw_log_message.contains("(attached pic)"),
    }
}

/// ffmpeg-sidecar only recognises a video stream line that states an fps; some files (variable
/// or unknown frame rate) print none, and the line then arrives as a plain log line. Read the
/// codec and `WxH` from such lines here.
pub(crate) fn fallback_stream(line: &str) -> Option<StreamLine> {
    let text = line.trim_start_matches("[info]").trim();
    let rest = text.strip_prefix("Stream #")?;
    let (head, rest) = rest.split_once(": ")?;
    let (kind, detail) = rest.split_once(": ")?;
    let index_part = head.split_once(':')?.1;
    let digits: String = index_part
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let index = digits.parse().ok()?;
    let flat = without_parentheses(detail);
    let codec = flat.split([' ', ',']).next().unwrap_or_default().to_owned();
    let video = (kind == "Video")
        .then(|| {
            flat.split(',').find_map(|part| {
                let (w, h) = part.split_whitespace().next()?.split_once('x')?;
                Some((w.parse().ok()?, h.parse().ok()?))
            })
        })
        .flatten();
    if kind == "Video" && video.is_none() {
        return None;
    }
    Some(StreamLine {
        index,
        codec,
        video,
        attached_pic: detail.contains("(attached pic)"),
    })
}

/// Drop `( … )` groups (nested too): they hold `(avc1 / 0x31637661)`, which looks like a size.
fn without_parentheses(s: &str) -> String {
    let mut depth = 0usize;
    s.chars()
        .filter(|c| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn fallback_reads_lines_without_fps() {
        let l = "[info]   Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1920x1080 [SAR 1:1 DAR 16:9], 1k tbr, 90k tbn (default)";
        let s = fallback_stream(l).unwrap();
        assert_eq!(s.index, 0);
        assert_eq!(s.codec, "h264");
        assert_eq!(s.video, Some((1920, 1080)));
        assert!(!s.attached_pic);

        let a = fallback_stream("[info]   Stream #0:1(eng): Audio: aac (LC), 44100 Hz").unwrap();
        assert_eq!((a.index, a.video), (1, None));
        let pic = "[info]   Stream #0:2: Video: mjpeg (Baseline), yuvj420p(pc), 600x600, 90k tbr (attached pic)";
        assert!(fallback_stream(pic).unwrap().attached_pic);
        // Stream-mapping lines and junk are not streams.
        assert_eq!(
            fallback_stream("[info]   Stream #0:0 -> #0:0 (h264 (native) -> rawvideo (native))"),
            None
        );
        assert_eq!(
            fallback_stream("[info]   Stream #0:0: Video: h264, no size here"),
            None
        );
        assert_eq!(fallback_stream("Stream #x"), None);
    }

    #[test]
    fn reasons_drop_prefixes_and_the_temp_path() {
        let file = PathBuf::from("/tmp/upstage-frame-abc.mp4");
        let errors = vec![
            "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55a0698e1880] [error] moov atom not found".to_owned(),
            "[error] file:/tmp/upstage-frame-abc.mp4: Invalid data found when processing input"
                .to_owned(),
        ];
        assert_eq!(
            reason(&errors, &file),
            " (moov atom not found; input: Invalid data found when processing input)"
        );
        assert_eq!(reason(&[], &file), "");
    }
}
