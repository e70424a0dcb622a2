//! Time of the JPEG decode the pipeline does for a 750 px medium + 320×320 thumb, per decoder,
//! single-threaded over the corpus JPEGs (progressive ones pruned first, as the pipeline does):
//! libjpeg-turbo's scaled decode (ours) against jpeg-decoder's scaled decode (the previous path)
//! and zune-jpeg's full-size decode (the fastest pure-Rust entropy decoder, which cannot scale).
//!
//!   UPSTAGE_CORPUS=~/.cache/upstage/corpus cargo bench -p upstage-core --bench jpeg_decode

use std::io::Cursor;
use std::time::{Duration, Instant};

use upstage_core::{decode_jpeg_scaled, scans};

/// The pipeline's choice for medium 750 wide and a 320×320 cover thumb.
fn denominator(w: u32, h: u32) -> u32 {
    let (ww, wh) = (750.min(w), 320.min(h));
    [8u32, 4, 2]
        .into_iter()
        .find(|d| w.div_ceil(*d) >= ww && h.div_ceil(*d) >= wh)
        .unwrap_or(1)
}

fn jpeg_decoder_scaled(bytes: &[u8], d: u32) -> usize {
    let mut dec = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    dec.read_info().expect("info");
    let info = dec.info().expect("info");
    let d = d as u16;
    dec.scale(info.width.div_ceil(d), info.height.div_ceil(d))
        .expect("scale");
    dec.decode().map(|p| p.len()).unwrap_or(0)
}

fn zune_full(bytes: &[u8]) -> usize {
    let mut dec = zune_jpeg::JpegDecoder::new(zune_core::bytestream::ZCursor::new(bytes));
    dec.decode().map(|p| p.len()).unwrap_or(0)
}

/// One decoder under test: (pruned bytes, original bytes, scale denominator) -> bytes decoded.
type Decoder = dyn Fn(&[u8], &[u8], u32) -> usize;

fn main() {
    let dir = std::env::var("UPSTAGE_CORPUS").expect("set UPSTAGE_CORPUS (scripts/corpus)");
    let dir = std::path::Path::new(&dir).join("jpeg");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus jpeg folder")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for p in &paths {
        let bytes = std::fs::read(p).expect("read");
        let mut head = zune_jpeg::JpegDecoder::new(zune_core::bytestream::ZCursor::new(&bytes[..]));
        head.decode_headers().expect("header");
        let (w, h) = head
            .dimensions()
            .map(|(w, h)| (w as u32, h as u32))
            .expect("size");
        let d = denominator(w, h);
        let pruned = scans::prune(&bytes, d);
        files.push((pruned.unwrap_or_else(|| bytes.clone()), bytes, d));
    }
    let time = |f: &Decoder| {
        let t = Instant::now();
        let mut n = 0;
        for (pruned, original, d) in &files {
            n += f(pruned, original, *d);
        }
        (t.elapsed(), n)
    };
    let rows: [(&str, Box<Decoder>); 3] = [
        (
            "libjpeg-turbo scaled (ours)",
            Box::new(|p, _, d| {
                decode_jpeg_scaled(p, d)
                    .ok()
                    .flatten()
                    .map_or(0, |r| r.data.len())
            }),
        ),
        (
            "jpeg-decoder scaled (before)",
            Box::new(|p, _, d| jpeg_decoder_scaled(p, d)),
        ),
        ("zune-jpeg full size", Box::new(|_, o, _| zune_full(o))),
    ];
    println!("{} corpus JPEGs, single thread", files.len());
    println!("| decoder | seconds | img/s |");
    println!("|---|---|---|");
    for (name, f) in &rows {
        let best: Duration = (0..2).map(|_| time(f.as_ref()).0).min().unwrap_or_default();
        println!(
            "| {name} | {:.2} | {:.1} |",
            best.as_secs_f64(),
            files.len() as f64 / best.as_secs_f64()
        );
    }
}
