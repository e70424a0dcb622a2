//! The stages compiled into the binary, registered exactly as loaded plugins are, and the
//! default pipeline. The binary, the server's tests and the end-to-end tests all build their
//! registry here, so a new built-in stage is added in one place.

use std::sync::Arc;

use upstage_core::StageRegistry;
use upstage_sdk::StageError;

/// The pipeline `upstage.toml` gets when it names none.
pub const DEFAULT_PIPELINE: [&str; 5] = ["exif", "frame", "resize", "medium", "thumbnail"];

pub fn registry() -> Result<StageRegistry, StageError> {
    let mut r = StageRegistry::new();
    r.register(Arc::new(upstage_stage_exif::ExifStageFactory))?;
    r.register(Arc::new(upstage_stage_frame::FrameStageFactory))?;
    r.register(Arc::new(upstage_stage_resize::ResizeStageFactory))?;
    r.register(Arc::new(upstage_stage_medium::MediumStageFactory))?;
    r.register(Arc::new(upstage_stage_thumbnail::ThumbnailStageFactory))?;
    Ok(r)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_pipeline_builds() {
        let specs = super::DEFAULT_PIPELINE.map(upstage_core::StageSpec::named);
        assert_eq!(super::registry().unwrap().build(&specs).unwrap().len(), 5);
    }
}
