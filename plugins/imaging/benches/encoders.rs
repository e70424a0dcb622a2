//! Bytes, time and PSNR of each JPEG encoder on the derivatives of the corpus photos (a 750 px
//! medium and a 320×320 thumb of each), single-threaded, at the default quality.
//!
//!   UPSTAGE_CORPUS=~/.cache/upstage/corpus cargo bench -p upstage-imaging --bench encoders

use std::time::{Duration, Instant};

use upstage_imaging::{cover, encode, fit_width, EncodeOptions, JpegEncoder};
use upstage_sdk::{Format, PixelLayout, Raster};

fn psnr(a: &[u8], b: &[u8]) -> f64 {
    let mse = a
        .iter()
        .zip(b)
        .map(|(x, y)| (f64::from(*x) - f64::from(*y)).powi(2))
        .sum::<f64>()
        / a.len() as f64;
    10.0 * (255.0f64 * 255.0 / mse.max(1e-9)).log10()
}

fn main() {
    let dir = std::env::var("UPSTAGE_CORPUS").expect("set UPSTAGE_CORPUS (scripts/corpus)");
    let mut paths: Vec<_> = std::fs::read_dir(std::path::Path::new(&dir).join("jpeg"))
        .expect("corpus jpeg folder")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    let mut derivatives = Vec::new();
    for p in &paths {
        let img = image::open(p).expect("decode").to_rgb8();
        let r = Raster::new(img.width(), img.height(), PixelLayout::Rgb8, img.into_raw())
            .expect("raster");
        derivatives.push(fit_width(&r, 750).expect("medium"));
        derivatives.push(cover(&r, 320, 320).expect("thumb"));
    }
    println!(
        "{} derivatives of {} photos; quality {}",
        derivatives.len(),
        paths.len(),
        EncodeOptions::default().quality
    );
    println!("| encoder | ms total | bytes | mean PSNR dB |");
    println!("|---|---|---|---|");
    for which in [JpegEncoder::Rust, JpegEncoder::Turbo, JpegEncoder::Trellis] {
        let opts = EncodeOptions {
            jpeg_encoder: which,
            ..EncodeOptions::default()
        };
        let (mut time, mut bytes, mut quality) = (Duration::ZERO, 0, 0.0);
        for r in &derivatives {
            let t = Instant::now();
            let out = encode(r, Format::Jpeg, opts).expect("encode");
            time += t.elapsed();
            bytes += out.len();
            let back = image::load_from_memory(&out)
                .expect("decode back")
                .to_rgb8();
            quality += psnr(&r.data, back.as_raw());
        }
        println!(
            "| {which:?} | {:.0} | {bytes} | {:.2} |",
            time.as_secs_f64() * 1e3,
            quality / derivatives.len() as f64
        );
    }
}
