//! Shared by the plugin end-to-end tests: the real binary, a plugin directory with the example
//! libraries plus broken ones, and configuration files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use image::{ImageFormat, RgbImage};

#[path = "../../plugins/host/tests/support/dylibs.rs"]
pub mod dylibs;

/// Run the binary in `cwd`; returns exit code, stdout and stderr.
pub fn upstage(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_upstage"))
        .args(args)
        .current_dir(cwd)
        .env_remove("UPSTAGE_CONFIG")
        .env_remove("UPSTAGE_PLUGIN_PATH")
        .env_remove("UPSTAGE_DATA_DIR")
        .env_remove("UPSTAGE_WORKERS")
        .output()
        .expect("run upstage");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub struct Setup {
    pub dir: tempfile::TempDir,
    pub plugins: PathBuf,
}

impl Setup {
    /// A plugin dir with the examples, a broken library, a text file and a system library.
    pub fn new() -> Setup {
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

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `upstage.toml` with `data_dir` and this body; returns its path.
    pub fn config(&self, body: &str) -> PathBuf {
        let text = format!("data_dir = {:?}\n{body}\n", self.path().join("data"));
        let path = self.path().join("upstage.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// `[plugins.cas-store.config] root` for this setup.
    pub fn cas_root(&self) -> String {
        format!("root = {:?}", self.path().join("cas"))
    }

    /// The binary with `--config` and `--plugin-dir` of this setup, then `args`.
    pub fn run(&self, config: &Path, args: &[&str]) -> (i32, String, String) {
        let mut all = vec![
            "--config",
            config.to_str().unwrap(),
            "--plugin-dir",
            self.plugins.to_str().unwrap(),
        ];
        all.extend_from_slice(args);
        upstage(&all, self.path())
    }
}

pub fn png(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * seed % 200) as u8,
            (y % 200) as u8,
            (seed * 9 % 200) as u8,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}
