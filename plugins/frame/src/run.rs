//! Running one ffmpeg command, bounded: a deadline after which the child is killed, both output
//! pipes drained on their own threads so the child can never block on a full pipe, and a guard
//! that kills and reaps the child on every way out (error, timeout, panic).
//!
//! ffmpeg-sidecar builds the command ([`FfmpegCommand`]), owns the child ([`FfmpegChild`]) and
//! parses stderr ([`FfmpegLogParser`] → [`FfmpegEvent`]). Its `FfmpegChild::iter()` is not used:
//! its stderr thread stops reading (and so stops draining the pipe) on the first line it cannot
//! parse, and the iterator then waits forever, because it only drops its own channel sender on
//! end-of-log. Driving the same parser here keeps draining whatever happens.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{self, Read};
use std::process::ExitStatus;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use ffmpeg_sidecar::child::FfmpegChild;
use ffmpeg_sidecar::command::FfmpegCommand;
use ffmpeg_sidecar::event::{FfmpegEvent, LogLevel};
use ffmpeg_sidecar::log_parser::FfmpegLogParser;
use upstage_sdk::{ErrorCode, StageError};

use crate::locate;

/// Parsed events kept per run. ffmpeg prints a few dozen lines for the commands used here; the cap
/// only matters for a hostile file with thousands of streams or metadata lines.
const MAX_EVENTS: usize = 512;
/// Error lines kept for the message (the last ones: the cause is usually at the end).
const MAX_ERRORS: usize = 8;

/// What a finished ffmpeg run left.
pub(crate) struct Finished {
    pub status: ExitStatus,
    /// Events about inputs, outputs, streams and durations, in order (progress lines dropped).
    pub events: Vec<FfmpegEvent>,
    /// The last error and fatal log lines, as printed.
    pub errors: Vec<String>,
    /// Up to `stdout_cap` bytes of stdout.
    pub stdout: Vec<u8>,
    /// stdout had more than `stdout_cap` bytes; the rest was read and discarded.
    pub stdout_overflow: bool,
}

enum Drained {
    Stderr(Vec<FfmpegEvent>, Vec<String>),
    Stdout(Vec<u8>),
}

/// Run `cmd` to completion within `timeout`, keeping at most `stdout_cap` bytes of its stdout.
pub(crate) fn run(
    mut cmd: FfmpegCommand,
    timeout: Duration,
    stdout_cap: usize,
) -> Result<Finished, StageError> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group, so the timeout kill reaches anything it started too (a wrapper
        // script's ffmpeg would otherwise survive and keep the pipes open).
        cmd.as_inner_mut().process_group(0);
    }
    let program = cmd.as_inner().get_program().to_owned();
    let started = Instant::now();
    let deadline = started + timeout;
    let mut child = Reaped::new(cmd.spawn().map_err(|e| spawn_error(&program, e))?);

    // ffmpeg runs with -nostdin; closing the pipe also rules out it waiting on a keypress.
    drop(child.child.take_stdin());
    let (tx, rx) = mpsc::channel();
    let mut pending = 0;
    if let Some(stderr) = child.child.take_stderr() {
        pending += 1;
        let tx = tx.clone();
        spawn_reader("ffmpeg-stderr", move || {
            let (events, errors) = parse_log(stderr);
            let _ = tx.send(Drained::Stderr(events, errors));
        })?;
    }
    let mut stdout = (Vec::new(), false);
    if let Some(out) = child.child.take_stdout() {
        pending += 1;
        spawn_reader("ffmpeg-stdout", move || {
            let _ = tx.send(Drained::Stdout(read_capped(out, stdout_cap)));
        })?;
    } else {
        drop(tx);
    }

    let (mut events, mut errors) = (Vec::new(), Vec::new());
    let too_slow = || timed_out(&program, timeout);
    while pending > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(Drained::Stderr(ev, er)) => (events, errors) = (ev, er),
            Ok(Drained::Stdout(bytes)) => stdout = split_overflow(bytes, stdout_cap),
            // The guard kills the child on the way out; the readers then see end-of-file.
            Err(RecvTimeoutError::Timeout) => return Err(too_slow()),
            // A reader thread died without reporting (it cannot panic on input, but be safe).
            Err(RecvTimeoutError::Disconnected) => break,
        }
        pending -= 1;
    }
    // Both pipes are closed, so the process is exiting; still bounded by the same deadline.
    let status = child
        .wait_until(deadline)
        .ok_or_else(too_slow)?
        .map_err(|e| StageError::new(ErrorCode::Io, format!("cannot wait for ffmpeg: {e}")))?;
    Ok(Finished {
        status,
        events,
        errors,
        stdout: stdout.0,
        stdout_overflow: stdout.1,
    })
}

/// Kills (the whole process group) and reaps the child unless it was reaped already.
struct Reaped {
    child: FfmpegChild,
    reaped: bool,
}

impl Reaped {
    fn new(child: FfmpegChild) -> Self {
        Reaped {
            child,
            reaped: false,
        }
    }

