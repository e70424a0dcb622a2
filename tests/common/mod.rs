//! Shared helpers of the end-to-end tests.
#![allow(dead_code)]

pub mod consistency;

use std::io::Cursor;
use std::path::PathBuf;

use image::{ImageFormat, RgbImage};
use upstage_core::{Limits, Pipeline, StageRegistry, StageSpec};

/// The built-in stages, registered as the binary does.
pub fn registry() -> StageRegistry {
    upstage_builtins::registry().unwrap()
}

pub fn pipeline(specs: &[StageSpec]) -> Pipeline {
    Pipeline::new(registry().build(specs).unwrap(), Limits::default())
}

pub fn default_pipeline() -> Pipeline {
    pipeline(&["exif", "resize", "medium", "thumbnail"].map(StageSpec::named))
}

pub fn encode(img: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode test image");
    out.into_inner()
}

/// Insert an EXIF APP1 segment holding only `Orientation = o` right after SOI.
pub fn with_orientation(jpeg: &[u8], o: u16) -> Vec<u8> {
    let mut tiff = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(0x0112u16.to_le_bytes());
    tiff.extend(3u16.to_le_bytes());
    tiff.extend(1u32.to_le_bytes());
    tiff.extend(o.to_le_bytes());
    tiff.extend([0, 0]);
    tiff.extend(0u32.to_le_bytes());
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend(((2 + 6 + tiff.len()) as u16).to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

/// The real-photo corpus (`scripts/corpus`), under the `upstage-testenv` policy: missing, it
/// fails the test with the command that builds it.
pub fn corpus() -> Option<PathBuf> {
    upstage_testenv::corpus()
}
