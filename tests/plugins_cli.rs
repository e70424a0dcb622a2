//! The real binary with real plugin libraries: `upstage process` through the cas-store backend
//! and the watermark stage, a panicking stage on several workers, and the errors a pipeline gets
//! for plugins it cannot use. (`plugins list`, `doctor`, `plugins install`: `plugins_check.rs`.)

mod plugin_support;

use std::path::PathBuf;

use plugin_support::{png, Setup};
use serde_json::Value;

const WATERMARK: &str = r#"
[stage.watermark]
text = "e2e"
corner = "top-left"
scale = 4
color = [0, 255, 0, 255]
"#;

/// The cas-store backend, the watermark stage configured, and `extra` tables.
fn write_config(s: &Setup, pipeline: &str, extra: &str) -> PathBuf {
    s.config(&format!(
        "pipeline = [{pipeline}]
\n[storage]\nbackend = \"plugin:cas-store\"\n\n\
         [plugins.cas-store.config]\n{}\n\n[plugins.watermark]\n{extra}\n{WATERMARK}",
        s.cas_root()
    ))
}

#[test]
fn process_stores_watermarked_files_in_the_plugin_store() {
    let s = Setup::new();
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
    let (code, out, err) = s.run(&config, &["process", "--json", inputs.to_str().unwrap()]);
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
    // Only the private copies of the plugin libraries live under the data dir.
    let data = s.dir.path().join("data");
    let top: Vec<_> = std::fs::read_dir(&data)
        .map(|rd| rd.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert_eq!(top, ["plugins"], "nothing went to local storage");
    let plugins: Vec<_> = std::fs::read_dir(data.join("plugins"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(plugins, [".loaded"]);
}

#[test]
fn a_pipeline_naming_a_broken_plugin_fails_with_its_load_error() {
    let s = Setup::new();
    let input = s.path().to_str().unwrap().to_owned();
    let cases = [
        // Enabled but broken: its load error.
        (
            r#""exif", "wrong-abi""#,
            "[plugins.wrong-abi]\n",
            "pipeline stage 'wrong-abi': ",
            "ABI version 2",
        ),
        // On the search path but not allowed: say so, not "unknown stage".
        (
            r#""exif", "misbehave""#,
            "",
            "pipeline stage 'misbehave': ",
            "not enabled: add [plugins.misbehave] to upstage.toml",
        ),
        // Nowhere at all: the registry's own message.
        (r#""exif", "sepia""#, "", "unknown stage 'sepia'", "known: "),
    ];
    for (pipeline, extra, first, second) in cases {
        let config = write_config(&s, pipeline, extra);
        let (code, _, err) = s.run(&config, &["process", &input]);
        assert_eq!(code, 2, "{pipeline}: {err}");
        assert!(
            err.contains(first) && err.contains(second),
            "{pipeline}: {err}"
        );
    }
}

#[test]
fn a_panicking_stage_fails_its_item_not_the_process() {
    let s = Setup::new();
    let config = write_config(
        &s,
        r#""exif", "misbehave", "thumbnail""#,
        "[plugins.misbehave]\n",
    );
    let inputs = s.dir.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::write(inputs.join("a-panic.png"), png(100, 80, 3)).unwrap();
    let args = [
        "--workers",
        "1",
        "process",
        "--json",
        inputs.to_str().unwrap(),
    ];
    let (code, out, err) = s.run(&config, &args);
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

/// The race that used to fail good items: two workers, panicking items between good ones (fewer
/// than the panic limit). Every good item is processed by the stage; each panicking item fails
/// alone.
#[test]
fn with_two_workers_only_the_panicking_items_fail() {
    let s = Setup::new();
    let config = write_config(
        &s,
        r#""exif", "misbehave", "thumbnail""#,
        "[plugins.misbehave]\n",
    );
    let inputs = s.dir.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    let (mut panics, mut good) = (0, 0);
    for i in 0..36u32 {
        let name = if i % 3 == 0 {
            panics += 1;
            format!("{i:02}-panic.png")
        } else {
            good += 1;
            format!("{i:02}-good-pixels.png")
        };
        std::fs::write(inputs.join(name), png(40, 30, i + 1)).unwrap();
    }
    let args = [
        "--workers",
        "2",
        "process",
        "--json",
        inputs.to_str().unwrap(),
    ];
    let (code, out, err) = s.run(&config, &args);
    assert_eq!(code, 1, "{out}\n{err}");
    let lines: Vec<Value> = out
        .lines()
        .filter(|l| l.contains("\"file\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 36, "{out}");
    for v in &lines {
        let file = v["file"].as_str().unwrap();
        if file.contains("panic") {
            assert_eq!(v["error"]["code"], "stage_panicked", "{v}");
        } else {
            assert_eq!(v["ok"], true, "{v}");
        }
    }
    let summary: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(
        (&summary["summary"]["ok"], &summary["summary"]["failed"]),
        (&Value::from(good), &Value::from(panics)),
        "{summary}"
    );
}

/// `--out` is where local storage writes; with a plugin backend nothing would go there.
#[test]
fn process_out_with_a_plugin_backend_is_refused() {
    let s = Setup::new();
    let config = write_config(&s, r#""exif""#, "");
    let input = s.path().join("in.png");
    std::fs::write(&input, png(50, 40, 1)).unwrap();
    let out_dir = s.path().join("elsewhere");
    let args = [
        "process",
        "--out",
        out_dir.to_str().unwrap(),
        input.to_str().unwrap(),
    ];
    let (code, _, err) = s.run(&config, &args);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--out only applies to storage.backend = \"local\""),
        "{err}"
    );
    assert!(!out_dir.exists());
    let (code, out, err) = s.run(&config, &["process", input.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.trim_end().ends_with("-> plugin:cas-store"), "{out}");
}
