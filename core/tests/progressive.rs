//! Scan pruning on real progressive photos: the pruned decode must stay visually identical to a
//! full-precision decode at the same scale.

use std::io::Cursor;
use std::path::PathBuf;

use upstage_core::scans;

fn corpus() -> Option<PathBuf> {
    upstage_testenv::corpus()
}

fn scaled(bytes: &[u8], d: u16) -> (u16, u16, Vec<u8>) {
    let mut dec = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    dec.read_info().unwrap();
    let info = dec.info().unwrap();
    let (w, h) = dec
        .scale(info.width.div_ceil(d), info.height.div_ceil(d))
        .unwrap();
    (w, h, dec.decode().unwrap())
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

#[test]
fn pruned_progressive_decodes_match_full_precision() {
    let Some(corpus) = corpus() else { return };
    let mut checked = 0;
    let mut worst = f64::INFINITY;
    let mut entries: Vec<_> = std::fs::read_dir(corpus.join("jpeg"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let bytes = std::fs::read(&path).unwrap();
        for d in [2u16, 4, 8] {
            let Some(pruned) = scans::prune(&bytes, scans::highest_coefficient(u32::from(d)))
            else {
                continue;
            };
            assert!(pruned.len() < bytes.len());
            let (w, h, full) = scaled(&bytes, d);
            let (pw, ph, fast) = scaled(&pruned, d);
            assert_eq!((w, h), (pw, ph));
            let p = psnr(&full, &fast);
            assert!(p > 40.0, "{}: 1/{d} scale PSNR {p:.1} dB", path.display());
            worst = worst.min(p);
            checked += 1;
        }
    }
    eprintln!("{checked} pruned decodes checked, worst PSNR {worst:.1} dB");
    assert!(checked >= 20, "only {checked} progressive decodes checked");
}
