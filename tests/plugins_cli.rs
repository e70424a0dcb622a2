//! The real binary with real plugin libraries: `upstage process` through the cas-store backend
//! and the watermark stage, `upstage plugins list` with broken libraries, a panicking stage.

mod common;

#[path = "../plugins/host/tests/support/dylibs.rs"]
mod dylibs;

use std::path::{Path, PathBuf};
use std::process::Command;

use image::{ImageFormat, RgbImage};
use serde_json::Value;

fn upstage(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_upstage"))
        .args(args)
        .current_dir(cwd)
        .env_remove("UPSTAGE_CONFIG")
        .env_remove("UPSTAGE_PLUGIN_PATH")
        .output()
        .expect("run upstage");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

struct Setup {
    dir: tempfile::TempDir,
    plugins: PathBuf,
}

/// A plugin dir with the examples, a broken library, a text file and a system library.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let plugins = dir.path().join("plugins");
    dylibs::install(
        &plugins,
        &["cas_store", "watermark", "misbehave", "wrong_abi"],
    );
    std::fs::write(plugins.join(dylibs::lib_file("junk")), "not a library").unwrap();
    if let Some(sys) = dylibs::system_library() {
        std::fs::copy(sys, plugins.join(dylibs::lib_file("m"))).unwrap();
    }
    Setup { dir, plugins }
}

const WATERMARK: &str = r#"
[stage.watermark]
text = "e2e"
corner = "top-left"
scale = 4
color = [0, 255, 0, 255]
"#;

fn write_config(s: &Setup, pipeline: &str, extra: &str) -> PathBuf {
    let cas = s.dir.path().join("cas");
    let text = format!(
        "data_dir = {:?}\npipeline = [{pipeline}]\n\n[storage]\nbackend = \"plugin:cas-store\"\n\n\
         [plugins.cas-store.config]\nroot = {:?}\n\n[plugins.watermark]\n{extra}\n{WATERMARK}",
        s.dir.path().join("data"),
        cas
    );
    let path = s.dir.path().join("upstage.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn png(w: u32, h: u32, seed: u32) -> Vec<u8> {
    common::encode(
        &RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([
                (x * seed % 200) as u8,
                (y % 200) as u8,
                (seed * 9 % 200) as u8,
            ])
        }),
        ImageFormat::Png,
    )
}

#[test]
fn process_stores_watermarked_files_in_the_plugin_store() {
    let s = setup();
    let config = write_config(
        &s,
        r#""exif", "watermark", "resize", "medium", "thumbnail""#,
        "",
    );
    let inputs = s.dir.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    let mut originals = Vec::new();
    for n in 1..=6u32 {
        let bytes = png(200 + n * 40, 150 + n * 10, n);
        std::fs::write(inputs.join(format!("p{n}.png")), &bytes).unwrap();
        originals.push((format!("p{n}.png"), bytes));
    }
    let plugin_dir = s.plugins.to_str().unwrap();
    let (code, out, err) = upstage(
        &[
            "--config",
            config.to_str().unwrap(),
            "--plugin-dir",
            plugin_dir,
            "process",
            "--json",
            inputs.to_str().unwrap(),
        ],
        s.dir.path(),
    );
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    let opts = watermark::Options::from_json(
        r#"{"text": "e2e", "corner": "top-left", "scale": 4, "color": [0, 255, 0, 255]}"#,
    )
    .unwrap();
    let cas = s.dir.path().join("cas");
    let mut checked = 0;
    for line in out.lines().filter(|l| l.contains("\"file\"")) {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["ok"], true, "{line}");
        let file = v["file"].as_str().unwrap();
        let (_, original) = originals
            .iter()
            .find(|(n, _)| file.ends_with(n.as_str()))
            .unwrap();
        let main_key = v["item"]["stored"]["files"][0]["key"].as_str().unwrap();
        // The key resolves through the plugin's ref to a blob at its sha256 address.
        let r = std::fs::read_to_string(cas.join("refs").join(main_key)).unwrap();
        let hex = r.strip_prefix("sha256:").unwrap();
        let stored = std::fs::read(cas.join(cas_store::object_path(hex))).unwrap();
        let mut want = image::load_from_memory(original).unwrap().to_rgba8();
        let (w, h) = want.dimensions();
        assert!(watermark::draw(&mut want, w, h, &opts));
        let got = image::load_from_memory(&stored).unwrap().to_rgba8();
        assert!(
            got.as_raw() == want.as_raw(),
            "{file}: stored file is the watermarked image"
        );
        let green = got.pixels().filter(|p| p.0[..3] == [0, 255, 0]).count();
        assert!(green > 100, "{file}: only {green} watermark pixels");
        checked += 1;
    }
    assert_eq!(checked, 6);
    assert!(
        !s.dir.path().join("data").exists()
            || std::fs::read_dir(s.dir.path().join("data"))
                .unwrap()
                .next()
                .is_none(),
        "nothing went to local storage"
    );
}

