//! Configuration: built-in defaults → `upstage.toml` → `UPSTAGE_*` environment → CLI flags.
//! Only reading and merging lives here; what is built from it is in `library.rs`.

mod upload;

pub use upload::UploadSettings;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use upstage_core::{Limits, StageSpec};
use upstage_server::ServerConfig;
use upstage_storage::StorageMode;

use crate::cli::GlobalArgs;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Where the local library (files, later the database) lives.
    pub data_dir: PathBuf,
    /// Processing threads.
    pub workers: usize,
    pub limits: Limits,
    pub storage: StorageConfig,
    /// Stage names in the order they run.
    pub pipeline: Vec<String>,
    /// Per-stage settings, by stage name (e.g. `[stage.thumbnail] width = 320`).
    pub stage: BTreeMap<String, toml::Table>,
    /// The HTTP adapter (`upstage serve`).
    pub server: ServerConfig,
    /// What the web pages call the site (`[site] name`).
    pub site: upstage_server::SiteConfig,
    /// `upstage upload` and `upstage tui`.
    pub upload: UploadSettings,
    /// Extra plugin directories (`--plugin-dir`), searched first.
    pub plugin_dirs: Vec<PathBuf>,
    /// The plugin allow-list: `[plugins.NAME] enabled = true, config = { … }`.
    pub plugins: BTreeMap<String, crate::plugins::PluginTable>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct StorageConfig {
    pub mode: StorageMode,
    /// Which backend holds the files: `"local"` (under `data_dir`) or `"s3"` (`[storage.s3]`).
    pub backend: String,
    pub s3: upstage_storage_s3::S3Config,
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            mode: StorageMode::Datefolder,
            backend: "local".to_owned(),
            s3: upstage_storage_s3::S3Config::default(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("data"),
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            limits: Limits::default(),
            storage: StorageConfig::default(),
            pipeline: upstage_builtins::DEFAULT_PIPELINE
                .map(String::from)
                .to_vec(),
            stage: BTreeMap::new(),
            server: ServerConfig::default(),
            site: upstage_server::SiteConfig::default(),
            upload: Default::default(),
            plugin_dirs: Vec::new(),
            plugins: BTreeMap::new(),
        }
    }
}

/// Flags that override the merged configuration (only the ones given).
#[derive(Serialize, Default)]
struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    workers: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limits: Option<LimitOverrides>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plugin_dirs: Option<Vec<PathBuf>>,
}

#[derive(Serialize)]
struct LimitOverrides {
    max_bytes: u64,
}

impl Config {
    pub fn load(args: &GlobalArgs) -> Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match &args.config {
            Some(path) => {
                anyhow::ensure!(path.exists(), "config file {} not found", path.display());
                fig = fig.merge(Toml::file(path));
            }
            None if Path::new("upstage.toml").exists() => {
                fig = fig.merge(Toml::file("upstage.toml"))
            }
            None => {}
        }
        // UPSTAGE_LIMITS__MAX_BYTES=… sets limits.max_bytes. The variables the CLI itself reads
        // (config file, log filter) are not configuration keys.
        fig = fig.merge(
            Env::prefixed("UPSTAGE_")
                .split("__")
                .ignore(&["config", "log"]),
        );
        let overrides = Overrides {
            workers: args.workers,
            limits: args.max_bytes.map(|max_bytes| LimitOverrides { max_bytes }),
            plugin_dirs: (!args.plugin_dir.is_empty()).then(|| args.plugin_dir.clone()),
        };
        fig = fig.merge(Serialized::defaults(overrides));
        let cfg: Config = fig.extract().context("invalid configuration")?;
        anyhow::ensure!(cfg.workers >= 1, "workers must be at least 1");
        Ok(cfg)
    }

    pub fn stage_specs(&self) -> Result<Vec<StageSpec>> {
        self.pipeline
            .iter()
            .map(|name| {
                let config = match self.stage.get(name) {
                    Some(t) => serde_json::to_value(t)?,
                    None => serde_json::Value::Null,
                };
                Ok(StageSpec {
                    name: name.clone(),
                    config,
                })
            })
            .collect()
    }

    /// A numeric setting of a stage's table, or its default.
    pub fn stage_u32(&self, stage: &str, key: &str, default: u32) -> u32 {
        self.stage
            .get(stage)
            .and_then(|t| t.get(key))
            .and_then(|v| v.as_integer())
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(default)
    }
}
