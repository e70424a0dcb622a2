//! The `exif` stage: reads the capture date (with its UTC offset), orientation, title, description
//! and camera from the EXIF block of a JPEG, PNG or WebP, and by default removes its GPS tags.
//!
//! GPS removal edits only the metadata, in place and at the same length: the EXIF block and the XMP
//! packets, which often carry a copy of the GPS tags. Pixels are never re-encoded and nothing else
//! in the file moves. Metadata is untrusted input, and broken metadata is common on images that
//! are otherwise fine, so a block that cannot be read or edited is skipped (and logged) rather
//! than failing the item.

mod container;
mod date;
mod gps;
mod locate;
mod read;
mod text;
mod tiff;
mod xmp;

use serde::Deserialize;
use upstage_sdk::{ErrorCode, ItemContext, Needs, Stage, StageConfig, StageError, StageFactory};

const NAME: &str = "exif";

/// Per-instance settings: the stage's table in `upstage.toml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExifConfig {
    /// Remove GPS tags from the stored file (privacy). On unless turned off.
    pub strip_gps: bool,
}

impl Default for ExifConfig {
    fn default() -> Self {
        ExifConfig { strip_gps: true }
    }
}

impl ExifConfig {
    /// Reads the stage's config; no table at all means the defaults. Unknown keys are refused so a
    /// misspelt `strip_gps` cannot silently change what gets stored.
    pub fn from_config(config: &StageConfig) -> Result<Self, StageError> {
        if config.is_null() {
            return Ok(ExifConfig::default());
        }
        ExifConfig::deserialize(config)
            .map_err(|e| StageError::new(ErrorCode::Config, format!("invalid exif config: {e}")))
    }
}

/// Reads EXIF metadata into `ctx.meta` and removes GPS tags (EXIF and XMP) from `ctx.original`.
#[derive(Clone, Debug, Default)]
pub struct ExifStage {
    config: ExifConfig,
}

impl ExifStage {
    pub fn new(config: ExifConfig) -> Self {
        ExifStage { config }
    }
}

impl Stage for ExifStage {
    fn name(&self) -> &str {
        NAME
    }

    fn needs(&self, _ctx: &ItemContext) -> Needs {
        Needs::Metadata
    }

    fn process(&self, ctx: &mut ItemContext) -> Result<(), StageError> {
        let blocks = locate::exif_blocks(ctx.format, &ctx.original);
        // Readers use the first block; later ones only matter for GPS removal.
        let first = blocks
            .first()
            .and_then(|b| ctx.original.get(b.tiff.clone()));
        if let Some(exif) = first.and_then(read::parse) {
            read::apply(&exif, &mut ctx.meta);
        }
        if !self.config.strip_gps {
            return Ok(());
        }
        for block in &blocks {
            if strip_exif_gps(block, ctx) {
                ctx.meta.gps_removed = true;
            }
        }
        if xmp::strip_gps(ctx.format, &mut ctx.original, &ctx.client_name) {
            ctx.meta.gps_removed = true;
        }
        Ok(())
    }
}

fn strip_exif_gps(block: &locate::ExifBlock, ctx: &mut ItemContext) -> bool {
    let Some(tiff) = ctx.original.get_mut(block.tiff.clone()) else {
        return false;
    };
    match gps::strip(tiff) {
        Ok(true) => {
            block.reseal(&mut ctx.original);
            true
        }
        Ok(false) => false,
        Err(e) => {
            tracing::warn!(item = %ctx.client_name, "GPS tags, if any, left in place: {e}");
            false
        }
    }
}

/// Registers the `exif` stage.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExifStageFactory;

impl StageFactory for ExifStageFactory {
    fn name(&self) -> &str {
        NAME
    }

    fn description(&self) -> &str {
        "Reads EXIF date taken, orientation, title/description and camera; removes GPS tags (EXIF and XMP) in place"
    }

    fn create(&self, config: &StageConfig) -> Result<Box<dyn Stage>, StageError> {
        Ok(Box::new(ExifStage::new(ExifConfig::from_config(config)?)))
    }
}
