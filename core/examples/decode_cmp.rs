use std::io::Cursor;
use std::time::Instant;
use zune_core::bytestream::ZCursor;
use zune_core::options::DecoderOptions;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let (mut tz, mut tj) = (0.0, 0.0);
    for f in files {
        let b = std::fs::read(&f).unwrap();
        let t = Instant::now();
        let mut z = zune_jpeg::JpegDecoder::new_with_options(
            ZCursor::new(&b[..]),
            DecoderOptions::default(),
        );
        let _ = z.decode().unwrap();
        let zt = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let mut d = jpeg_decoder::Decoder::new(Cursor::new(&b));
        d.read_info().unwrap();
        let info = d.info().unwrap();
        let (w, h) = (info.width as u32, info.height as u32);
        let den = [8u32, 4, 2]
            .into_iter()
            .find(|d| w.div_ceil(*d) >= 750 && h.div_ceil(*d) >= 320)
            .unwrap_or(1);
        d.scale(w.div_ceil(den) as u16, h.div_ceil(den) as u16)
            .unwrap();
        let _ = d.decode().unwrap();
        let jt = t.elapsed().as_secs_f64();
        let prog = info.coding_process == jpeg_decoder::CodingProcess::DctProgressive;
        tz += zt;
        tj += jt;
        println!(
            "{:50} {}x{} prog={} d={} zune={:.0}ms jd_scaled={:.0}ms",
            f.file_name().unwrap().to_string_lossy(),
            w,
            h,
            prog,
            den,
            zt * 1e3,
            jt * 1e3
        );
    }
    println!("total zune {tz:.2}s jd_scaled {tj:.2}s");
}
