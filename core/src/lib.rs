//! Upstage core: turns uploads into [`ItemContext`]s, enforces limits before any decode, decodes
//! once at the smallest useful size, and runs the configured [`Stage`]s over items in parallel.
//!
//! Storage is not core's business: the caller gets each finished item through a sink callback and
//! stores it (see `upstage-storage`). That keeps the pipeline usable from the HTTP adapter, the
//! batch uploader and benchmarks alike.

mod batch;
pub mod convert;
mod decode;
mod error;
mod input;
mod limits;
mod orient;
mod pipeline;
mod probe;
mod registry;
mod sniff;
mod walk;

pub use batch::{run_batch, BatchReport, ItemReport};
pub use decode::{decode_for, decode_jpeg_scaled, scans};
pub use error::ItemError;
pub use input::Input;
pub use limits::{format_bytes, Limits};
pub use pipeline::Pipeline;
pub use probe::{probe, Probe};
pub use registry::{StageRegistry, StageSpec};
pub use sniff::sniff;
pub use upstage_sdk as sdk;
pub use walk::{collect_inputs, is_accepted_extension};
