//! The scaled JPEG decode on real photos: what the pipeline decodes (libjpeg-turbo's DCT-domain
//! scaling, after progressive scan pruning) must stay visually identical to a full-precision
//! decode at the same scale — every scan kept, decoded by an independent decoder
//! (jpeg-decoder's scaled IDCT). 40 dB PSNR is the bar.

use std::io::Cursor;
use std::path::PathBuf;

use upstage_core::{decode_jpeg_scaled, scans};

fn corpus() -> Option<PathBuf> {
    upstage_testenv::corpus()
}

/// Full precision: every coefficient of every scan, jpeg-decoder's scaled IDCT.
fn reference(bytes: &[u8], d: u16) -> (u32, u32, Vec<u8>) {
    let mut dec = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    dec.read_info().unwrap();
    let info = dec.info().unwrap();
    let (w, h) = dec
        .scale(info.width.div_ceil(d), info.height.div_ceil(d))
        .unwrap();
    let px = dec.decode().unwrap();
    let rgb = match dec.info().unwrap().pixel_format {
        jpeg_decoder::PixelFormat::L8 => px.iter().flat_map(|&l| [l, l, l]).collect(),
        _ => px,
    };
    (u32::from(w), u32::from(h), rgb)
}

fn psnr(a: &[u8], b: &[u8]) -> f64 {
    let mse = a
        .iter()
        .zip(b)
        .map(|(x, y)| (f64::from(*x) - f64::from(*y)).powi(2))
        .sum::<f64>()
        / a.len() as f64;
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (255.0f64 * 255.0 / mse).log10()
    }
}

fn jpegs(dir: &str) -> Vec<PathBuf> {
    let Some(corpus) = corpus() else {
        return Vec::new();
    };
    let mut entries: Vec<_> = std::fs::read_dir(corpus.join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

#[test]
fn scaled_decodes_match_full_precision_at_the_same_scale() {
    let (mut checked, mut pruned_checked) = (0, 0);
    let mut worst = (f64::INFINITY, String::new());
    for path in jpegs("jpeg") {
        let bytes = std::fs::read(&path).unwrap();
        for d in [2u16, 4, 8] {
            let pruned = scans::prune(&bytes, scans::highest_coefficient(u32::from(d)));
            if let Some(p) = &pruned {
                assert!(p.len() < bytes.len());
                pruned_checked += 1;
            }
            let ours = decode_jpeg_scaled(pruned.as_deref().unwrap_or(&bytes), u32::from(d))
                .unwrap()
                .expect("corpus JPEGs are RGB or grey");
            // Pruning against full precision, same decoder: the 40 dB bar.
            let full = decode_jpeg_scaled(&bytes, u32::from(d)).unwrap().unwrap();
            let p = psnr(&full.data, &ours.data);
            let name = format!("{} at 1/{d}", path.display());
            assert!(p >= 40.0, "{name}: PSNR {p:.1} dB");
            // The whole path against an independent decoder: scaled IDCT and chroma upsampling
            // differ between implementations, so a looser bar that still catches a broken path.
            let (w, h, other) = reference(&bytes, d);
            assert_eq!((ours.width, ours.height), (w, h), "{name}");
            let q = psnr(&other, &ours.data);
            assert!(q >= 35.0, "{name}: {q:.1} dB against jpeg-decoder");
            if p < worst.0 {
                worst = (p, name);
            }
            checked += 1;
        }
    }
    eprintln!(
        "{checked} scaled decodes ({pruned_checked} pruned) checked, worst PSNR {:.1} dB: {}",
        worst.0, worst.1
    );
    assert!(checked >= 60, "only {checked} scaled decodes checked");
    assert!(pruned_checked >= 20, "only {pruned_checked} pruned decodes");
}

#[test]
fn corrupt_and_cmyk_streams_are_reported_not_panicked() {
    // Cut inside the entropy data of a real photo: libjpeg warns and pads, we still get pixels
    // or an error, never a panic. Garbage after SOI is an error.
    let Some(path) = jpegs("jpeg").into_iter().next() else {
        panic!("corpus has no JPEGs");
    };
    let bytes = std::fs::read(path).unwrap();
    let _ = decode_jpeg_scaled(&bytes[..bytes.len() / 2], 4);
    assert!(decode_jpeg_scaled(b"\xFF\xD8garbage", 2).is_err());
    assert!(decode_jpeg_scaled(b"", 1).is_err());
}
