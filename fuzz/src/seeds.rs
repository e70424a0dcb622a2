//! Where seeds come from: the real-photo corpus (`UPSTAGE_CORPUS`), files committed in the repo
//! (`samples/`), and each crate's minimized failures (`tests/fuzz_regressions/TARGET/`).

use std::path::{Path, PathBuf};

/// A real file a fuzz run starts from.
#[derive(Clone, Debug)]
pub struct Seed {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Seed {
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> Seed {
        Seed {
            name: name.into(),
            bytes,
        }
    }
}

fn workspace_root() -> PathBuf {
    upstage_testenv::workspace_root()
}

/// The corpus directory, under the `upstage-testenv` policy: missing, it fails the test with the
/// command that builds it (`None` only when `UPSTAGE_TEST_SKIP` names `corpus`: the run then
/// fuzzes the committed seeds only). A corpus without one of `subdirs` is incomplete and fails.
pub fn corpus_dir(subdirs: &[&str]) -> Option<PathBuf> {
    let dir = upstage_testenv::corpus()?;
    for sub in subdirs {
        assert!(
            dir.join(sub).is_dir(),
            "the corpus at {} has no {sub}/: rebuild it with `scripts/corpus {}`",
            dir.display(),
            dir.display()
        );
    }
    Some(dir)
}

/// Every file directly inside the corpus's `subdirs` (e.g. `gif`, `exif/corrupt`), by name.
pub fn corpus_seeds(subdirs: &[&str]) -> Vec<Seed> {
    let Some(dir) = corpus_dir(subdirs) else {
        return Vec::new();
    };
    subdirs
        .iter()
        .flat_map(|sub| files_in(&dir.join(sub), sub))
        .collect()
}

/// Committed files, by path from the workspace root (e.g. `samples/bouncing.gif`).
pub fn repo_seeds(paths: &[&str]) -> Vec<Seed> {
    paths
        .iter()
        .map(|p| {
            let path = workspace_root().join(p);
            let bytes =
                std::fs::read(&path).unwrap_or_else(|e| panic!("seed {}: {e}", path.display()));
            Seed::new(*p, bytes)
        })
        .collect()
}

/// The minimized inputs that once broke `target`, kept in `CRATE/tests/fuzz_regressions/TARGET/`.
/// `crate_dir` is the calling test's package folder (`upstage_testenv::package_dir()`).
pub fn regression_seeds(crate_dir: &Path, target: &str) -> Vec<Seed> {
    let dir = crate_dir.join("tests/fuzz_regressions").join(target);
    if dir.is_dir() {
        files_in(&dir, &format!("fuzz_regressions/{target}"))
    } else {
        Vec::new()
    }
}

fn files_in(dir: &Path, label: &str) -> Vec<Seed> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("seed dir {}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("seed {}: {e}", p.display()));
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            Seed::new(format!("{label}/{name}"), bytes)
        })
        .collect()
}
