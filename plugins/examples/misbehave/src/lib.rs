//! A stage that misbehaves on purpose, for the host's tests. It decides by the item's client
//! name, so every run is the same:
//! - `…needs-panic…` panics while asked what it needs; `…panic…` panics in `process`;
//! - `…fail…` returns an error; `…log…` writes a warning to the host's log first;
//! - `…pixels…` asks for a 16×16 raster and fails if none was lent;
//! - every item it lets through gets the title `checked by misbehave`, so a test can tell an
//!   item that really went through the stage from one that skipped it.
//!
//! Configuration: `refuse = true` makes `new` fail; `level` must be a number (to test how
//! configuration errors read).

use serde::Deserialize;
use upstage_sdk::plugin::{Item, ItemNeeds, Logger, PluginError, Stage};
use upstage_sdk::PixelRequest;

#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    refuse: bool,
    level: u32,
}

pub struct Misbehave {
    log: Logger,
}

pub const CHECKED: &str = "checked by misbehave";

impl Stage for Misbehave {
    type Config = Config;

    fn new(config: Config, log: Logger) -> Result<Self, PluginError> {
        if config.refuse {
            return Err(PluginError::config("refusing to start, as configured"));
        }
        log.debug(format_args!("ready at level {}", config.level));
        Ok(Misbehave { log })
    }

    fn needs(&self, item: &Item<'_>) -> ItemNeeds {
        let name = item.client_name();
        if name.contains("needs-panic") {
            panic!("misbehave: panic while asked what it needs");
        }
        if name.contains("pixels") {
            ItemNeeds::rgba8(PixelRequest {
                min_width: 16,
                min_height: 16,
            })
        } else {
            ItemNeeds::ENCODED
        }
    }

    fn process(&self, item: &mut Item<'_>) -> Result<(), PluginError> {
        let name = item.client_name().to_owned();
        if name.contains("log") {
            self.log.warn(format_args!("misbehave saw {name}"));
        }
        if name.contains("panic") {
            panic!("misbehave: deliberate panic on {name}");
        }
        if name.contains("fail") {
            return Err(PluginError::failed(format!(
                "misbehave: deliberate failure on {name} ({} bytes)",
                item.original().len()
            )));
        }
        if name.contains("pixels") && item.pixels().is_none() {
            return Err(PluginError::failed(format!(
                "misbehave: no pixels were lent for {name}"
            )));
        }
        item.set_meta("title", CHECKED)
    }
}

upstage_sdk::export_stage_plugin!(
    Misbehave,
    description = "Test stage: panics on '*panic*' items, fails '*fail*' items"
);
