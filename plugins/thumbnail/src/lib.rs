//! The `thumbnail` stage: a centre-cropped thumb of a fixed size (320×320 by default), upscaled
//! when the image is smaller, from the first frame of animations and from a video's frame.

use upstage_imaging::{cover, encode, EncodeOptions};
use upstage_sdk::{
    ErrorCode, ItemContext, Needs, Output, PixelRequest, Stage, StageConfig, StageError,
    StageFactory,
};

#[derive(Debug)]
pub struct ThumbnailStage {
    pub width: u32,
    pub height: u32,
    encode: EncodeOptions,
}

impl Default for ThumbnailStage {
    fn default() -> Self {
        ThumbnailStage {
            width: 320,
            height: 320,
            encode: EncodeOptions::default(),
        }
    }
}

impl Stage for ThumbnailStage {
    fn name(&self) -> &str {
        "thumbnail"
    }

    fn needs(&self, _ctx: &ItemContext) -> Needs {
        Needs::Pixels(PixelRequest {
            min_width: self.width,
            min_height: self.height,
        })
    }

    fn process(&self, ctx: &mut ItemContext) -> Result<(), StageError> {
        let Some(pixels) = ctx.pixels.as_ref() else {
            return Err(StageError::new(
                ErrorCode::StageFailed,
                "thumbnail: no pixels were decoded for this item",
            ));
        };
        let format = ctx.main_format().derived();
        let thumb = cover(pixels, self.width, self.height)?;
        ctx.outputs.thumb = Some(Output {
            bytes: encode(
                &thumb,
                format,
                self.encode.for_source(ctx.format, &ctx.original),
            )?,
            format,
            width: thumb.width,
            height: thumb.height,
        });
        Ok(())
    }
}

pub struct ThumbnailStageFactory;

fn dimension(config: &StageConfig, key: &str, default: u32) -> Result<u32, StageError> {
    match config.get(key) {
        None => Ok(default),
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| (16..=4096).contains(n))
            .ok_or_else(|| StageError::new(ErrorCode::Config, format!("{key} must be 16..=4096"))),
    }
}

impl StageFactory for ThumbnailStageFactory {
    fn name(&self) -> &str {
        "thumbnail"
    }

    fn description(&self) -> &str {
        "Centre-cropped thumbnail, `width`×`height` (default 320×320)"
    }

    fn create(&self, config: &StageConfig) -> Result<Box<dyn Stage>, StageError> {
        Ok(Box::new(ThumbnailStage {
            width: dimension(config, "width", 320)?,
            height: dimension(config, "height", 320)?,
            encode: EncodeOptions::default(),
        }))
    }
}
