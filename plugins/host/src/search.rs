//! Where plugin libraries are looked for.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::library_id;

/// The directory of private copies under `<data_dir>/plugins` (not searched: hidden, and
/// subdirectories never are).
pub const COPY_DIR: &str = ".loaded";

/// Colon-separated (`;` on Windows) extra plugin directories.
pub const PLUGIN_PATH_ENV: &str = "UPSTAGE_PLUGIN_PATH";

/// Directories searched in order: `--plugin-dir`s, `UPSTAGE_PLUGIN_PATH`, `<data_dir>/plugins`.
/// The first library providing a plugin name wins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchPath {
    pub dirs: Vec<PathBuf>,
    /// Where the private copies that processes actually map are kept
    /// (`<data_dir>/plugins/.loaded`); `None` for a temporary directory per process.
    pub copy_dir: Option<PathBuf>,
}

impl SearchPath {
    pub fn new(cli_dirs: &[PathBuf], env: Option<OsString>, data_dir: &Path) -> SearchPath {
        let mut dirs: Vec<PathBuf> = cli_dirs.to_vec();
        if let Some(v) = env {
            dirs.extend(std::env::split_paths(&v).filter(|p| !p.as_os_str().is_empty()));
        }
        dirs.push(data_dir.join("plugins"));
        let mut seen = Vec::new();
        dirs.retain(|d| {
            let fresh = !seen.contains(d);
            seen.push(d.clone());
            fresh
        });
        SearchPath {
            dirs,
            copy_dir: Some(data_dir.join("plugins").join(COPY_DIR)),
        }
    }

    /// As [`SearchPath::new`] with the environment variable read from the process.
    pub fn from_env(cli_dirs: &[PathBuf], data_dir: &Path) -> SearchPath {
        Self::new(cli_dirs, std::env::var_os(PLUGIN_PATH_ENV), data_dir)
    }

    /// Files that look like libraries (platform suffix), per directory in search order, sorted
    /// by name. Missing directories are skipped; subdirectories are not searched.
    pub fn candidates(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for dir in &self.dirs {
            let Ok(rd) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut files: Vec<PathBuf> = rd
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.ends_with(std::env::consts::DLL_SUFFIX))
                })
                .collect();
            files.sort();
            out.extend(files);
        }
        out
    }

    pub fn describe(&self) -> String {
        self.dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The plugin id a file provides, for matching against the allow-list before loading it.
pub(crate) fn candidate_id(path: &Path) -> String {
    library_id(path).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_flag_env_data_dir_without_duplicates() {
        let s = SearchPath::new(
            &[PathBuf::from("/a")],
            Some(OsString::from("/b:/a::/c")),
            Path::new("/data"),
        );
        let want: Vec<PathBuf> = ["/a", "/b", "/c", "/data/plugins"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(s.dirs, want);
    }
}
