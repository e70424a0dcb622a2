//! The `medium` stage: a proportional copy `size` px wide (750 by default), made only when the
//! image is wider than that; animated images always get one (their first frame).

use upstage_imaging::{encode, fit_width, EncodeOptions};
use upstage_sdk::{
    ErrorCode, ItemContext, Needs, Output, PixelRequest, Stage, StageConfig, StageError,
    StageFactory,
};

#[derive(Debug)]
pub struct MediumStage {
    pub size: u32,
    encode: EncodeOptions,
}

impl Default for MediumStage {
    fn default() -> Self {
        MediumStage {
            size: 750,
            encode: EncodeOptions::default(),
        }
    }
}

impl MediumStage {
    /// The width of the medium to make, if any. Decided on the stored main file's size, so an
    /// upload resized by `width` gets a medium only if it is still wider.
    fn target_width(&self, ctx: &ItemContext) -> Option<u32> {
        let (w, _) = ctx.main_size();
        if w > self.size {
            Some(self.size)
        } else if ctx.meta.is_animated && w > 0 {
            Some(w.min(self.size))
        } else {
            None
        }
    }
}

impl Stage for MediumStage {
    fn name(&self) -> &str {
        "medium"
    }

    fn needs(&self, ctx: &ItemContext) -> Needs {
        match self.target_width(ctx) {
            Some(w) => Needs::Pixels(PixelRequest {
                min_width: w,
                min_height: 0,
            }),
            None => Needs::Metadata,
        }
    }

    fn process(&self, ctx: &mut ItemContext) -> Result<(), StageError> {
        let Some(width) = self.target_width(ctx) else {
            return Ok(());
        };
        let Some(pixels) = ctx.pixels.as_ref() else {
            return Err(StageError::new(
                ErrorCode::StageFailed,
                "medium: no pixels were decoded for this item",
            ));
        };
        let format = ctx.main_format().derived();
        let medium = fit_width(pixels, width)?;
        ctx.outputs.medium = Some(Output {
            bytes: encode(
                &medium,
                format,
                self.encode.for_source(ctx.format, &ctx.original),
            )?,
            format,
            width: medium.width,
            height: medium.height,
        });
        Ok(())
    }
}

pub struct MediumStageFactory;

impl StageFactory for MediumStageFactory {
    fn name(&self) -> &str {
        "medium"
    }

    fn description(&self) -> &str {
        "Medium-size copy `size` px wide (default 750) when the image is wider"
    }

    fn create(&self, config: &StageConfig) -> Result<Box<dyn Stage>, StageError> {
        let size = match config.get("size") {
            None => 750,
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| (16..=8192).contains(n))
                .ok_or_else(|| StageError::new(ErrorCode::Config, "size must be 16..=8192"))?,
        };
        Ok(Box::new(MediumStage {
            size,
            encode: EncodeOptions::default(),
        }))
    }
}