#[test]
fn plugins_list_shows_loaded_disabled_and_broken_libraries() {
    let s = setup();
    let config = write_config(
        &s,
        r#""exif""#,
        "[plugins.wrong-abi]\n[plugins.junk]\n[plugins.m]\n",
    );
    let args = [
        "--config",
        config.to_str().unwrap(),
        "--plugin-dir",
        s.plugins.to_str().unwrap(),
        "plugins",
        "list",
    ];
    let (code, out, err) = upstage(&[&args[..], &["--json"]].concat(), s.dir.path());
    assert_eq!(
        code, 1,
        "enabled broken plugins make the listing fail\n{out}\n{err}"
    );
    let rows: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let row = |file: &str| {
        rows.iter()
            .find(|r| {
                r["path"]
                    .as_str()
                    .unwrap()
                    .ends_with(&dylibs::lib_file(file))
            })
            .unwrap_or_else(|| panic!("{file} not listed: {out}"))
    };
    let cas = row("cas_store");
    assert_eq!(
        (&cas["name"], &cas["kind"], &cas["status"], &cas["version"]),
        (
            &Value::from("cas-store"),
            &Value::from("storage"),
            &Value::from("loaded"),
            &Value::from(env!("CARGO_PKG_VERSION"))
        )
    );
    assert_eq!(row("watermark")["kind"], "stage");
    assert_eq!(row("misbehave")["status"], "disabled");
    assert_eq!(row("misbehave")["name"], "misbehave");
    let wrong = row("wrong_abi");
    assert_eq!(
        (&wrong["status"], &wrong["code"]),
        (&Value::from("error"), &Value::from("abi_mismatch"))
    );
    assert!(wrong["error"]
        .as_str()
        .unwrap()
        .contains("ABI version 2, this upstage supports version 1"));
    assert_eq!(row("junk")["code"], "open_failed");
    if dylibs::system_library().is_some() {
        assert_eq!(row("m")["code"], "not_a_plugin");
    }

    let (_, human, _) = upstage(&args, s.dir.path());
    assert!(human.contains("search path: "), "{human}");
    assert!(
        human.contains("cas-store") && human.contains("not an Upstage plugin"),
        "{human}"
    );
}

#[test]
fn a_pipeline_naming_a_broken_plugin_fails_with_its_load_error() {
    let s = setup();
    let config = write_config(&s, r#""exif", "wrong-abi""#, "[plugins.wrong-abi]\n");
    let (code, _, err) = upstage(
        &[
            "--config",
            config.to_str().unwrap(),
            "--plugin-dir",
            s.plugins.to_str().unwrap(),
            "process",
            s.dir.path().to_str().unwrap(),
        ],
        s.dir.path(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("pipeline stage 'wrong-abi'") && err.contains("ABI version 2"),
        "{err}"
    );
}

#[test]
fn a_panicking_stage_fails_its_item_not_the_process() {
    let s = setup();
    let config = write_config(
        &s,
        r#""exif", "misbehave", "thumbnail""#,
        "[plugins.misbehave]\n",
    );
    let inputs = s.dir.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::write(inputs.join("a-panic.png"), png(100, 80, 3)).unwrap();
    let (code, out, err) = upstage(
        &[
            "--config",
            config.to_str().unwrap(),
            "--plugin-dir",
            s.plugins.to_str().unwrap(),
            "--workers",
            "1",
            "process",
            "--json",
            inputs.to_str().unwrap(),
        ],
        s.dir.path(),
    );
    assert_eq!(
        code, 1,
        "items failed, the process exits normally\n{out}\n{err}"
    );
    let line: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(line["ok"], false);
    assert_eq!(line["error"]["code"], "stage_panicked");
    assert_eq!(line["error"]["stage"], "misbehave");
    let msg = line["error"]["message"].as_str().unwrap();
    assert!(msg.contains("deliberate panic on a-panic.png"), "{msg}");
    assert!(out.contains("\"summary\""), "the run finished: {out}");
}
