//! Videos through the API: MP4, WebM and MOV with real ffmpeg-made files; the JSON matches the
//! documented (video) example key for key and type for type; frame/thumb/medium exist; the viewer
//! plays it; delete removes every file; bad videos get clear errors and leave nothing behind.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn make_video(dir: &Path, name: &str, args: &[&str]) -> Vec<u8> {
    let out = dir.join(name);
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(args)
        .arg(&out)
        .status()
        .expect("ffmpeg is needed for the video tests (scripts/test installs it)");
    assert!(status.success());
    std::fs::read(out).unwrap()
}

fn mp4(dir: &Path, size: &str, secs: &str) -> Vec<u8> {
    make_video(
        dir,
        &format!("v{size}.mp4"),
        &[
            "-f",
            "lavfi",
            "-i",
            &format!("testsrc=size={size}:rate=25:duration={secs}"),
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-movflags",
            "+faststart",
        ],
    )
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "int",
        Value::Number(_) => "float",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

async fn upload(s: &common::TestServer, bytes: Vec<u8>, name: &str) -> (u16, Value) {
    let (status, raw) = upload_raw(s, bytes, name).await;
    (status, serde_json::from_str(&raw).unwrap())
}

async fn upload_raw(s: &common::TestServer, bytes: Vec<u8>, name: &str) -> (u16, String) {
    let form = reqwest::multipart::Form::new().part(
        "source",
        common::file_part(bytes, name, "application/octet-stream"),
    );
    let r = common::client()
        .post(s.endpoint())
        .header("X-API-Key", &s.admin_key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn temp_files(s: &common::TestServer) -> Vec<String> {
    std::fs::read_dir(s.dir.path().join("tmp")).map_or(vec![], |d| {
        d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    })
}

#[tokio::test]
async fn an_mp4_matches_the_example_key_for_key_and_type_for_type() {
    let s = common::start().await;
    let tmp = tempfile::tempdir().unwrap();
    let (status, raw) = upload_raw(
        &s,
        mp4(tmp.path(), "496x360", "73"),
        "Badgers _ animated music video _ MrWeebl.mp4",
    )
    .await;
    assert_eq!(status, 200, "{raw}");
    let body: Value = serde_json::from_str(&raw).unwrap();
    let img = &body["image"];
    let example = common::example_image();
    for path in [
        &["image"][..],
        &["image", "frame"],
        &["image", "medium"],
        &[],
    ] {
        assert_eq!(
            common::keys_in_order(&raw, path),
            common::keys_in_order(common::EXAMPLE_RESPONSE, path),
            "keys of {path:?} in the example's order"
        );
    }
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let (mut got, mut want) = (keys(img), keys(&example));
    got.sort();
    want.sort();
    assert_eq!(got, want, "same key set as the example");
    for k in want {
        // Fields the example has null/0 but that we fill (or vice versa) may differ in JSON type only
        // where the example's own value is data-dependent.
        if ["description", "expiration_date_gmt", "source_md5"].contains(&k.as_str()) {
            continue;
        }
        assert_eq!(
            type_of(&img[&k]),
            type_of(&example[&k]),
            "type of {k}: ours {} example {}",
            img[&k],
            example[&k]
        );
    }
    for sub in ["frame", "image", "thumb", "medium"] {
        let (mut a, mut b) = (keys(&img[sub]), keys(&example[sub]));
        a.sort();
        b.sort();
        assert_eq!(a, b, "{sub}");
    }
    assert_eq!(img["name"], "Badgers-_-animated-music-video-_-MrWeebl");
    assert_eq!(img["type"], "video");
    assert_eq!(img["chain"], 21);
    assert_eq!(img["duration"], 73);
    assert_eq!(img["duration_time"], "01:13");
    assert_eq!(img["mime"], "video/mp4");
    assert_eq!(
        (img["width"].as_i64(), img["height"].as_i64()),
        (Some(496), Some(360))
    );
    assert_eq!(img["ratio"].as_f64().unwrap(), 496.0 / 360.0);
    assert_eq!(img["title"], "Badgers animated music video MrWeebl");
    assert_eq!(img["frame"]["extension"], "jpeg");
    assert_eq!(img["url_frame"], img["frame"]["url"]);
    assert_eq!(img["display_url"], img["frame"]["url"]);
    let id = img["id_encoded"].as_str().unwrap();
    assert_eq!(
        img["path_viewer"],
        format!("/video/Badgers-animated-music-video-MrWeebl.{id}")
    );
    assert_eq!(img["url_short"], format!("{}/video/{id}", s.url));
    for sub in ["frame", "thumb"] {
        let bytes = common::fetch(img[sub]["url"].as_str().unwrap()).await;
        let decoded = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg)
            .expect("valid JPEG");
        if sub == "thumb" {
            assert_eq!((decoded.width(), decoded.height()), (320, 320));
        } else {
            assert_eq!((decoded.width(), decoded.height()), (496, 360));
        }
    }
    let page = common::client()
        .get(img["url_viewer"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<video") && page.contains(img["frame"]["url"].as_str().unwrap()),
        "viewer plays the video with the frame as poster"
    );
}

#[tokio::test]
async fn webm_mov_and_a_wide_mp4_then_delete_removes_every_file() {
    let s = common::start().await;
    let tmp = tempfile::tempdir().unwrap();
    let webm = make_video(
        tmp.path(),
        "a.webm",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=640x360:rate=25:duration=4",
            "-c:v",
            "libvpx-vp9",
            "-b:v",
            "200k",
        ],
    );
    let mov = make_video(
        tmp.path(),
        "a.mov",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=480x270:rate=25:duration=4",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-f",
            "mov",
        ],
    );
    let (st, webm_json) = upload(&s, webm, "clip.webm").await;
    assert_eq!(st, 200, "{webm_json}");
    assert_eq!(webm_json["image"]["extension"], "webm");
    assert_eq!(webm_json["image"]["mime"], "video/webm");
    let (st, mov_json) = upload(&s, mov, "clip.mov").await;
    assert_eq!(st, 200, "{mov_json}");
    assert_eq!(mov_json["image"]["mime"], "video/quicktime");
    assert_eq!(mov_json["image"]["duration_time"], "00:04");
    let (st, wide) = upload(&s, mp4(tmp.path(), "1280x720", "4"), "wide.mp4").await;
    assert_eq!(st, 200, "{wide}");
    let img = &wide["image"];
    assert_eq!(img["chain"], 23, "wider than 750: a medium from the frame");
    assert_eq!(img["medium"]["extension"], "jpeg");
    let files: Vec<String> = ["image", "frame", "thumb", "medium"]
        .iter()
        .map(|k| img[*k]["url"].as_str().unwrap().to_owned())
        .collect();
    for f in &files {
        assert_eq!(
            common::client().get(f).send().await.unwrap().status(),
            200,
            "{f}"
        );
    }
    let del = common::client()
        .post(img["delete_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert!(del.status().is_success());
    for f in &files {
        assert_eq!(
            common::client().get(f).send().await.unwrap().status(),
            404,
            "{f} after delete"
        );
    }
}

#[tokio::test]
async fn bad_videos_get_clear_errors_and_leave_nothing_behind() {
    let s = common::start().await;
    let tmp = tempfile::tempdir().unwrap();
    let good = mp4(tmp.path(), "320x240", "3");
    let mut fake = vec![0, 0, 0, 24];
    fake.extend(b"ftypisom\0\0\x02\0isomiso2");
    fake.extend((0..5000u32).map(|i| (i * 7919 % 251) as u8));
    let audio = make_video(
        tmp.path(),
        "a.m4a",
        &["-f", "lavfi", "-i", "sine=duration=2", "-c:a", "aac"],
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("claims-mp4.mp4", fake),
        ("truncated.mp4", good[..good.len() * 3 / 10].to_vec()),
        ("audio-only.mp4", audio),
    ];
    for (name, bytes) in cases {
        let (status, body) = upload(&s, bytes, name).await;
        assert_eq!(status, 400, "{name}: {body}");
        let msg = body["error"]["message"].as_str().unwrap();
        assert!(
            msg.starts_with("Invalid video file provided"),
            "{name}: {msg}"
        );
        assert_eq!(body["error"]["code"], 100, "{name}");
        assert!(
            !msg.contains("/tmp") && !msg.contains(".upload-"),
            "no paths leak: {msg}"
        );
    }
    let (status, body) = upload(&s, Vec::new(), "empty.mp4").await;
    assert_eq!(status, 400, "{body}");
    assert!(
        temp_files(&s).is_empty(),
        "temp files left: {:?}",
        temp_files(&s)
    );
    let stored = walk(&s.dir.path().join("images"));
    assert!(stored.is_empty(), "nothing stored: {stored:?}");
}

#[tokio::test]
async fn without_ffmpeg_images_work_and_videos_name_the_missing_tool() {
    let s = common::start_with_pipeline(|| {
        let mut cfg = serde_json::Map::new();
        cfg.insert("ffmpeg".into(), "/nonexistent/ffmpeg".into());
        cfg.into()
    })
    .await;
    let tmp = tempfile::tempdir().unwrap();
    let (status, body) = upload(&s, mp4(tmp.path(), "320x240", "2"), "v.mp4").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], 613);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ffmpeg"),
        "{body}"
    );
    let (status, body) = upload(&s, common::jpeg(100, 80), "still.jpg").await;
    assert_eq!(status, 200, "{body}");
}

fn walk(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return vec![];
    };
    rd.flat_map(|e| {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p)
        } else {
            vec![p.display().to_string()]
        }
    })
    .collect()
}
