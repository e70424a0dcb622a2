//! The checkout a test runs in, read when the test runs. `env!("CARGO_MANIFEST_DIR")` is fixed
//! when the test is compiled, and a build cache shared between checkouts (CI clones into a new
//! folder each time) would then point at a checkout that may be gone.

use std::path::{Path, PathBuf};

/// The folder of the package whose test is running (cargo sets `CARGO_MANIFEST_DIR` for the
/// test process and runs it there).
pub fn package_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

/// The workspace root: the nearest folder at or above [`package_dir`] holding `Cargo.lock`.
pub fn workspace_root() -> PathBuf {
    let start = package_dir();
    start
        .ancestors()
        .find(|d| d.join("Cargo.lock").is_file())
        .map_or(start.clone(), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_holds_the_lock_file_and_the_package() {
        let root = workspace_root();
        assert!(root.join("Cargo.lock").is_file(), "{}", root.display());
        assert!(package_dir().starts_with(&root));
        assert!(package_dir().join("Cargo.toml").is_file());
    }
}
