//! A stage that misbehaves on purpose, for the host's tests. It decides by the item's client
//! name: `…panic…` panics, `…fail…` returns an error, anything else passes through untouched.
//! `{"refuse": true}` as configuration makes `create` fail.

use upstage_sdk::plugin::{Item, ItemNeeds, PluginError, Stage};

pub struct Misbehave;

impl Stage for Misbehave {
    fn new(config: &str) -> Result<Self, PluginError> {
        let v: serde_json::Value = serde_json::from_str(config)
            .map_err(|e| PluginError::config(format!("not JSON: {e}")))?;
        if v.get("refuse").and_then(|r| r.as_bool()) == Some(true) {
            return Err(PluginError::config("refusing to start, as configured"));
        }
        Ok(Misbehave)
    }

    fn needs(&self, item: &Item<'_>) -> ItemNeeds {
        if item.client_name().contains("needs-panic") {
            panic!("misbehave: panic while asked what it needs");
        }
        ItemNeeds::ENCODED
    }

    fn process(&self, item: &mut Item<'_>) -> Result<(), PluginError> {
        let name = item.client_name().to_owned();
        if name.contains("panic") {
            panic!("misbehave: deliberate panic on {name}");
        }
        if name.contains("fail") {
            return Err(PluginError::failed(format!(
                "misbehave: deliberate failure on {name} ({} bytes)",
                item.original().len()
            )));
        }
        Ok(())
    }
}

upstage_sdk::export_stage_plugin!(
    Misbehave,
    id = misbehave,
    name = "misbehave",
    description = "Test stage: panics on '*panic*' items, fails '*fail*' items"
);
