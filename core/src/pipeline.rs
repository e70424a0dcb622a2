use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use upstage_sdk::{ErrorCode, ItemContext, MediaKind, Needs, PixelRequest, Stage, StageTiming};

use crate::{decode_for, probe, sniff, Input, ItemError, Limits};

/// An ordered list of stages plus the limits every item is checked against.
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
    limits: Limits,
}

impl Pipeline {
    pub fn new(stages: Vec<Box<dyn Stage>>, limits: Limits) -> Self {
        Pipeline { stages, limits }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn stage_names(&self) -> Vec<&str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    /// Run one item through every stage. The decoded raster is dropped before returning, so a
    /// finished item holds only encoded outputs.
    pub fn run(&self, input: Input) -> Result<ItemContext, ItemError> {
        self.run_observed(input, &mut |_| {})
    }

    /// [`Pipeline::run`], calling `before_pixels` once, just before the first decode: the stages
    /// that only read metadata have run (EXIF read, GPS removed), and the pixel work that takes
    /// most of an item's time is about to start. Never called for an item no stage decodes.
    pub fn run_observed(
        &self,
        input: Input,
        before_pixels: &mut dyn FnMut(&ItemContext),
    ) -> Result<ItemContext, ItemError> {
        let start = Instant::now();
        let client_name = input.client_name.clone();
        let options = input.options.clone();
        let bytes = input.into_bytes(&self.limits)?;
        let format = sniff(&bytes)?;
        let mut ctx = ItemContext::new(client_name, format, options, bytes);
        if format.kind() == MediaKind::Image {
            let p = probe(format, &ctx.original, self.limits.max_frames)?;
            self.limits.check_probe(&p)?;
            ctx.meta.stored_width = p.width;
            ctx.meta.stored_height = p.height;
            ctx.meta.frames = p.frames;
            ctx.meta.is_animated = p.frames > 1;
        }
        time(&mut ctx, "probe", start);

        let mut decoded = false;
        for (i, stage) in self.stages.iter().enumerate() {
            if ctx.pixels.is_none() && matches!(stage.needs(&ctx), Needs::Pixels(_)) {
                if !decoded {
                    decoded = true;
                    before_pixels(&ctx);
                }
                let t = Instant::now();
                let request = self.pixel_request(i, &ctx);
                ctx.pixels = Some(decode_for(&ctx, request)?);
                time(&mut ctx, "decode", t);
            }
            let t = Instant::now();
            let outcome = catch_unwind(AssertUnwindSafe(|| stage.process(&mut ctx)));
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(ItemError::from(e).in_stage(stage.name())),
                Err(panic) => {
                    let why = panic_message(&*panic);
                    tracing::error!(stage = stage.name(), item = %ctx.client_name, "stage panicked: {why}");
                    return Err(ItemError::new(
                        ErrorCode::StagePanicked,
                        format!("Stage '{}' crashed on this item", stage.name()),
                    )
                    .in_stage(stage.name()));
                }
            }
            time(&mut ctx, stage.name(), t);
        }
        ctx.pixels = None;
        Ok(ctx)
    }

    /// The union of what every stage from `from` on will need: one decode serves them all.
    fn pixel_request(&self, from: usize, ctx: &ItemContext) -> PixelRequest {
        self.stages[from..]
            .iter()
            .filter_map(|s| match s.needs(ctx) {
                Needs::Pixels(r) => Some(r),
                Needs::Metadata => None,
            })
            .fold(
                PixelRequest {
                    min_width: 0,
                    min_height: 0,
                },
                PixelRequest::max,
            )
    }
}

fn time(ctx: &mut ItemContext, stage: &str, since: Instant) {
    ctx.timings.push(StageTiming {
        stage: stage.to_owned(),
        elapsed: since.elapsed(),
    });
}

pub(crate) fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}
