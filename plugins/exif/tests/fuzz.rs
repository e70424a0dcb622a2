//! Fuzzing the EXIF stage — container walks, the TIFF reader, GPS removal from EXIF and XMP —
//! with mutated real photos (the corpus's camera JPEGs, corrupt ones included, and the committed
//! samples) and small files carrying GPS in every place the stage edits. Whatever the input, the
//! stage must not panic or fail the item, must keep the file's length, must change bytes only
//! inside metadata segments (pixel data stays byte-identical), must keep a valid PNG CRC valid,
//! must read the same metadata from its own output, and must be idempotent: removing GPS twice
//! is removing it once.

mod common;

use upstage_fuzz::{corpus_dir, corpus_seeds, fuzz, regression_seeds, repo_seeds, Seed, Verdict};
use upstage_sdk::{Format, ItemContext};

use common::builder::sample_with_gps;
use common::walk::{editable, png_chunks};
use common::xmp::{jpeg_with_app1s, packet, EXIF_NS, XMP_HEADER};
use common::{jpeg_with, png_chunk, run};

fn gps_xmp() -> Vec<u8> {
    packet(&format!(
        "<rdf:Description rdf:about='' xmlns:exif='{EXIF_NS}' exif:GPSLatitude='55,40.566N'>\n\
         <exif:GPSLongitude>12,34.5E</exif:GPSLongitude>\n<exif:GPSAltitude/>\n\
         <exif:DateTimeOriginal>2020-01-01T10:00:00</exif:DateTimeOriginal>\n</rdf:Description>"
    ))
    .into_bytes()
}

/// Small files with GPS in each place the stage edits, which the real photos rarely combine:
/// both TIFF byte orders, EXIF and XMP in one JPEG, PNG `eXIf`/`iTXt`/`tEXt`, WebP `EXIF`/`XMP `.
fn synthetic() -> Vec<Seed> {
    let little = sample_with_gps(false).build();
    let big = sample_with_gps(true).build();
    let exif_app1 = [b"Exif\0\0".as_slice(), &big].concat();
    let xmp_app1 = [XMP_HEADER, &gps_xmp()].concat();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
    png.extend(png_chunk(b"eXIf", &little));
    png.extend(png_chunk(
        b"iTXt",
        &[b"XML:com.adobe.xmp\0\0\0en\0\0".as_slice(), &gps_xmp()].concat(),
    ));
    png.extend(png_chunk(
        b"tEXt",
        &[b"XML:com.adobe.xmp\0".as_slice(), &gps_xmp()].concat(),
    ));
    png.extend(png_chunk(
        b"IDAT",
        b"\x78\x9c\x63\x60\x60\x60\x00\x00\x00\x04\x00\x01",
    ));
    png.extend(png_chunk(b"IEND", &[]));
    let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\x0c\0\0\0\0\0\0\0\0\0".to_vec();
    for (kind, data) in [(b"EXIF", &big), (b"XMP ", &gps_xmp())] {
        webp.extend_from_slice(kind);
        webp.extend_from_slice(&(data.len() as u32).to_le_bytes());
        webp.extend_from_slice(data);
        if data.len() % 2 == 1 {
            webp.push(0);
        }
    }
    let riff_size = (webp.len() - 8) as u32;
    webp[4..8].copy_from_slice(&riff_size.to_le_bytes());
    vec![
        Seed::new("synthetic/exif-le.jpg", jpeg_with(&little).0),
        Seed::new(
            "synthetic/exif-xmp.jpg",
            jpeg_with_app1s(&[exif_app1, xmp_app1]).0,
        ),
        Seed::new("synthetic/exif-xmp.png", png),
        Seed::new("synthetic/exif-xmp.webp", webp),
    ]
}

fn seeds() -> Vec<Seed> {
    let mut s = repo_seeds(&[
        "samples/harbour-sunset.jpg",
        "samples/portrait-rotated.jpg",
        "samples/diagram.png",
        "samples/sticker.webp",
    ]);
    s.extend(synthetic());
    s.extend(corpus_seeds(&["exif", "exif/corrupt"]));
    s.extend(regression_seeds(&upstage_testenv::package_dir(), "exif"));
    s
}

/// The container by its magic bytes; anything else goes through as JPEG (and finds nothing).
fn format_of(b: &[u8]) -> Format {
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Format::Png
    } else if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Format::Webp
    } else {
        Format::Jpeg
    }
}

/// What the stage read, without whether it removed anything.
fn read_back(ctx: &ItemContext) -> String {
    let mut meta = ctx.meta.clone();
    meta.gps_removed = false;
    format!("{meta:?}")
}

fn exif_property(b: &[u8]) -> Verdict {
    let format = format_of(b);
    let once = run(format, b.to_vec(), true);
    let out = &once.original;
    if out.len() != b.len() {
        return Err(format!("length {} became {}", b.len(), out.len()));
    }
    let allowed = editable(b);
    if let Some(i) =
        (0..b.len()).find(|&i| b[i] != out[i] && !allowed.iter().any(|r| r.contains(&i)))
    {
        return Err(format!(
            "byte {i} changed outside the metadata segments {allowed:?}"
        ));
    }
    if format == Format::Png {
        let after = png_chunks(out);
        for (before, now) in png_chunks(b).iter().zip(&after) {
            if before.crc_ok(b) && !now.crc_ok(out) {
                return Err(format!("the CRC of a {:?} chunk went bad", before.kind));
            }
        }
    }
    let twice = run(format, out.clone(), true);
    if twice.original != *out {
        return Err("a second pass changed the file again".into());
    }
    if twice.meta.gps_removed {
        return Err("a second pass found GPS to remove".into());
    }
    if read_back(&twice) != read_back(&once) {
        return Err(format!(
            "metadata read differently after GPS removal:\n{}\n{}",
            read_back(&once),
            read_back(&twice)
        ));
    }
    Ok(())
}

#[test]
fn exif_and_xmp_gps_removal() {
    fuzz("exif", &seeds(), 6, 4000, exif_property);
}

/// The seeds reach what is fuzzed: GPS is removed from real camera files and from each container.
#[test]
fn seeds_reach_the_gps_rewriters() {
    let removed: Vec<String> = seeds()
        .into_iter()
        .filter(|s| {
            run(format_of(&s.bytes), s.bytes.clone(), true)
                .meta
                .gps_removed
        })
        .map(|s| s.name)
        .collect();
    for name in [
        "samples/harbour-sunset.jpg",
        "synthetic/exif-xmp.png",
        "synthetic/exif-xmp.webp",
    ] {
        assert!(removed.iter().any(|n| n == name), "{name}: no GPS removed");
    }
    // The corpus has 8 camera files with GPS (goexif's samples, corrupt ones included); none
    // when it is skipped on purpose (UPSTAGE_TEST_SKIP=corpus, which the run prints).
    if corpus_dir(&["exif"]).is_some() {
        let real = removed.iter().filter(|n| n.starts_with("exif/")).count();
        assert!(
            real >= 6,
            "GPS removed from only {real} corpus files: {removed:?}"
        );
    }
}
