//! Opening a library (from a private copy) and what the host keeps of it.

use std::path::{Path, PathBuf};

use upstage_sdk::abi::{entry_symbol, EntryFn, UpHost, UpPluginDescriptor, ABI_VERSION};

use crate::copy::open_copy;
use crate::{validate, LoadError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PluginKind {
    Storage,
    Stage,
}

impl PluginKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PluginKind::Storage => "storage",
            PluginKind::Stage => "stage",
        }
    }
}

/// What a plugin says about itself (copied out of its descriptor).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginInfo {
    /// The library's name with `-` for `_`: what `upstage.toml` and the pipeline use.
    pub name: String,
    pub version: String,
    pub description: String,
    pub sdk_version: String,
    /// `debug` or `release`; empty for plugins built before the SDK recorded it.
    pub build_profile: String,
    pub kind: PluginKind,
    /// The file it came from (`None` when linked statically).
    pub path: Option<PathBuf>,
    /// SHA-256 of the file's content as loaded (`None` when linked statically).
    pub sha256: Option<String>,
}

/// A checked plugin: its descriptor is valid for the life of the process.
#[derive(Clone)]
pub struct PluginLibrary {
    pub info: PluginInfo,
    /// The host's copy of the descriptor: fields the plugin does not define are zero.
    pub(crate) desc: &'static UpPluginDescriptor,
    /// The services lent to this plugin's instances.
    pub(crate) host: &'static UpHost,
}

impl std::fmt::Debug for PluginLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginLibrary")
            .field("info", &self.info)
            .finish()
    }
}

/// The plugin id a library file must carry in its entry symbol: the file stem without the
/// platform prefix (`lib`), `-` as `_`. `None` when the name is not a library name.
pub fn library_id(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(std::env::consts::DLL_SUFFIX)?;
    let stem = stem
        .strip_prefix(std::env::consts::DLL_PREFIX)
        .unwrap_or(stem);
    let id: String = stem.replace('-', "_");
    let ok = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then_some(id)
}

/// Load a plugin library from a private copy in a temporary directory (see
/// [`load_library_in`]).
pub fn load_library(path: &Path) -> Result<PluginLibrary, LoadError> {
    load_library_in(path, None)
}

/// Load a plugin library. The process maps a private copy of the file, named by its content
/// hash, in `copy_dir` (kept, shared by processes) or, with `None`, in a temporary directory
/// removed once mapped; so the file itself can be replaced at any time. The library stays loaded
/// for the life of the process whatever happens next: unloading Rust libraries with
/// thread-locals crashes, and descriptors point into it.
pub fn load_library_in(path: &Path, copy_dir: Option<&Path>) -> Result<PluginLibrary, LoadError> {
    let id = library_id(path).ok_or_else(|| LoadError::NotAPlugin {
        path: path.to_path_buf(),
        symbol: "upstage_plugin_<id>_entry_v1".into(),
    })?;
    let symbol = entry_symbol(&id);
    let opened = open_copy(path, copy_dir)?;
    // SAFETY: the symbol's type is fixed by the ABI; the name says it was made for it.
    let entry = unsafe { opened.lib.get::<EntryFn>(symbol.as_str()) }
        .map(|s| *s)
        .map_err(|_| LoadError::NotAPlugin {
            path: path.to_path_buf(),
            symbol: symbol.clone(),
        })?;
    // SAFETY: an entry function of this ABI takes the host version and returns a static pointer.
    let desc = unsafe { entry(ABI_VERSION) };
    // SAFETY: a non-null result points to a static descriptor (checked field by field).
    let mut lib = unsafe { validate(desc, Some(path)) }?;
    lib.info.sha256 = Some(opened.sha256);
    if lib.info.name.replace('-', "_") != id {
        return Err(LoadError::BadDescriptor {
            path: path.to_path_buf(),
            reason: format!(
                "the plugin calls itself '{}' but the file is named for '{id}'",
                lib.info.name
            ),
        });
    }
    Ok(lib)
}

impl PluginLibrary {
    /// A plugin linked into this binary (`<plugin crate>::plugin_descriptor()`), checked the same
    /// way as a loaded one.
    pub fn from_static(desc: &'static UpPluginDescriptor) -> Result<PluginLibrary, LoadError> {
        // SAFETY: a reference to a static descriptor.
        unsafe { validate(desc, None) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_file_names() {
        let lib = |s: &str| {
            format!(
                "{}{s}{}",
                std::env::consts::DLL_PREFIX,
                std::env::consts::DLL_SUFFIX
            )
        };
        assert_eq!(
            library_id(Path::new(&lib("cas-store"))).as_deref(),
            Some("cas_store")
        );
        assert_eq!(library_id(Path::new("notes.txt")), None);
        assert_eq!(library_id(Path::new(&lib("a.b"))), None);
    }
}
