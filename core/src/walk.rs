use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::Input;

/// Extensions a folder walk picks up (the reference's upload formats). Explicitly named files are
/// always taken: their content is sniffed anyway.
const ACCEPTED: [&str; 11] = [
    "jpg", "jpeg", "png", "bmp", "gif", "webp", "avif", "mp4", "mov", "webm", "qt",
];

pub fn is_accepted_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ACCEPTED.iter().any(|a| a.eq_ignore_ascii_case(e)))
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|s| s.starts_with('.'))
}

/// Expand files and folders (recursively, symlinks not followed, hidden entries skipped) into
/// inputs in a stable order. Unreadable entries are returned separately, never silently dropped.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<Input>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        if root.is_file() {
            files.push(root.clone());
            continue;
        }
        let walker = WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() && is_accepted_extension(e.path()) => {
                    files.push(e.into_path())
                }
                Ok(_) => {}
                Err(e) => errors.push((
                    e.path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| root.clone()),
                    e.to_string(),
                )),
            }
        }
    }
    (files.into_iter().map(Input::from_path).collect(), errors)
}
