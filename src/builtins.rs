//! The stages compiled into the binary, registered exactly as plugins will be.

use std::sync::Arc;

use anyhow::Result;
use upstage_core::StageRegistry;

pub fn registry() -> Result<StageRegistry> {
    let mut r = StageRegistry::new();
    r.register(Arc::new(upstage_stage_exif::ExifStageFactory))?;
    r.register(Arc::new(upstage_stage_frame::FrameStageFactory))?;
    r.register(Arc::new(upstage_stage_resize::ResizeStageFactory))?;
    r.register(Arc::new(upstage_stage_medium::MediumStageFactory))?;
    r.register(Arc::new(upstage_stage_thumbnail::ThumbnailStageFactory))?;
    Ok(r)
}
