//! Reading one folder for the file picker: sub-folders and files with an accepted extension,
//! hidden entries left out, folders first, names sorted.

use std::path::Path;

use crate::state::DirEntry;

pub fn list_dir(dir: &Path) -> Result<Vec<DirEntry>, String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for entry in rd.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        let is_dir = meta.is_dir();
        if is_dir || (meta.is_file() && upstage_core::is_accepted_extension(&entry.path())) {
            out.push(DirEntry {
                name,
                is_dir,
                size: if is_dir { 0 } else { meta.len() },
            });
        }
    }
    out.sort_by(|a, b| b.is_dir.cmp(&a.is_dir).then_with(|| a.name.cmp(&b.name)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_first_accepted_files_only() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(d.path().join("sub")).expect("mkdir");
        std::fs::create_dir(d.path().join(".hidden")).expect("mkdir");
        for n in ["b.JPG", "a.webm", "notes.txt", ".x.png"] {
            std::fs::write(d.path().join(n), b"x").expect("write");
        }
        let names: Vec<String> = list_dir(d.path())
            .expect("list")
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["sub", "a.webm", "b.JPG"]);
        assert!(list_dir(&d.path().join("missing")).is_err());
    }
}
