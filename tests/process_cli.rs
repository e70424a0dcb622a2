//! `upstage process` end to end: the real binary over a folder, JSON lines, exit codes.

mod common;

use std::path::Path;
use std::process::Command;

use image::{ImageFormat, RgbImage};
use serde_json::Value;

fn upstage(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_upstage"))
        .args(args)
        .current_dir(cwd)
        .env_remove("UPSTAGE_CONFIG")
        .output()
        .expect("run upstage");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn files_under(root: &Path) -> Vec<String> {
    walk(root)
        .into_iter()
        .map(|p| p.strip_prefix(root).unwrap().display().to_string())
        .collect()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v
}

#[test]
fn a_200_file_batch_with_broken_files_processes_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("in");
    std::fs::create_dir_all(src.join("nested")).unwrap();
    for i in 0..196u32 {
        let img = RgbImage::from_fn(100 + i, 80, |x, y| {
            image::Rgb([(x * 2) as u8, (y * 3) as u8, i as u8])
        });
        let (fmt, ext) = if i % 2 == 0 {
            (ImageFormat::Jpeg, "jpg")
        } else {
            (ImageFormat::Png, "png")
        };
        let dir = if i % 3 == 0 {
            src.join("nested")
        } else {
            src.clone()
        };
        std::fs::write(
            dir.join(format!("img-{i:03}.{ext}")),
            common::encode(&img, fmt),
        )
        .unwrap();
    }
    let jpeg = common::encode(&RgbImage::new(300, 200), ImageFormat::Jpeg);
    std::fs::write(src.join("broken-truncated.jpg"), &jpeg[..jpeg.len() / 2]).unwrap();
    std::fs::write(
        src.join("broken-html.jpg"),
        b"<html><body>404</body></html>",
    )
    .unwrap();
    std::fs::write(src.join("broken-empty.png"), b"").unwrap();
    std::fs::write(
        src.join("broken-text.gif"),
        b"GIF89a but then nothing useful",
    )
    .unwrap();
    std::fs::write(
        src.join("notes.txt"),
        b"not media: not picked up by the folder walk",
    )
    .unwrap();
    std::fs::write(src.join(".hidden.jpg"), b"hidden files are skipped").unwrap();

    let out = tmp.path().join("out");
    let (code, stdout, stderr) = upstage(
        &[
            "process",
            "in",
            "--out",
            out.to_str().unwrap(),
            "--json",
            "--workers",
            "2",
        ],
        tmp.path(),
    );
    assert_eq!(code, 1, "some items failed, so exit 1; stderr: {stderr}");
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 201, "200 items + summary");
    let summary = &lines[200]["summary"];
    assert_eq!(summary["total"], 200);
    assert_eq!(summary["ok"], 196);
    assert_eq!(summary["failed"], 4);
    let code_of = |name: &str| {
        lines
            .iter()
            .find(|l| l["file"].as_str().is_some_and(|f| f.ends_with(name)))
            .map(|l| l["error"]["code"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(code_of("broken-truncated.jpg"), "truncated");
    assert_eq!(code_of("broken-html.jpg"), "unsupported_format");
    assert_eq!(code_of("broken-empty.png"), "empty_file");
    assert!(["truncated", "corrupt"].contains(&code_of("broken-text.gif").as_str()));
    let ok = lines.iter().find(|l| l["ok"] == true).unwrap();
    assert!(ok["item"]["timings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["stage"] == "thumbnail"));
    assert!(ok["item"]["stored"]["files"][0]["key"]
        .as_str()
        .unwrap()
        .starts_with("images/"));

    let stored = files_under(&out);
    // Every good item has a main file and a thumb (none is wider than 750: no medium).
    assert_eq!(stored.len(), 196 * 2, "{stored:?}");
    assert!(
        stored.iter().all(|f| !f.contains(".upstage-tmp-")),
        "no temp files left"
    );
    assert!(stored.iter().any(|f| f.ends_with("img-000.th.jpg")));
}

#[test]
fn human_output_and_exit_zero_when_all_succeed() {
    let tmp = tempfile::tempdir().unwrap();
    let img = common::encode(&RgbImage::new(1000, 500), ImageFormat::Jpeg);
    std::fs::write(tmp.path().join("Summer day.jpg"), img).unwrap();
    let (code, stdout, stderr) =
        upstage(&["process", "Summer day.jpg", "--out", "lib"], tmp.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("ok    Summer day.jpg -> images/"),
        "{stdout}"
    );
    assert!(stdout.contains("1 processed, 0 failed"), "{stdout}");
    let mut names: Vec<String> = files_under(&tmp.path().join("lib"))
        .into_iter()
        .map(|f| f.rsplit('/').next().unwrap().to_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["Summer-day.jpg", "Summer-day.md.jpg", "Summer-day.th.jpg"]
    );
}

#[test]
fn config_layers_show_in_config_show() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("upstage.toml"),
        "workers = 3\n[limits]\nmax_bytes = 1234\nmax_frames = 7\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_upstage"))
        .args(["config", "show", "--max-bytes", "999"])
        .current_dir(tmp.path())
        .env("UPSTAGE_LIMITS__MAX_FRAMES", "9")
        .env_remove("UPSTAGE_CONFIG")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("workers = 3"), "file: {text}");
    assert!(text.contains("max_frames = 9"), "env beats file: {text}");
    assert!(text.contains("max_bytes = 999"), "flag beats file: {text}");
    assert!(text.contains("\"thumbnail\""), "{text}");
}

