//! Third-party plugins in the binary: the `[plugins.NAME]` allow-list, the search path, and
//! handing loaded plugins to the stage registry and the storage opener. Nothing is loaded unless
//! `[plugins]` names it.

mod check;
mod install;

pub use check::{check, Row};
pub use install::install;

use std::sync::Arc;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use upstage_core::StageRegistry;
use upstage_plugin_host::{AllowEntry, AllowList, Catalog, ScanMode, SearchPath};
use upstage_storage::Storage;

use crate::config::Config;

/// One `[plugins.NAME]` table.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PluginTable {
    /// Whether the plugin may load (listing it is enough; `false` keeps it off).
    pub enabled: bool,
    /// The instance configuration handed to the plugin (as JSON). Stage plugins also take
    /// `[stage.NAME]`, which wins when present, like built-in stages.
    pub config: toml::Table,
}

impl Default for PluginTable {
    fn default() -> Self {
        PluginTable {
            enabled: true,
            config: toml::Table::new(),
        }
    }
}

pub fn search_path(cfg: &Config) -> SearchPath {
    SearchPath::from_env(&cfg.plugin_dirs, &cfg.data_dir)
}

pub fn allow_list(cfg: &Config) -> Result<AllowList> {
    cfg.plugins
        .iter()
        .map(|(name, t)| {
            let config_json = if t.config.is_empty() {
                "null".to_owned()
            } else {
                serde_json::to_string(&t.config)
                    .with_context(|| format!("[plugins.{name}] config"))?
            };
            let stage_config_json = match cfg.stage.get(name) {
                Some(table) => {
                    Some(serde_json::to_string(table).with_context(|| format!("[stage.{name}]"))?)
                }
                None => None,
            };
            Ok((
                name.clone(),
                AllowEntry {
                    enabled: t.enabled,
                    config_json,
                    stage_config_json,
                },
            ))
        })
        .collect()
}

pub fn catalog(cfg: &Config, mode: ScanMode) -> Result<Catalog> {
    Ok(Catalog::scan(&search_path(cfg), &allow_list(cfg)?, mode))
}

/// Add the enabled stage plugins to `registry`. A pipeline naming a plugin that did not load
/// fails here with the plugin's own load error, and one naming a library that is on the search
/// path but not allowed says so, rather than "unknown stage".
pub fn register_stages(cfg: &Config, registry: &mut StageRegistry) -> Result<()> {
    let known = |r: &StageRegistry| -> Vec<String> {
        r.list().iter().map(|(n, _)| n.to_string()).collect()
    };
    let builtin = known(registry);
    let unknown = cfg.pipeline.iter().any(|n| !builtin.contains(n));
    if cfg.plugins.is_empty() && !unknown {
        return Ok(());
    }
    // Only allowed files are opened; the others are merely seen on the search path.
    let catalog = catalog(cfg, ScanMode::Enabled)?;
    catalog.register_stages(registry)?;
    let known = known(registry);
    for name in &cfg.pipeline {
        if !known.contains(name) && (cfg.plugins.contains_key(name) || catalog.has_file(name)) {
            anyhow::bail!("pipeline stage '{name}': {}", catalog.unavailable(name));
        }
    }
    Ok(())
}

/// `storage.backend = "plugin:NAME"`.
pub fn open_storage(cfg: &Config, name: &str) -> Result<Arc<dyn Storage>> {
    let catalog = catalog(cfg, ScanMode::Enabled)?;
    let storage = catalog
        .storage(name)
        .with_context(|| format!("storage.backend = \"plugin:{name}\""))?;
    Ok(Arc::new(storage))
}
