//! The Upstage stage SDK: the one crate a stage depends on.
//!
//! A [`Stage`] is a named step of the processing pipeline. The pipeline hands every stage the same
//! [`ItemContext`] in order; a stage reads what earlier stages left (metadata, the decoded working
//! raster) and writes what later ones need (derived outputs, metadata). Built-in stages (`exif`,
//! `resize`, `medium`, `thumbnail`) are written against exactly these types, so a third-party stage
//! can be inserted anywhere in the list by name.
//!
//! Third-party plugins loaded at run time use the C ABI in [`abi`] through the safe traits and
//! export macros in [`plugin`] (see `docs/plugins.md`).

pub mod abi;
mod context;
mod error;
mod format;
mod metadata;
mod options;
pub mod plugin;
mod raster;
mod stage;

pub use context::{ItemContext, Output, OutputKind, Outputs, StageTiming};
pub use error::{ErrorCode, StageError};
pub use format::{Format, MediaKind};
pub use metadata::{DateSource, DateTaken, Metadata};
pub use options::UploadOptions;
pub use raster::{PixelLayout, Raster};
pub use stage::{Needs, PixelRequest, Stage, StageConfig, StageFactory};
