//! Finding the ffmpeg binary. Order: the stage's `ffmpeg` config key, then `UPSTAGE_FFMPEG`, then
//! `ffmpeg` on `PATH`. ffmpeg is never downloaded: when none is found, video items fail with
//! `CodecUnavailable` and image items are not affected (the stage skips them before looking).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use upstage_sdk::{ErrorCode, StageError};

/// The environment variable that points at an ffmpeg binary.
pub const ENV_VAR: &str = "UPSTAGE_FFMPEG";

const HOW_TO_FIX: &str = "set UPSTAGE_FFMPEG or install ffmpeg";

/// The ffmpeg to run, from the configured value, the environment and `PATH`.
pub fn find(configured: Option<&Path>) -> Result<PathBuf, StageError> {
    find_with(
        configured,
        std::env::var_os(ENV_VAR).as_deref(),
        std::env::var_os("PATH").as_deref(),
    )
}

/// [`find`] with the environment passed in, so tests need not mutate the process environment.
pub(crate) fn find_with(
    configured: Option<&Path>,
    env: Option<&OsStr>,
    path_var: Option<&OsStr>,
) -> Result<PathBuf, StageError> {
    let chosen: Option<(&Path, &str)> = match (configured, env.filter(|v| !v.is_empty())) {
        (Some(c), _) => Some((c, "the frame stage's `ffmpeg` setting")),
        (None, Some(e)) => Some((Path::new(e), ENV_VAR)),
        (None, None) => None,
    };
    match chosen {
        // A bare name ("ffmpeg6") is looked up on PATH like a shell would; anything with a
        // directory part is taken as the path itself.
        Some((p, source)) if p.components().count() > 1 => {
            if is_executable(p) {
                Ok(p.to_path_buf())
            } else {
                Err(missing(&format!(" at {} (from {source})", p.display())))
            }
        }
        Some((name, source)) => search_path(name.as_os_str(), path_var)
            .ok_or_else(|| missing(&format!(" as `{}` on PATH (from {source})", name.display()))),
        None => search_path(OsStr::new("ffmpeg"), path_var).ok_or_else(|| missing("")),
    }
}

/// The error every "no ffmpeg" case gives: it names the missing tool and how to provide it.
pub(crate) fn missing(where_looked: &str) -> StageError {
    StageError::new(
        ErrorCode::CodecUnavailable,
        format!("video processing needs ffmpeg, which was not found{where_looked} ({HOW_TO_FIX})"),
    )
}

fn search_path(name: &OsStr, path_var: Option<&OsStr>) -> Option<PathBuf> {
    let dirs: Vec<PathBuf> = std::env::split_paths(path_var?).collect();
    dirs.into_iter()
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(p) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn fake_bin(dir: &Path, name: &str) -> PathBuf {
        let p = dir.join(name);
        fs::write(&p, "#!/bin/sh\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
        }
        p
    }

    #[test]
    fn config_beats_env_beats_path() {
        let dir = tempfile::tempdir().unwrap();
        let a = fake_bin(dir.path(), "a");
        let b = fake_bin(dir.path(), "b");
        let on_path = fake_bin(dir.path(), "ffmpeg");
        let path_var = dir.path().as_os_str();
        let env = Some(b.as_os_str());
        assert_eq!(find_with(Some(&a), env, Some(path_var)).unwrap(), a);
        assert_eq!(find_with(None, env, Some(path_var)).unwrap(), b);
        assert_eq!(find_with(None, None, Some(path_var)).unwrap(), on_path);
        // An empty variable counts as unset.
        assert_eq!(
            find_with(None, Some(OsStr::new("")), Some(path_var)).unwrap(),
            on_path
        );
    }

    #[test]
    fn bare_names_are_searched_on_path() {
        let dir = tempfile::tempdir().unwrap();
        let p = fake_bin(dir.path(), "ffmpeg6");
        let got = find_with(
            Some(Path::new("ffmpeg6")),
            None,
            Some(dir.path().as_os_str()),
        );
        assert_eq!(got.unwrap(), p);
    }

    #[test]
    fn missing_ffmpeg_names_the_tool_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let e = find_with(None, None, Some(dir.path().as_os_str())).unwrap_err();
        assert_eq!(e.code, ErrorCode::CodecUnavailable);
        assert!(e.message.contains("needs ffmpeg"), "{}", e.message);
        assert!(e.message.contains("UPSTAGE_FFMPEG"), "{}", e.message);

        let e = find_with(Some(Path::new("/nonexistent/ffmpeg")), None, None).unwrap_err();
        assert!(e.message.contains("/nonexistent/ffmpeg"), "{}", e.message);
        assert!(find_with(None, None, None).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn non_executable_files_are_not_ffmpeg() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ffmpeg");
        fs::write(&p, "not a program").unwrap();
        assert!(find_with(Some(&p), None, None).is_err());
        assert!(find_with(None, None, Some(dir.path().as_os_str())).is_err());
    }
}
