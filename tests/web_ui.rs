//! The web front in a real Chromium (Playwright for Python) against the real `upstage serve`
//! binary: the uploader, per-file options, progress, links and copy, albums, the viewer's
//! aspect ratio, animation and NSFW blur, Danish, screenshots at 1280×900 and 390×844, and
//! axe-core on every page (tests/browser/web_ui.py does the driving).

use std::process::Command;

#[test]
fn the_web_front_in_a_real_browser() {
    let Some(axe) = upstage_testenv::browser() else {
        return;
    };
    if upstage_testenv::on_path("convert").is_none() {
        panic!("ImageMagick's `convert` makes the test files: apt-get install imagemagick (scripts/test does)");
    }
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("web-ui");
    let script = upstage_testenv::workspace_root().join("tests/browser/web_ui.py");
    let run = Command::new("python3")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_upstage"))
        .arg(&axe)
        .arg(&out)
        .output()
        .expect("running python3");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        run.status.success(),
        "the browser test failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    println!("screenshots in {}", out.display());
}
