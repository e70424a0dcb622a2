//! A text watermark, as an Upstage stage plugin: draws a line of text (8×8 bitmap font, scaled)
//! into a corner of the full-size image, blended with the configured colour, and has the host
//! store the marked image as the main file. Later stages (medium, thumbnail) see the marked
//! pixels. Animated images and videos are left alone.
//!
//! Configuration (`[stage.watermark]`): `text` (default `"upstage"`), `corner`
//! (`bottom-right` default, `bottom-left`, `top-left`, `top-right`), `scale` (pixels per font
//! pixel, default 2), `margin` (default 8), `color` (`[r, g, b, a]`, default `[255, 255, 255,
//! 200]`).

mod draw;

pub use draw::{draw, text_box, Corner, Options};

use upstage_sdk::plugin::{Item, ItemNeeds, Logger, PluginError, Stage};
use upstage_sdk::{MediaKind, PixelRequest};

pub struct Watermark {
    opts: Options,
}

impl Stage for Watermark {
    type Config = Options;

    fn new(opts: Options, _log: Logger) -> Result<Self, PluginError> {
        let opts = opts.validate().map_err(PluginError::config)?;
        Ok(Watermark { opts })
    }

    fn needs(&self, item: &Item<'_>) -> ItemNeeds {
        let still = item.format().is_some_and(|f| f.kind() == MediaKind::Image);
        if still && !item.is_animated() {
            ItemNeeds::rgba8(PixelRequest::FULL)
        } else {
            ItemNeeds::METADATA
        }
    }

    fn process(&self, item: &mut Item<'_>) -> Result<(), PluginError> {
        let Some(px) = item.pixels() else {
            return Ok(());
        };
        if draw(px.data, px.width, px.height, &self.opts) {
            item.main_from_pixels()?;
        }
        Ok(())
    }
}

upstage_sdk::export_stage_plugin!(
    Watermark,
    description = "Text watermark in a corner (bitmap font), stored in the main file"
);