#[test]
fn an_unknown_stage_in_the_config_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("upstage.toml"),
        "pipeline = [\"exif\", \"sharpen\"]\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("a.png"),
        common::encode(&RgbImage::new(4, 4), ImageFormat::Png),
    )
    .unwrap();
    let (code, _, stderr) = upstage(&["process", "a.png"], tmp.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown stage 'sharpen'"), "{stderr}");
}

/// The README's first command on a machine without ffmpeg: the video sample is skipped with a
/// hint, every image is processed, and the run succeeds.
#[test]
fn the_samples_process_without_ffmpeg_and_the_video_is_skipped_with_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let samples = upstage_testenv::workspace_root().join("samples");
    let out_dir = tmp.path().join("data");
    let run = |json: bool| {
        let mut args = vec![
            "process".to_owned(),
            samples.display().to_string(),
            "--out".into(),
            out_dir.display().to_string(),
        ];
        if json {
            args.push("--json".into());
        }
        Command::new(env!("CARGO_BIN_EXE_upstage"))
            .args(&args)
            .current_dir(tmp.path())
            .env_remove("UPSTAGE_CONFIG")
            .env_remove("UPSTAGE_FFMPEG")
            // A PATH with no ffmpeg on it.
            .env("PATH", tmp.path())
            .output()
            .expect("run upstage")
    };
    let human = run(false);
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.status.code(), Some(0), "{stdout}");
    let skip: Vec<&str> = stdout.lines().filter(|l| l.starts_with("skip")).collect();
    assert_eq!(skip.len(), 1, "{stdout}");
    assert!(skip[0].contains("test-pattern.mp4"), "{}", skip[0]);
    assert!(skip[0].contains("install ffmpeg"), "the hint: {}", skip[0]);
    let images = std::fs::read_dir(&samples).unwrap().count() - 1;
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok")).count(),
        images
    );
    assert!(stdout.contains("0 failed, 1 skipped"), "{stdout}");

    let json = run(true);
    assert_eq!(json.status.code(), Some(0));
    let lines: Vec<Value> = String::from_utf8_lossy(&json.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["skipped"], 1);
    assert_eq!(summary["failed"], 0);
    assert_eq!(summary["ok"], images);
    let video = lines
        .iter()
        .find(|l| l["file"].as_str().is_some_and(|f| f.ends_with(".mp4")))
        .unwrap();
    assert_eq!(video["skipped"], true);
    assert_eq!(video["error"]["code"], "codec_unavailable");
}

/// `upstage process --json … | head -1`: a reader that goes away stops the output, not the
/// work. Every file is still processed and nothing panics.
#[test]
fn a_closed_stdout_stops_the_lines_not_the_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for i in 0..6u32 {
        let img = RgbImage::from_fn(64 + i, 48, |x, y| image::Rgb([x as u8, y as u8, i as u8]));
        img.save_with_format(input.join(format!("p{i}.png")), ImageFormat::Png)
            .unwrap();
    }
    let out_dir = tmp.path().join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_upstage"))
        .args(["process", "--json", "--out"])
        .arg(&out_dir)
        .arg(&input)
        .current_dir(tmp.path())
        .env_remove("UPSTAGE_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run upstage");
    // The reader is gone before the first line is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait for upstage");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let mains = files_under(&out_dir)
        .into_iter()
        .filter(|f| f.ends_with(".png") && !f.contains(".md.") && !f.contains(".th."))
        .count();
    assert_eq!(mains, 6, "every file is processed");
}
