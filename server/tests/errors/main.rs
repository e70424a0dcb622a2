//! Chevereto's error catalogue (docs/compatibility.md) against the real server: HTTP 400 with the
//! exact JSON body `{"status_code":400,"error":{"message":…,"code":…},"status_txt":"Bad Request"}`
//! in the reference's order of checks, plain text for `txt`/`redirect`, and bad input that never
//! yields a 500, a panic or a hang. Each file is a theme; each test a table of rows
//! (common/table.rs) against one server of one configuration.

#[path = "../common/mod.rs"]
mod common;

mod auth;
mod bad_input;
mod curl;
mod limits;
mod sources;

use base64::Engine;

use common::table::{source, Part};

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A JPEG whose pixels depend on `seed`, so non-admin uploads are not duplicates of each other.
pub fn jpeg(seed: u32) -> Vec<u8> {
    common::jpeg(200 + seed, 150)
}

/// The `source` part most rows send.
pub fn photo(seed: u32) -> Part {
    source("photo.jpg", "image/jpeg", jpeg(seed))
}

/// Bytes that do not compress: a noisy RGB PNG of about `w * h * 3` bytes.
pub fn noisy_png(w: u32, h: u32) -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let img = image::RgbImage::from_fn(w, h, |_, _| {
        let mut px = [0u8; 3];
        for c in &mut px {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            *c = state as u8;
        }
        image::Rgb(px)
    });
    common::encode(&img, image::ImageFormat::Png)
}
