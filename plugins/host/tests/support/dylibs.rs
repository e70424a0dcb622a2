//! The example plugins as real dynamic libraries, for integration tests anywhere in the
//! workspace (`#[path]`-included). The first call builds them with the cargo running the tests,
//! into the same target directory and profile, so a clean `cargo test --workspace` works and a
//! stale library is never loaded.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// (package, library name) of every example plugin.
pub const EXAMPLES: [(&str, &str); 5] = [
    ("upstage-example-cas-store", "cas_store"),
    ("upstage-example-watermark", "watermark"),
    ("upstage-example-misbehave", "misbehave"),
    ("upstage-example-wrong-abi", "wrong_abi"),
    ("upstage-example-abi-v1", "abi_v1"),
];

/// `<target>/<profile>`: the test executable lives in its `deps/`.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent()
        .and_then(Path::parent)
        .expect("test executable in <target>/<profile>/deps")
        .to_path_buf()
}

fn workspace_manifest() -> PathBuf {
    let mut dir = upstage_testenv::package_dir();
    loop {
        let m = dir.join("Cargo.toml");
        if std::fs::read_to_string(&m).is_ok_and(|t| t.contains("[workspace]")) {
            return m;
        }
        assert!(dir.pop(), "no workspace Cargo.toml above the test crate");
    }
}

fn build() -> Result<(), String> {
    let dir = profile_dir();
    let target = dir.parent().ok_or("no target dir")?;
    let profile = match dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") => "dev".to_owned(),
        Some(p) => p.to_owned(),
        None => return Err("no profile dir".into()),
    };
    let mut cmd = Command::new(env!("CARGO"));
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(workspace_manifest())
        .arg("--target-dir")
        .arg(target)
        .args(["--profile", &profile]);
    if std::env::var_os("CI").is_some() {
        cmd.arg("--locked");
    }
    for (pkg, _) in EXAMPLES {
        cmd.args(["-p", pkg]);
    }
    let out = cmd.output().map_err(|e| format!("running cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "building the example plugins failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// The path of the example plugin library `lib` (e.g. `cas_store`), freshly built.
pub fn example(lib: &str) -> PathBuf {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    if let Err(e) = BUILT.get_or_init(build) {
        panic!("{e}");
    }
    let file = format!(
        "{}{lib}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let path = profile_dir().join(file);
    assert!(path.is_file(), "{} was not built", path.display());
    path
}

/// The file name a plugin library with this stem has on this platform.
pub fn lib_file(stem: &str) -> String {
    format!(
        "{}{stem}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    )
}

/// Copy the given example plugins into `dir` (a plugin directory), returning their paths.
pub fn install(dir: &Path, libs: &[&str]) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("plugin dir");
    libs.iter()
        .map(|lib| {
            let dest = dir.join(lib_file(lib));
            std::fs::copy(example(lib), &dest).expect("copy plugin");
            dest
        })
        .collect()
}

/// A real shared library that is not a plugin (the C math library), when one can be found.
pub fn system_library() -> Option<PathBuf> {
    [
        "/lib/x86_64-linux-gnu/libm.so.6",
        "/usr/lib/x86_64-linux-gnu/libm.so.6",
        "/lib/aarch64-linux-gnu/libm.so.6",
        "/usr/lib/aarch64-linux-gnu/libm.so.6",
        "/lib64/libm.so.6",
        "/usr/lib64/libm.so.6",
        "/usr/lib/libm.so.6",
        "/usr/lib/libSystem.B.dylib",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}
