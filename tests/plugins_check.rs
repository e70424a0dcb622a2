//! Plugins checked where users look: `upstage plugins list` (every library, every enabled plugin
//! created with its real configuration, exit 1 when one is unusable), `upstage doctor`, and
//! `upstage plugins install` (atomic rename, refuses what is not a plugin).

mod plugin_support;

use plugin_support::{dylibs, upstage, Setup};
use serde_json::Value;

fn rows(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn row<'a>(rows: &'a [Value], file: &str) -> &'a Value {
    rows.iter()
        .find(|r| {
            r["path"]
                .as_str()
                .unwrap()
                .ends_with(&dylibs::lib_file(file))
        })
        .unwrap_or_else(|| panic!("{file} not listed: {rows:?}"))
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}

#[test]
fn plugins_list_shows_loaded_disabled_and_broken_libraries() {
    let s = Setup::new();
    let config = s.config(&format!(
        "[plugins.cas-store.config]\n{}\n[plugins.watermark]\n[plugins.wrong-abi]\n\
         [plugins.junk]\n[plugins.m]\n",
        s.cas_root()
    ));
    let (code, out, err) = s.run(&config, &["plugins", "list", "--json"]);
    assert_eq!(
        code, 1,
        "enabled broken plugins make the listing fail\n{out}\n{err}"
    );
    let rows = rows(&out);
    let cas = row(&rows, "cas_store");
    let fields = [
        "name",
        "kind",
        "status",
        "version",
        "sdk_version",
        "profile",
    ];
    let got: Vec<&Value> = fields.iter().map(|f| &cas[f]).collect();
    let want = [
        "cas-store",
        "storage",
        "loaded",
        VERSION,
        VERSION,
        profile(),
    ];
    assert_eq!(got, want.map(Value::from).iter().collect::<Vec<_>>());
    assert_eq!(cas["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(row(&rows, "watermark")["kind"], "stage");
    // Not enabled: still inspected, not created.
    assert_eq!(row(&rows, "misbehave")["status"], "disabled");
    assert_eq!(row(&rows, "misbehave")["name"], "misbehave");
    let wrong = row(&rows, "wrong_abi");
    assert_eq!(
        (&wrong["status"], &wrong["code"]),
        (&"error".into(), &"abi_mismatch".into())
    );
    assert!(wrong["error"]
        .as_str()
        .unwrap()
        .contains("ABI version 2, this upstage supports version 1"));
    assert_eq!(row(&rows, "junk")["code"], "open_failed");
    if dylibs::system_library().is_some() {
        assert_eq!(row(&rows, "m")["code"], "not_a_plugin");
    }

    let (_, human, _) = s.run(&config, &["plugins", "list"]);
    assert!(human.contains("search path: "), "{human}");
    assert!(
        human.contains("SDK") && human.contains("PROFILE"),
        "{human}"
    );
    assert!(
        human.contains("cas-store") && human.contains("not an Upstage plugin"),
        "{human}"
    );
}

/// Every enabled plugin is created with the configuration `serve` would give it.
#[test]
fn plugins_list_creates_enabled_plugins_and_fails_for_a_bad_configuration() {
    let s = Setup::new();
    let root = s.cas_root();
    let cases: [(&str, String, i32, &str, Option<&str>); 6] = [
        (
            "all fine",
            format!("[plugins.cas-store.config]\n{root}\n[plugins.misbehave]\n"),
            0,
            "misbehave",
            None,
        ),
        (
            "storage without its root",
            "[plugins.cas-store]\n".into(),
            1,
            "cas_store",
            Some("configuration: missing field `root`"),
        ),
        (
            "a value of the wrong type",
            "[plugins.misbehave.config]\nlevel = \"abc\"\n".into(),
            1,
            "misbehave",
            Some("level: invalid type: string \"abc\""),
        ),
        (
            "[stage.X] replaces [plugins.X.config]",
            "[plugins.misbehave.config]\nlevel = \"abc\"\n[stage.misbehave]\nlevel = 3\n".into(),
            0,
            "misbehave",
            None,
        ),
        (
            "the plugin refuses",
            "[plugins.misbehave.config]\nrefuse = true\n".into(),
            1,
            "misbehave",
            Some("refusing to start, as configured"),
        ),
        (
            "not enabled, not created",
            "[plugins.misbehave]\nenabled = false\nconfig = { refuse = true }\n".into(),
            0,
            "misbehave",
            None,
        ),
    ];
    for (what, body, want_code, file, error) in cases {
        let config = s.config(&body);
        let (code, out, err) = s.run(&config, &["plugins", "list", "--json"]);
        assert_eq!(code, want_code, "{what}\n{out}\n{err}");
        let r = row(&rows(&out), file).clone();
        match error {
            None => assert_ne!(r["status"], "error", "{what}: {r}"),
            Some(text) => {
                assert_eq!(
                    (&r["status"], &r["code"]),
                    (&"error".into(), &"create_failed".into()),
                    "{what}"
                );
                let e = r["error"].as_str().unwrap();
                assert!(e.contains(text), "{what}: {e}");
                assert_eq!(e.matches("[config]").count(), 0, "{what}: {e}");
                // What the plugin said about itself is known, so it is shown.
                assert_ne!(r["name"], "-", "{what}: {r}");
                assert_eq!(
                    (&r["version"], &r["profile"]),
                    (&VERSION.into(), &profile().into())
                );
            }
        }
    }
}

#[test]
fn doctor_reports_a_broken_storage_plugin_and_exits_1() {
    let s = Setup::new();
    let broken = s.config("[storage]\nbackend = \"plugin:cas-store\"\n[plugins.cas-store]\n");
    let (code, out, err) = s.run(&broken, &["doctor"]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.contains("storage: plugin:cas-store NOT usable"),
        "{out}"
    );
    assert!(out.contains("missing field `root`"), "{out}");
    assert!(
        out.contains("create_failed") || out.contains("error"),
        "{out}"
    );

    let fine = s.config(&format!(
        "pipeline = [\"exif\", \"misbehave\"]\n[storage]\nbackend = \"plugin:cas-store\"\n\
         [plugins.cas-store.config]\n{}\n[plugins.misbehave]\n",
        s.cas_root()
    ));
    let (code, out, err) = s.run(&fine, &["doctor"]);
    assert!(
        out.contains("storage: plugin:cas-store (ok)"),
        "{out}\n{err}"
    );
    assert!(out.contains("misbehave") && out.contains("loaded"), "{out}");
    assert!(out.contains("pipeline: exif -> misbehave"), "{out}");
    // Only video support may be missing on this machine; nothing about plugins.
    assert!(!out.contains("NOT usable"), "{out}");
    assert!(
        code == 0 || out.contains("video:   NOT available"),
        "{code}\n{out}"
    );
}

#[test]
fn plugins_install_renames_into_place_and_refuses_what_is_not_a_plugin() {
    let s = Setup::new();
    let config = s.config("[plugins.misbehave]\n");
    let dest = s.path().join("data/plugins");
    let lib = dylibs::example("misbehave");
    let (code, out, err) = s.run(&config, &["plugins", "install", lib.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("installed misbehave") && out.contains("restart"),
        "{out}"
    );
    let installed = dest.join(dylibs::lib_file("misbehave"));
    assert_eq!(
        std::fs::read(&installed).unwrap(),
        std::fs::read(&lib).unwrap()
    );
    let names: Vec<String> = std::fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [dylibs::lib_file("misbehave")],
        "no temporary file left behind"
    );

    // Not a plugin: refused, and the installed file is untouched.
    let junk = s.path().join(dylibs::lib_file("misbehave"));
    std::fs::write(&junk, "not a library").unwrap();
    let (code, _, err) = s.run(&config, &["plugins", "install", junk.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be loaded"), "{err}");
    assert_eq!(
        std::fs::read(&installed).unwrap(),
        std::fs::read(&lib).unwrap()
    );

    // The default search path finds it.
    let (code, out, _) = upstage(
        &[
            "--config",
            config.to_str().unwrap(),
            "plugins",
            "list",
            "--json",
        ],
        s.path(),
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(row(&rows(&out), "misbehave")["status"], "loaded");
}
