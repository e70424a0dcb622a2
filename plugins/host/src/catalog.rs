//! Scanning the search path against the allow-list, and handing out what loaded.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use upstage_core::StageRegistry;
use upstage_sdk::StageError;

use crate::search::candidate_id;
use crate::{
    load_library, LoadError, PluginKind, PluginLibrary, PluginStageFactory, PluginStorage,
    SearchPath,
};

/// One `[plugins.<name>]` entry of `upstage.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowEntry {
    pub enabled: bool,
    /// The instance configuration as JSON text (`null` when none).
    pub config_json: String,
}

/// Plugin names (as the plugin calls itself) → whether they may load, and their configuration.
pub type AllowList = BTreeMap<String, AllowEntry>;

/// Which files a scan opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanMode {
    /// Only files providing an enabled plugin: nothing else runs any code.
    Enabled,
    /// Every library on the search path (`upstage plugins list`).
    All,
}

#[derive(Clone, Debug)]
pub enum EntryStatus {
    Loaded(PluginLibrary),
    /// On the search path but not enabled in the allow-list; not opened.
    Skipped,
    Failed(LoadError),
}

#[derive(Clone, Debug)]
pub struct PluginEntry {
    pub path: PathBuf,
    pub enabled: bool,
    pub status: EntryStatus,
}

/// The result of one scan: every candidate file with its status, plus enabled plugins that were
/// not found. One bad file never stops the others.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub entries: Vec<PluginEntry>,
    pub missing: Vec<LoadError>,
    allow: AllowList,
}

fn normalise(name: &str) -> String {
    name.replace('-', "_")
}

impl Catalog {
    pub fn scan(search: &SearchPath, allow: &AllowList, mode: ScanMode) -> Catalog {
        let enabled: BTreeMap<String, &str> = allow
            .iter()
            .filter(|(_, e)| e.enabled)
            .map(|(n, _)| (normalise(n), n.as_str()))
            .collect();
        let mut first: BTreeMap<String, PathBuf> = BTreeMap::new();
        let mut entries = Vec::new();
        for path in search.candidates() {
            let id = candidate_id(&path);
            let is_enabled = enabled.contains_key(&id);
            let status = if !is_enabled && mode == ScanMode::Enabled {
                EntryStatus::Skipped
            } else {
                match load_library(&path) {
                    Ok(lib) => match first.get(&normalise(&lib.info.name)) {
                        Some(p) => EntryStatus::Failed(LoadError::Duplicate {
                            name: lib.info.name.clone(),
                            first: p.clone(),
                        }),
                        None => {
                            first.insert(normalise(&lib.info.name), path.clone());
                            EntryStatus::Loaded(lib)
                        }
                    },
                    Err(e) => EntryStatus::Failed(e),
                }
            };
            if let EntryStatus::Failed(e) = &status {
                tracing::warn!(code = e.code(), "plugin not loaded: {e}");
            }
            entries.push(PluginEntry {
                path,
                enabled: is_enabled,
                status,
            });
        }
        let found: Vec<String> = entries.iter().map(|e| candidate_id(&e.path)).collect();
        let missing = enabled
            .iter()
            .filter(|(id, _)| !found.contains(id))
            .map(|(_, name)| LoadError::Missing {
                name: (*name).to_owned(),
                searched: search.describe(),
            })
            .collect();
        Catalog {
            entries,
            missing,
            allow: allow.clone(),
        }
    }

    /// Enabled plugins that loaded.
    pub fn loaded(&self) -> impl Iterator<Item = &PluginLibrary> {
        self.entries.iter().filter_map(|e| match &e.status {
            EntryStatus::Loaded(l) if e.enabled => Some(l),
            _ => None,
        })
    }

    fn config_of(&self, name: &str) -> String {
        self.allow
            .iter()
            .find(|(n, _)| normalise(n) == normalise(name))
            .map_or_else(|| "null".to_owned(), |(_, e)| e.config_json.clone())
    }

    /// Why `name` is not available: its load error, or that it is not enabled or not found.
    pub fn unavailable(&self, name: &str) -> LoadError {
        let id = normalise(name);
        for e in &self.entries {
            if candidate_id(&e.path) != id {
                continue;
            }
            match &e.status {
                EntryStatus::Failed(err) => return err.clone(),
                EntryStatus::Skipped => {
                    return LoadError::NotEnabled {
                        name: name.to_owned(),
                    }
                }
                EntryStatus::Loaded(_) if !e.enabled => {
                    return LoadError::NotEnabled {
                        name: name.to_owned(),
                    }
                }
                EntryStatus::Loaded(_) => {}
            }
        }
        self.missing
            .iter()
            .find(|m| matches!(m, LoadError::Missing { name: n, .. } if normalise(n) == id))
            .cloned()
            .unwrap_or_else(|| LoadError::NotEnabled {
                name: name.to_owned(),
            })
    }

    /// An instance of the storage plugin `name`, configured from the allow-list.
    pub fn storage(&self, name: &str) -> Result<PluginStorage, LoadError> {
        let lib = self
            .loaded()
            .find(|l| l.info.name == name)
            .ok_or_else(|| self.unavailable(name))?;
        PluginStorage::new(lib, &self.config_of(name))
    }

    /// Register every loaded stage plugin (built-in names win: a clash is an error).
    pub fn register_stages(&self, registry: &mut StageRegistry) -> Result<(), StageError> {
        for lib in self.loaded().filter(|l| l.info.kind == PluginKind::Stage) {
            let f = PluginStageFactory::new(lib.clone(), self.config_of(&lib.info.name))
                .map_err(|e| StageError::new(upstage_sdk::ErrorCode::Config, e.to_string()))?;
            registry.register(Arc::new(f))?;
        }
        Ok(())
    }
}
