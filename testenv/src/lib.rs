//! What the tests need from outside the repository, under one policy: a test uses the real thing
//! when it is there, and **fails** naming the command that provides it when it is not. A test may
//! skip only when `UPSTAGE_TEST_SKIP` names the need explicitly (comma-separated: `corpus`,
//! `postgres`, `s3`, `ffmpeg`, `curl`, or `all`), so a run can never pass by silently doing less.
//! `scripts/test` provides everything and sets nothing that skips. Beside that policy, what
//! several suites make alike (`with_comment`: distinct copies of one JPEG).

mod dirs;
mod jpeg;
pub use dirs::{package_dir, workspace_root};
pub use jpeg::with_comment;

use std::path::{Path, PathBuf};

/// Something outside the repository a test needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// The real-photo corpus built by `scripts/corpus`.
    Corpus,
    /// A PostgreSQL server (`DATABASE_URL_PG`).
    Postgres,
    /// An S3-compatible server (`S3_MOTO_ENDPOINT`).
    S3,
    Ffmpeg,
    Curl,
    /// Chromium, Playwright for Python and axe-core, for the browser tests of the web front.
    Browser,
}

impl Need {
    /// The name `UPSTAGE_TEST_SKIP` uses.
    pub fn name(self) -> &'static str {
        match self {
            Need::Corpus => "corpus",
            Need::Postgres => "postgres",
            Need::S3 => "s3",
            Need::Ffmpeg => "ffmpeg",
            Need::Curl => "curl",
            Need::Browser => "browser",
        }
    }

    /// How to provide it, for the failure message.
    pub fn provider(self) -> &'static str {
        match self {
            Need::Corpus => {
                "build it with `scripts/corpus DIR` and set UPSTAGE_CORPUS=DIR \
                 (scripts/test does both, into ~/.cache/upstage/corpus)"
            }
            Need::Postgres => {
                "start one with `eval \"$(scripts/pg start)\"` (sets DATABASE_URL_PG), \
                 or run the tests with scripts/test"
            }
            Need::S3 => {
                "start one with `eval \"$(scripts/moto start)\"` (sets S3_MOTO_ENDPOINT), \
                 or run the tests with scripts/test"
            }
            Need::Ffmpeg => "install it with `apt-get install ffmpeg` (scripts/test does)",
            Need::Curl => "install it with `apt-get install curl` (scripts/test does)",
            Need::Browser => {
                "install them with `apt-get install chromium`, `pip install playwright` and \
                 `npm install --prefix ~/.cache/upstage/axe axe-core` (scripts/test does all three)"
            }
        }
    }
}

/// Whether `list` (the value of `UPSTAGE_TEST_SKIP`) allows skipping `need`.
fn skip_allowed(list: &str, need: Need) -> bool {
    list.split(',')
        .map(str::trim)
        .any(|n| n == need.name() || n == "all")
}

/// The answer when `need` is missing (`what` says what was looked for): `None` when skipping
/// was asked for explicitly, otherwise a panic that tells how to provide it.
pub fn missing<T>(need: Need, what: &str) -> Option<T> {
    let list = std::env::var("UPSTAGE_TEST_SKIP").unwrap_or_default();
    if skip_allowed(&list, need) {
        eprintln!(
            "SKIPPED: {what} (UPSTAGE_TEST_SKIP={list} allows skipping '{}')",
            need.name()
        );
        return None;
    }
    panic!(
        "{what}: {}; or set UPSTAGE_TEST_SKIP={} to skip on purpose",
        need.provider(),
        need.name()
    );
}

fn non_empty_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The corpus directory (`UPSTAGE_CORPUS`, default `~/.cache/upstage/corpus`), complete when its
/// `MANIFEST.tsv` exists (the corpus script writes it last).
pub fn corpus() -> Option<PathBuf> {
    let dir = match non_empty_var("UPSTAGE_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into()))
            .join(".cache/upstage/corpus"),
    };
    if dir.join("MANIFEST.tsv").is_file() {
        return Some(dir);
    }
    missing(
        Need::Corpus,
        &format!("real-photo corpus not found at {}", dir.display()),
    )
}

/// The administrative URL of the test PostgreSQL server (tests create their own databases).
pub fn postgres_url() -> Option<String> {
    non_empty_var("DATABASE_URL_PG")
        .or_else(|| missing(Need::Postgres, "DATABASE_URL_PG is not set"))
}

/// The variable naming the test S3 endpoint (e.g. `http://127.0.0.1:5001`).
pub const S3_ENDPOINT_VAR: &str = "S3_MOTO_ENDPOINT";

/// The test S3 endpoint (tests create their own buckets).
pub fn s3_endpoint() -> Option<String> {
    non_empty_var(S3_ENDPOINT_VAR)
        .or_else(|| missing(Need::S3, &format!("{S3_ENDPOINT_VAR} is not set")))
}

/// An executable named `name` on `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// ffmpeg on `PATH`.
pub fn ffmpeg() -> Option<PathBuf> {
    on_path("ffmpeg").or_else(|| missing(Need::Ffmpeg, "ffmpeg is not on PATH"))
}

/// curl on `PATH`.
pub fn curl() -> Option<PathBuf> {
    on_path("curl").or_else(|| missing(Need::Curl, "curl is not on PATH"))
}

/// What the browser tests drive: `/usr/bin/chromium`, Playwright for Python (`python3`), and
/// axe-core's `axe.min.js` (`UPSTAGE_AXE`, default `~/.cache/upstage/axe/node_modules/axe-core/`).
pub fn browser() -> Option<PathBuf> {
    if !is_executable(Path::new("/usr/bin/chromium")) {
        return missing(Need::Browser, "/usr/bin/chromium is missing");
    }
    let playwright = std::process::Command::new("python3")
        .args(["-c", "import playwright.sync_api"])
        .status()
        .is_ok_and(|s| s.success());
    if !playwright {
        return missing(Need::Browser, "python3 cannot import playwright");
    }
    let axe = non_empty_var("UPSTAGE_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").unwrap_or_default();
            PathBuf::from(home).join(".cache/upstage/axe/node_modules/axe-core/axe.min.js")
        });
    if !axe.is_file() {
        return missing(Need::Browser, &format!("{} is missing", axe.display()));
    }
    Some(axe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipping_needs_the_need_named() {
        for (list, need, allowed) in [
            ("", Need::Corpus, false),
            ("s3", Need::S3, true),
            ("s3", Need::Postgres, false),
            ("corpus, ffmpeg", Need::Ffmpeg, true),
            ("postgresql", Need::Postgres, false),
            ("all", Need::Curl, true),
        ] {
            assert_eq!(skip_allowed(list, need), allowed, "{list:?} {need:?}");
        }
    }

    #[test]
    fn every_provider_names_a_command() {
        for need in [
            Need::Corpus,
            Need::Postgres,
            Need::S3,
            Need::Ffmpeg,
            Need::Curl,
            Need::Browser,
        ] {
            assert!(need.provider().contains('`'), "{need:?}");
        }
    }

    #[test]
    fn executables_are_found_on_path() {
        assert!(on_path("sh").is_some());
        assert!(on_path("no-such-tool-upstage").is_none());
    }
}