    /// Poll for exit until `deadline`; `None` when it is still running then.
    fn wait_until(&mut self, deadline: Instant) -> Option<io::Result<ExitStatus>> {
        loop {
            match self.child.as_inner_mut().try_wait() {
                Ok(Some(status)) => {
                    self.reaped = true;
                    return Some(Ok(status));
                }
                Ok(None) if Instant::now() >= deadline => return None,
                Ok(None) => thread::sleep(Duration::from_millis(2)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl Drop for Reaped {
    fn drop(&mut self) {
        if self.reaped {
            return;
        }
        #[cfg(unix)]
        {
            let pid = rustix::process::Pid::from_child(self.child.as_inner_mut());
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
        // Also the child itself, in case the group could not be signalled. Errors mean it has
        // exited already; `wait` then just reaps it.
        let _ = self.child.kill();
        let _ = self.child.as_inner_mut().wait();
    }
}

fn spawn_reader(name: &str, f: impl FnOnce() + Send + 'static) -> Result<(), StageError> {
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(f)
        .map(drop)
        .map_err(|e| {
            StageError::new(
                ErrorCode::Io,
                format!("cannot start a thread for ffmpeg: {e}"),
            )
        })
}

/// Parse stderr to the end. Unparseable lines are skipped, never a reason to stop draining.
fn parse_log(stderr: impl Read) -> (Vec<FfmpegEvent>, Vec<String>) {
    let mut parser = FfmpegLogParser::new(stderr);
    let mut events = Vec::new();
    let mut errors = VecDeque::new();
    loop {
        let event = match parser.parse_next_event() {
            Ok(FfmpegEvent::LogEOF) => break,
            Ok(event) => event,
            // I/O errors end the pipe; parse errors only lose that one line.
            Err(e) if e.downcast_ref::<io::Error>().is_some() => break,
            Err(_) => continue,
        };
        if let FfmpegEvent::Log(LogLevel::Error | LogLevel::Fatal, line) = &event {
            if errors.len() == MAX_ERRORS {
                errors.pop_front();
            }
            errors.push_back(line.clone());
        }
        if events.len() < MAX_EVENTS && worth_keeping(&event) {
            events.push(event);
        }
    }
    (events, errors.into())
}

fn worth_keeping(event: &FfmpegEvent) -> bool {
    match event {
        FfmpegEvent::ParsedInput(_)
        | FfmpegEvent::ParsedOutput(_)
        | FfmpegEvent::ParsedDuration(_)
        | FfmpegEvent::ParsedInputStream(_)
        | FfmpegEvent::ParsedOutputStream(_) => true,
        // Stream lines the parser could not read (see `probe::fallback_stream`).
        FfmpegEvent::Log(_, line) => line.contains("Stream #"),
        _ => false,
    }
}

/// Read everything, keeping `cap + 1` bytes at most (the extra byte marks an overflow).
fn read_capped(out: impl Read, cap: usize) -> Vec<u8> {
    let keep = cap.saturating_add(1);
    let mut kept = Vec::with_capacity(keep.min(1 << 27));
    let mut reader = out.take(keep as u64);
    let _ = reader.read_to_end(&mut kept);
    // Keep draining so the child never blocks on a full pipe; it is bounded by the deadline.
    let _ = io::copy(&mut reader.into_inner(), &mut io::sink());
    kept
}

fn split_overflow(mut bytes: Vec<u8>, cap: usize) -> (Vec<u8>, bool) {
    let overflow = bytes.len() > cap;
    bytes.truncate(cap);
    (bytes, overflow)
}

fn spawn_error(program: &OsString, e: io::Error) -> StageError {
    match e.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied => {
            locate::missing(&format!(" at {} ({e})", program.to_string_lossy()))
        }
        _ => StageError::new(
            ErrorCode::Io,
            format!("cannot run {}: {e}", program.to_string_lossy()),
        ),
    }
}

fn timed_out(program: &OsString, timeout: Duration) -> StageError {
    StageError::new(
        ErrorCode::Timeout,
        format!(
            "{} did not finish within {} s and was stopped",
            program.to_string_lossy(),
            timeout.as_secs_f64()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_reads_mark_overflow_and_drain() {
        let data = vec![7u8; 10_000];
        let kept = read_capped(&data[..], 100);
        assert_eq!(kept.len(), 101);
        assert_eq!(split_overflow(kept, 100), (vec![7u8; 100], true));
        assert_eq!(split_overflow(vec![1, 2], 100), (vec![1, 2], false));
    }

    #[test]
    fn log_parsing_goes_on_after_a_line_the_parser_rejects() {
        let log = "[info] Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:x.mp4':\n\
            [info]   Duration: 00:00:08.00, start: 0.000000, bitrate: 100 kb/s\n\
            [info]   Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 1280x720 [SAR 1:1 DAR 16:9], 96 kb/s, 25 fps, 25 tbr, 12800 tbn (default)\n\
            [info] frame=    1 fps=0.0 q=0.0 size=       0kB time=00:00:00.00 bitrate=N/A speed=   0x\n\
            [info]   Stream #0:1: Audio: aac (LC), 44100 Hz, mono, fltp, 69 kb/s\n\
            [error] something failed\n\
            [fatal] At least one output file must be specified\n";
        let (events, errors) = parse_log(log.as_bytes());
        assert!(matches!(events[0], FfmpegEvent::ParsedInput(_)));
        assert!(matches!(events[1], FfmpegEvent::ParsedDuration(_)));
        assert!(matches!(events[2], FfmpegEvent::ParsedInputStream(_)));
        // The audio stream line after a progress line is a parse error in ffmpeg-sidecar (stream
        // outside an input/output section); the lines after it must still be read.
        assert_eq!(events.len(), 3);
        assert_eq!(errors.len(), 2);
    }
}
