//! The `resize` stage: makes the stored main file when it cannot be the uploaded bytes — the
//! API's `width` (downscale only) and BMP, which is stored as PNG.

use upstage_imaging::{encode, fit_width, EncodeOptions};
use upstage_sdk::{
    ErrorCode, Format, ItemContext, MediaKind, Needs, Output, PixelRequest, Stage, StageConfig,
    StageError, StageFactory,
};

#[derive(Debug, Default)]
pub struct ResizeStage {
    encode: EncodeOptions,
}

/// What the stage will do to an item, decided from the probe alone.
enum Plan {
    Nothing,
    Convert,
    Resize(u32),
}

impl ResizeStage {
    fn plan(&self, ctx: &ItemContext) -> Plan {
        if ctx.format.kind() == MediaKind::Video {
            return Plan::Nothing;
        }
        // Animated images keep their frames: `width` is ignored for them, as in the reference.
        match ctx.options.width {
            Some(w) if !ctx.meta.is_animated && w != ctx.meta.upright_size().0 => Plan::Resize(w),
            _ if ctx.format == Format::Bmp => Plan::Convert,
            _ => Plan::Nothing,
        }
    }
}

impl Stage for ResizeStage {
    fn name(&self) -> &str {
        "resize"
    }

    fn needs(&self, ctx: &ItemContext) -> Needs {
        match self.plan(ctx) {
            Plan::Nothing => Needs::Metadata,
            Plan::Convert => Needs::Pixels(PixelRequest::FULL),
            Plan::Resize(w) => Needs::Pixels(PixelRequest {
                min_width: w,
                min_height: 0,
            }),
        }
    }

    fn process(&self, ctx: &mut ItemContext) -> Result<(), StageError> {
        let plan = self.plan(ctx);
        if let Plan::Resize(w) = plan {
            let original_width = ctx.meta.upright_size().0;
            if w == 0 {
                return Err(StageError::new(ErrorCode::InvalidOption, "Invalid width"));
            }
            if w > original_width {
                return Err(StageError::new(
                    ErrorCode::WidthTooLarge,
                    "Target width is greater than the original image width",
                ));
            }
        }
        let Some(pixels) = ctx.pixels.as_ref() else {
            return Ok(());
        };
        let target = ctx.format.derived();
        let raster = match plan {
            Plan::Nothing => return Ok(()),
            Plan::Convert => None,
            Plan::Resize(w) => Some(fit_width(pixels, w)?),
        };
        let r = raster.as_ref().unwrap_or(pixels);
        ctx.outputs.main = Some(Output {
            bytes: encode(r, target, self.encode.for_source(ctx.format, &ctx.original))?,
            format: target,
            width: r.width,
            height: r.height,
        });
        Ok(())
    }
}

pub struct ResizeStageFactory;

impl StageFactory for ResizeStageFactory {
    fn name(&self) -> &str {
        "resize"
    }

    fn description(&self) -> &str {
        "Downscale the stored image to the upload's `width`; store BMP as PNG"
    }

    fn create(&self, config: &StageConfig) -> Result<Box<dyn Stage>, StageError> {
        let mut stage = ResizeStage::default();
        if let Some(q) = config.get("jpeg_quality") {
            stage.encode.quality = q
                .as_u64()
                .and_then(|q| u8::try_from(q).ok())
                .filter(|q| (1..=100).contains(q))
                .ok_or_else(|| {
                    StageError::new(ErrorCode::Config, "jpeg_quality must be 1..=100")
                })?;
        }
        Ok(Box::new(stage))
    }
}
