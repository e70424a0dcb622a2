//! Pixel helpers shared by the built-in stages and available to third-party ones: SIMD resizing
//! (`fast_image_resize`), centre-crop "cover" thumbnails, and encoding a [`Raster`] to the output
//! formats. Everything works on the SDK's [`Raster`], so stages never juggle codec types.
//!
//! [`Raster`]: upstage_sdk::Raster

mod encode;
mod jpeg;
mod resize;
mod webp;

pub use encode::{encode, EncodeOptions};
pub use jpeg::JpegEncoder;
pub use resize::{cover, fit_width, resize_exact};
pub use webp::lossless_source as webp_lossless_source;
