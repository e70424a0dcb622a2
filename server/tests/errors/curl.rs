//! The documented curl example, with the real curl binary: a success, an error with
//! `--fail-with-body`, and an oversize file answered while curl is still sending.

use serde_json::Value;

use crate::common;
use crate::common::table::error_body;

async fn curl(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let dir = dir.to_path_buf();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new("curl")
            .args(&args)
            .current_dir(dir)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_documented_curl_example() {
    if upstage_testenv::curl().is_none() {
        return;
    }
    let s = common::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("image.jpeg"), common::jpeg(640, 480)).unwrap();
    let endpoint = s.endpoint();
    let admin = format!("X-API-Key: {}", s.admin_key);
    // Verbatim but for host and key: --fail-with-body, -X POST, an explicit multipart
    // Content-Type (curl adds the boundary) and the file part.
    let example = |key: &str| {
        let multipart = "Content-Type: multipart/form-data";
        [
            "--fail-with-body",
            "-sS",
            "-X",
            "POST",
            "-H",
            key,
            "-H",
            multipart,
            "-F",
            "source=@image.jpeg",
            &endpoint,
        ]
        .map(str::to_owned)
    };
    let out = curl(dir.path(), &example(&admin).each_ref().map(String::as_str)).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout} {stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["status_code"], 200);
    assert_eq!(v["image"]["original_filename"], "image.jpeg");
    assert_eq!(v["image"]["extension"], "jpeg");
    assert_eq!(v["image"]["title"], "image");

    // --fail-with-body on an error: exit code 22 and the error JSON on stdout.
    let out = curl(
        dir.path(),
        &example("X-API-Key: nope").each_ref().map(String::as_str),
    )
    .await;
    assert_eq!(out.status.code(), Some(22));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        error_body("Invalid API key.", 100)
    );

    // An 11 MB file through curl: the 400 arrives, curl does not hang.
    std::fs::write(dir.path().join("big.jpeg"), vec![0u8; 11_000_000]).unwrap();
    let args = [
        "-sS",
        "--max-time",
        "60",
        "-X",
        "POST",
        "-H",
        &admin,
        "-F",
        "source=@big.jpeg",
        "-w",
        "\n%{http_code}",
        &endpoint,
    ];
    let out = curl(dir.path(), &args).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout} {stderr}");
    assert_eq!(
        stdout,
        format!("{}\n400", error_body("File too big - max 10 MB", 400))
    );
}
