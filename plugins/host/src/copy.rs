//! Safe loading: the host never maps the file users install. It opens a private copy named by
//! the content's SHA-256, so replacing or rewriting the installed file (`cp` over it, a rebuild)
//! never touches the code a running process executes; the new file is picked up by the next
//! process. One content is opened once per process whatever its path.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::LoadError;

/// A library opened from a private copy. Never closed.
pub(crate) struct Opened {
    pub lib: &'static libloading::Library,
    pub sha256: String,
}

/// Libraries opened by this process, by content hash.
static OPENED: Mutex<BTreeMap<String, &'static libloading::Library>> = Mutex::new(BTreeMap::new());

fn open_error(path: &Path, message: impl Into<String>) -> LoadError {
    LoadError::Open {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Open a private copy of `path`: in `copy_dir` as `<sha256><suffix>` (kept and shared by
/// processes: a name never changes content), or, without one, in a temporary directory that is
/// removed as soon as the library is mapped.
pub(crate) fn open_copy(path: &Path, copy_dir: Option<&Path>) -> Result<Opened, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| open_error(path, e.to_string()))?;
    let sha256 = sha256_hex(&bytes);
    // Held while opening, so two threads loading the same content open it once.
    let mut opened = OPENED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(lib) = opened.get(&sha256) {
        return Ok(Opened { lib, sha256 });
    }
    let lib = match copy_dir.and_then(|d| kept_copy(d, &sha256, &bytes).ok()) {
        Some(copy) => dlopen(path, &copy).inspect_err(|_| {
            // Not a library: no reason to keep its copy around.
            let _ = std::fs::remove_file(&copy);
        })?,
        None => {
            let dir = tempfile::tempdir().map_err(|e| open_error(path, e.to_string()))?;
            let copy = dir.path().join(copy_name(&sha256));
            std::fs::write(&copy, &bytes).map_err(|e| open_error(path, e.to_string()))?;
            // The mapping outlives the file on Unix; where it cannot be removed it stays.
            dlopen(path, &copy)?
        }
    };
    let lib: &'static libloading::Library = Box::leak(Box::new(lib));
    opened.insert(sha256.clone(), lib);
    Ok(Opened { lib, sha256 })
}

fn copy_name(sha256: &str) -> String {
    format!("{sha256}{}", std::env::consts::DLL_SUFFIX)
}

/// `<dir>/<sha256><suffix>`, written once: an existing copy is reused when its content matches,
/// else replaced by rename (never rewritten in place: another process may have it mapped).
fn kept_copy(dir: &Path, sha256: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let dest = dir.join(copy_name(sha256));
    if std::fs::read(&dest).is_ok_and(|b| sha256_hex(&b) == sha256) {
        return Ok(dest);
    }
    let mut tmp = tempfile::Builder::new().prefix(".copy-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&dest).map_err(|e| e.error)?;
    Ok(dest)
}

fn dlopen(original: &Path, copy: &Path) -> Result<libloading::Library, LoadError> {
    // SAFETY: loading runs the library's initialisers; that is the trust the allow-list grants.
    unsafe { libloading::Library::new(copy) }.map_err(|e| {
        // Speak of the file the operator installed, not of our copy.
        let message = e
            .to_string()
            .replace(&copy.display().to_string(), &original.display().to_string());
        open_error(original, message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_copy_is_named_by_content_and_repaired_when_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let sha = sha256_hex(b"one");
        let p = kept_copy(dir.path(), &sha, b"one").unwrap();
        assert_eq!(p, dir.path().join(copy_name(&sha)));
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        std::fs::write(&p, b"damaged").unwrap();
        kept_copy(dir.path(), &sha, b"one").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temp file is left behind");
    }
}
