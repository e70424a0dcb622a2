//! `upstage plugins install FILE`: put a plugin library into a plugin directory so that no
//! process ever sees half a file. The library is checked first, written beside its destination
//! under a hidden temporary name, synced, then renamed into place. Running processes keep the
//! copy they loaded; the new file is used from their next start.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use upstage_plugin_host::{load_library, PluginInfo};

/// Install `file` into `dir`; returns what the plugin says about itself and where it went.
pub fn install(file: &Path, dir: &Path) -> Result<(PluginInfo, PathBuf)> {
    // Refuse what the host would refuse, before it replaces a working plugin.
    let lib = load_library(file)?;
    let name = file
        .file_name()
        .with_context(|| format!("{} has no file name", file.display()))?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let dest = dir.join(name);
    // Hidden, and without the library suffix: no scan ever picks it up half written.
    let mut tmp = tempfile::Builder::new()
        .prefix(".install-")
        .suffix(".part")
        .tempfile_in(dir)
        .with_context(|| format!("writing into {}", dir.display()))?;
    tmp.write_all(&bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&dest)
        .map_err(|e| e.error)
        .with_context(|| format!("renaming into {}", dest.display()))?;
    if let Ok(d) = std::fs::File::open(dir) {
        // The rename is durable once the directory is.
        let _ = d.sync_all();
    }
    Ok((lib.info, dest))
}
