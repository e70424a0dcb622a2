//! The success answer of real uploads, one per kind of file (JPEG, PNG, GIF, WebP and an MP4
//! made by ffmpeg), against the documented success schema: the same keys in the same order, and
//! JSON types, consts and enums the schema allows, down to the nested objects.

use std::process::Command;

use image::ImageFormat;

use crate::schema::Doc;
use crate::{common, fetch, fetch_text};

fn image(w: u32, h: u32, f: ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 7]));
    common::encode(&img, f)
}

/// A one-second MP4, when ffmpeg is available (testenv fails naming the package otherwise).
fn mp4() -> Option<Vec<u8>> {
    let ffmpeg = upstage_testenv::ffmpeg()?;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("v.mp4");
    let status = Command::new(ffmpeg)
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=10:duration=1",
        ])
        .args(["-c:v", "libx264", "-pix_fmt", "yuv420p"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success(), "ffmpeg made no video");
    Some(std::fs::read(out).unwrap())
}

#[tokio::test]
async fn real_answers_fit_the_success_schema() {
    let s = common::start().await;
    let doc = Doc {
        v: fetch(&s).await,
        text: fetch_text(&s).await,
    };
    let mut files = vec![
        ("photo.jpg", common::jpeg(640, 480)),
        ("picture.png", image(300, 200, ImageFormat::Png)),
        ("still.gif", image(120, 90, ImageFormat::Gif)),
        ("lossless.webp", image(200, 100, ImageFormat::WebP)),
    ];
    files.extend(mp4().map(|v| ("clip.mp4", v)));
    let mut failed = Vec::new();
    for (name, bytes) in files {
        let part = common::file_part(bytes, name, "application/octet-stream");
        let r = common::post_file(&s.endpoint(), &s.admin_key, part, &[]).await;
        let status = r.status();
        let raw = r.text().await.unwrap();
        assert_eq!(status, 200, "{name}: {raw}");
        let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
        for method in ["get", "post"] {
            let ok = doc.resolve(&format!("/paths/~1api~11~1upload/{method}/responses/200"));
            let schema = format!("{ok}/content/application~1json/schema");
            if let Err(why) = doc.fits(&schema, &v, &raw, Some(&[] as &[String])) {
                failed.push(format!("{name} ({method}): {why}"));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "answers the schema does not describe:\n{}",
        failed.join("\n")
    );
}
