use crate::{ItemContext, StageError};

/// The smallest upright raster a stage can work from. The pipeline decodes once, at the smallest
/// size that satisfies every stage (JPEG can decode at 1/2, 1/4 or 1/8 scale for free).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PixelRequest {
    pub min_width: u32,
    pub min_height: u32,
}

impl PixelRequest {
    /// The full-resolution image.
    pub const FULL: PixelRequest = PixelRequest {
        min_width: u32::MAX,
        min_height: u32::MAX,
    };

    /// The union of two requests: large enough for both.
    pub fn max(self, other: PixelRequest) -> PixelRequest {
        PixelRequest {
            min_width: self.min_width.max(other.min_width),
            min_height: self.min_height.max(other.min_height),
        }
    }
}

/// What a stage needs from the pipeline before `process` is called for an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Bytes and metadata only: no decode on this stage's behalf.
    Metadata,
    /// A decoded raster at least this large (clamped to the image's own size).
    Pixels(PixelRequest),
}

/// A named processing step. Implementations must be cheap to share across worker threads: the
/// pipeline calls one instance from many items in parallel.
pub trait Stage: Send + Sync {
    fn name(&self) -> &str;

    /// Asked once per item, after sniffing and probing (dimensions, frames, orientation known) and
    /// before any decode. Returning `Metadata` for items a stage will skip avoids a decode.
    fn needs(&self, ctx: &ItemContext) -> Needs;

    /// Do the work. An error fails this item only; the batch goes on.
    fn process(&self, ctx: &mut ItemContext) -> Result<(), StageError>;
}

/// Per-instance configuration of a stage: the stage's table from `upstage.toml`, as JSON.
pub type StageConfig = serde_json::Value;

/// Builds stages by name; the registry holds one factory per known stage.
pub trait StageFactory: Send + Sync {
    fn name(&self) -> &str;
    fn description(&self) -> &str;
    fn create(&self, config: &StageConfig) -> Result<Box<dyn Stage>, StageError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_takes_each_axis() {
        let a = PixelRequest {
            min_width: 750,
            min_height: 0,
        };
        let b = PixelRequest {
            min_width: 320,
            min_height: 320,
        };
        assert_eq!(
            a.max(b),
            PixelRequest {
                min_width: 750,
                min_height: 320
            }
        );
    }
}
