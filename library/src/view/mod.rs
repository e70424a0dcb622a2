//! The public face of a recorded image: the `image` object of an upload response, and every URL
//! it has.

mod image;
mod labels;
mod urls;

pub use image::{build, FileJson, ImageJson, TagJson};
pub use urls::{mime_of, seo_slug, ImageUrls};
