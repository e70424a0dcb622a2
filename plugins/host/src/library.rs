//! Opening a library and checking its descriptor before anything else in it is trusted.

use std::path::{Path, PathBuf};
use std::ptr::addr_of;

use upstage_sdk::abi::{
    entry_symbol, EntryFn, UpPluginDescriptor, UpStageVTable, UpStorageVTable, UpStr, ABI_VERSION,
    FLAG_PANIC_UNWIND, FLAG_THREAD_SAFE, KIND_STAGE, KIND_STORAGE, MAGIC,
};

use crate::LoadError;

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
    pub name: String,
    pub version: String,
    pub description: String,
    pub sdk_version: String,
    pub kind: PluginKind,
    /// The file it came from (`None` when linked statically).
    pub path: Option<PathBuf>,
}

/// A checked plugin: its descriptor is valid for the life of the process.
#[derive(Clone)]
pub struct PluginLibrary {
    pub info: PluginInfo,
    pub(crate) desc: &'static UpPluginDescriptor,
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

/// Load a plugin library. The library stays loaded for the life of the process whatever happens
/// next: unloading Rust libraries with thread-locals crashes, and descriptors point into it.
pub fn load_library(path: &Path) -> Result<PluginLibrary, LoadError> {
    let id = library_id(path).ok_or_else(|| LoadError::NotAPlugin {
        path: path.to_path_buf(),
        symbol: "upstage_plugin_<id>_entry_v1".into(),
    })?;
    let symbol = entry_symbol(&id);
    // SAFETY: loading runs the library's initialisers; that is the trust the allow-list grants.
    let lib = unsafe { libloading::Library::new(path) }.map_err(|e| LoadError::Open {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    // SAFETY: the symbol's type is fixed by the ABI; the name says it was made for it.
    let entry = unsafe { lib.get::<EntryFn>(symbol.as_str()) }.map(|s| *s);
    std::mem::forget(lib);
    let entry = entry.map_err(|_| LoadError::NotAPlugin {
        path: path.to_path_buf(),
        symbol: symbol.clone(),
    })?;
    // SAFETY: an entry function of this ABI takes the host version and returns a static pointer.
    let desc = unsafe { entry(ABI_VERSION) };
    // SAFETY: a non-null result points to a static descriptor (checked field by field below).
    unsafe { validate(desc, Some(path)) }.and_then(|lib| {
        let named = lib.info.name.replace('-', "_");
        if named == id {
            Ok(lib)
        } else {
            Err(LoadError::BadDescriptor {
                path: path.to_path_buf(),
                reason: format!(
                    "the plugin calls itself '{}' but the file is named for '{id}'",
                    lib.info.name
                ),
            })
        }
    })
}

/// Check a descriptor: magic, ABI version and sizes first (the only fields every version shares),
/// then kind, function tables and strings.
///
/// # Safety
/// `desc` must be null or point to readable memory of at least the first three `u32` fields,
/// and, if those say so, to a whole descriptor that lives for the rest of the process.
pub unsafe fn validate(
    desc: *const UpPluginDescriptor,
    path: Option<&Path>,
) -> Result<PluginLibrary, LoadError> {
    let bad = |reason: &str| LoadError::BadDescriptor {
        path: path.map(Path::to_path_buf).unwrap_or_default(),
        reason: reason.to_owned(),
    };
    if desc.is_null() {
        return Err(bad("the entry function returned no descriptor"));
    }
    if addr_of!((*desc).magic).read_unaligned() != MAGIC {
        return Err(bad("wrong magic number"));
    }
    let found = addr_of!((*desc).abi_version).read_unaligned();
    if found != ABI_VERSION {
        return Err(LoadError::AbiMismatch {
            path: path.map(Path::to_path_buf).unwrap_or_default(),
            found,
            expected: ABI_VERSION,
        });
    }
    let size = addr_of!((*desc).struct_size).read_unaligned() as usize;
    if size < std::mem::size_of::<UpPluginDescriptor>() {
        return Err(bad(&format!("descriptor is {size} bytes, too small")));
    }
    let d: &'static UpPluginDescriptor = &*desc;
    let text = |s: UpStr, what: &str| -> Result<String, LoadError> {
        s.to_str()
            .map(str::to_owned)
            .ok_or_else(|| bad(&format!("{what} is not UTF-8")))
    };
    let name = text(d.name, "name")?;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(bad(&format!(
            "plugin name {name:?} must be lowercase letters, digits, '-' or '_'"
        )));
    }
    if d.flags & FLAG_THREAD_SAFE == 0 {
        return Err(bad("the plugin is not marked thread-safe"));
    }
    if d.flags & FLAG_PANIC_UNWIND == 0 {
        return Err(bad(
            "the plugin was built with panic = \"abort\": a panic would kill the host",
        ));
    }
    if d.create.is_none() || d.destroy.is_none() {
        return Err(bad("create or destroy is missing"));
    }
    let kind = match d.kind {
        KIND_STORAGE => {
            let vt = d
                .storage
                .as_ref()
                .ok_or_else(|| bad("no storage function table"))?;
            check_storage(vt).map_err(&bad)?;
            PluginKind::Storage
        }
        KIND_STAGE => {
            let vt = d
                .stage
                .as_ref()
                .ok_or_else(|| bad("no stage function table"))?;
            check_stage(vt).map_err(&bad)?;
            PluginKind::Stage
        }
        other => return Err(bad(&format!("unknown plugin kind {other}"))),
    };
    Ok(PluginLibrary {
        info: PluginInfo {
            name,
            version: text(d.version, "version")?,
            description: text(d.description, "description")?,
            sdk_version: text(d.sdk_version, "sdk version")?,
            kind,
            path: path.map(Path::to_path_buf),
        },
        desc: d,
    })
}

fn check_storage(vt: &UpStorageVTable) -> Result<(), &'static str> {
    if (vt.struct_size as usize) < std::mem::size_of::<UpStorageVTable>() {
        return Err("storage function table too small");
    }
    if vt.put.is_none() || vt.get.is_none() || vt.delete.is_none() || vt.exists.is_none() {
        return Err("storage function table has empty entries");
    }
    Ok(())
}

fn check_stage(vt: &UpStageVTable) -> Result<(), &'static str> {
    if (vt.struct_size as usize) < std::mem::size_of::<UpStageVTable>() {
        return Err("stage function table too small");
    }
    if vt.needs.is_none() || vt.process.is_none() {
        return Err("stage function table has empty entries");
    }
    Ok(())
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

    #[test]
    fn null_and_foreign_descriptors_are_refused() {
        let e = unsafe { validate(std::ptr::null(), None) }.unwrap_err();
        assert_eq!(e.code(), "bad_descriptor");
        // Four u32s of zeros: not our magic.
        let junk = [0u64; 32];
        let e = unsafe { validate(junk.as_ptr().cast(), None) }.unwrap_err();
        assert!(e.to_string().contains("magic"), "{e}");
    }
}
