//! What `upstage plugins list` and `upstage doctor` show: every library with what it says about
//! itself and whether it is usable, with every enabled plugin actually created from the
//! configuration `serve` would give it.

use anyhow::Result;
use serde::Serialize;
use upstage_plugin_host::{EntryStatus, LoadError, PluginInfo, ScanMode, SearchPath};

use crate::config::Config;

/// One library (or one enabled plugin that was not found).
#[derive(Debug, Serialize)]
pub struct Row {
    pub name: String,
    pub version: String,
    pub kind: String,
    pub sdk_version: String,
    /// `debug` or `release` (`-` for plugins built before the SDK recorded it).
    pub profile: String,
    pub path: String,
    /// SHA-256 of the file as loaded: tells two builds apart.
    pub sha256: Option<String>,
    pub enabled: bool,
    /// `loaded`, `disabled` (on the search path, not allowed) or `error`.
    pub status: &'static str,
    pub code: Option<&'static str>,
    pub error: Option<String>,
}

impl Row {
    /// Enabled but not usable: the commands that check plugins exit 1 for this.
    pub fn unusable(&self) -> bool {
        self.enabled && self.status == "error"
    }

    fn new(info: Option<&PluginInfo>, path: String, enabled: bool) -> Row {
        let or_dash = |s: &str| {
            if s.is_empty() {
                "-".into()
            } else {
                s.to_owned()
            }
        };
        Row {
            name: info.map_or("-".into(), |i| i.name.clone()),
            version: info.map_or("-".into(), |i| or_dash(&i.version)),
            kind: info.map_or("-".into(), |i| i.kind.as_str().into()),
            sdk_version: info.map_or("-".into(), |i| or_dash(&i.sdk_version)),
            profile: info.map_or("-".into(), |i| or_dash(&i.build_profile)),
            path,
            sha256: info.and_then(|i| i.sha256.clone()),
            enabled,
            status: if enabled { "loaded" } else { "disabled" },
            code: None,
            error: None,
        }
    }

    fn failed(mut self, e: &LoadError) -> Row {
        self.status = "error";
        self.code = Some(e.code());
        self.error = Some(e.to_string());
        self
    }
}

/// Scan (`All`: every library; `Enabled`: only allowed ones are opened), create every enabled
/// plugin, and describe the result.
pub fn check(cfg: &Config, mode: ScanMode) -> Result<(SearchPath, Vec<Row>)> {
    let search = super::search_path(cfg);
    let mut catalog = super::catalog(cfg, mode)?;
    catalog.check_instances();
    let mut rows = Vec::new();
    for e in &catalog.entries {
        let row = Row::new(e.info.as_ref(), e.path.display().to_string(), e.enabled);
        rows.push(match &e.status {
            EntryStatus::Loaded(_) | EntryStatus::Skipped => row,
            EntryStatus::Failed(err) => row.failed(err),
        });
    }
    for m in &catalog.missing {
        let mut row = Row::new(None, "-".into(), true).failed(m);
        if let LoadError::Missing { name, .. } = m {
            row.name = name.clone();
        }
        rows.push(row);
    }
    Ok((search, rows))
}
