//! Failing inputs are written out so they can be looked at and committed as regression cases.

use std::path::PathBuf;

use crate::settings;

/// Writes `bytes` to `OUT/TARGET-KIND.bin` (overwritten by each later failure of the same target:
/// the last one a shrinking run writes is the smallest).
pub(crate) fn write(target: &str, kind: &str, bytes: &[u8]) -> PathBuf {
    let dir = settings::out_dir();
    let path = dir.join(format!("{target}-{kind}.bin"));
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, bytes)) {
        eprintln!(
            "could not save the failing input to {}: {e}",
            path.display()
        );
    }
    path
}
