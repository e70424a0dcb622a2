//! Scanning the search path against the allow-list, and handing out what loaded.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use upstage_core::StageRegistry;
use upstage_sdk::StageError;

use crate::search::candidate_id;
use crate::{
    load_library_in, LoadError, PluginInfo, PluginKind, PluginLibrary, PluginStageFactory,
    PluginStorage, SearchPath,
};

/// One `[plugins.<name>]` entry of `upstage.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowEntry {
    pub enabled: bool,
    /// `[plugins.<name>.config]` as JSON text (`null` when none).
    pub config_json: String,
    /// `[stage.<name>]` as JSON text, when present: a stage plugin's instance configuration,
    /// which replaces `config_json` whole (as the pipeline does).
    pub stage_config_json: Option<String>,
}

impl AllowEntry {
    /// Enabled, with this `[plugins.<name>.config]` and no `[stage.<name>]`.
    pub fn enabled(config_json: impl Into<String>) -> AllowEntry {
        AllowEntry {
            enabled: true,
            config_json: config_json.into(),
            stage_config_json: None,
        }
    }
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
    /// What the plugin said about itself, when its descriptor was read (also for a library
    /// that failed later: a duplicate, or one whose instance could not be created).
    pub info: Option<PluginInfo>,
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
            let (status, info) = if !is_enabled && mode == ScanMode::Enabled {
                (EntryStatus::Skipped, None)
            } else {
                match load_library_in(&path, search.copy_dir.as_deref()) {
                    Ok(lib) => {
                        let info = Some(lib.info.clone());
                        match first.get(&normalise(&lib.info.name)) {
                            Some(p) => (
                                EntryStatus::Failed(LoadError::Duplicate {
                                    name: lib.info.name.clone(),
                                    first: p.clone(),
                                }),
                                info,
                            ),
                            None => {
                                first.insert(normalise(&lib.info.name), path.clone());
                                (EntryStatus::Loaded(lib), info)
                            }
                        }
                    }
                    Err(e) => (EntryStatus::Failed(e), None),
                }
            };
            if let EntryStatus::Failed(e) = &status {
                tracing::warn!(code = e.code(), "plugin not loaded: {e}");
            }
            entries.push(PluginEntry {
                path,
                enabled: is_enabled,
                status,
                info,
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

    fn allowed(&self, name: &str) -> Option<&AllowEntry> {
        self.allow
            .iter()
            .find(|(n, _)| normalise(n) == normalise(name))
            .map(|(_, e)| e)
    }

    fn config_of(&self, name: &str) -> String {
        self.allowed(name)
            .map_or_else(|| "null".to_owned(), |e| e.config_json.clone())
    }

    /// Create (and drop) one instance of every enabled plugin that loaded, with the
    /// configuration `serve` would give it, so a bad configuration shows where users look
    /// (`plugins list`, `doctor`) rather than at the first upload. A plugin that cannot start
    /// becomes `Failed(CreateFailed)`; its `info` stays.
    pub fn check_instances(&mut self) {
        for i in 0..self.entries.len() {
            let EntryStatus::Loaded(lib) = &self.entries[i].status else {
                continue;
            };
            if !self.entries[i].enabled {
                continue;
            }
            if let Err(e) = self.try_instance(lib) {
                tracing::debug!(code = e.code(), "plugin unusable: {e}");
                self.entries[i].status = EntryStatus::Failed(e);
            }
        }
    }

    fn try_instance(&self, lib: &PluginLibrary) -> Result<(), LoadError> {
        match lib.info.kind {
            PluginKind::Storage => {
                PluginStorage::new(lib, &self.config_of(&lib.info.name)).map(drop)
            }
            PluginKind::Stage => {
                let plugins_config = self.config_of(&lib.info.name);
                let stage_table = self
                    .allowed(&lib.info.name)
                    .and_then(|e| e.stage_config_json.clone());
                let f = PluginStageFactory::new(lib.clone(), plugins_config.clone())?;
                f.instance(&stage_table.unwrap_or(plugins_config)).map(drop)
            }
        }
    }

    /// Whether some file on the search path provides `name` (loaded or not).
    pub fn has_file(&self, name: &str) -> bool {
        let id = normalise(name);
        self.entries.iter().any(|e| candidate_id(&e.path) == id)
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
            .find(|l| normalise(&l.info.name) == normalise(name))
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
