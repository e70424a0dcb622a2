use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use upstage_sdk::{ErrorCode, Stage, StageConfig, StageError, StageFactory};

/// One entry of the configured pipeline: a stage name and its per-instance config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageSpec {
    pub name: String,
    #[serde(default)]
    pub config: StageConfig,
}

impl StageSpec {
    pub fn named(name: &str) -> Self {
        StageSpec {
            name: name.to_owned(),
            config: StageConfig::Null,
        }
    }
}

/// Stage factories by name. Built-in stages register here exactly as loaded plugins do, so the
/// pipeline list in `upstage.toml` can put any of them anywhere.
#[derive(Default, Clone)]
pub struct StageRegistry {
    factories: BTreeMap<String, Arc<dyn StageFactory>>,
}

impl StageRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn register(&mut self, factory: Arc<dyn StageFactory>) -> Result<(), StageError> {
        let name = factory.name().to_owned();
        if self.factories.contains_key(&name) {
            return Err(StageError::new(
                ErrorCode::Config,
                format!("a stage named '{name}' is already registered"),
            ));
        }
        self.factories.insert(name, factory);
        Ok(())
    }

    /// Registered stages as (name, description), sorted by name.
    pub fn list(&self) -> Vec<(&str, &str)> {
        self.factories
            .values()
            .map(|f| (f.name(), f.description()))
            .collect()
    }

    /// Build the stages of a pipeline, in the given order.
    pub fn build(&self, specs: &[StageSpec]) -> Result<Vec<Box<dyn Stage>>, StageError> {
        specs
            .iter()
            .map(|spec| {
                let factory = self.factories.get(&spec.name).ok_or_else(|| {
                    let known: Vec<&str> = self.factories.keys().map(String::as_str).collect();
                    StageError::new(
                        ErrorCode::Config,
                        format!(
                            "unknown stage '{}' (known: {})",
                            spec.name,
                            known.join(", ")
                        ),
                    )
                })?;
                factory.create(&spec.config).map_err(|e| {
                    StageError::new(e.code, format!("stage '{}': {}", spec.name, e.message))
                })
            })
            .collect()
    }
}
