//! Shared test helpers: the real-data corpus, running the stage, and containers around synthetic
//! EXIF blocks. Each test binary uses a different subset.
#![allow(dead_code)]

pub mod builder;
pub mod walk;
pub mod xmp;

use std::ops::Range;
use std::path::PathBuf;

use exif::{Context, Exif, In, Reader, Tag};
use upstage_sdk::{Format, ItemContext, Stage, UploadOptions};
use upstage_stage_exif::{ExifConfig, ExifStage};

/// The real-photo corpus (`scripts/corpus`), under the `upstage-testenv` policy: missing, it
/// fails the test with the command that builds it.
pub fn corpus() -> Option<PathBuf> {
    upstage_testenv::corpus()
}

/// Runs the stage over `bytes` and returns the context it left.
pub fn run(format: Format, bytes: Vec<u8>, strip_gps: bool) -> ItemContext {
    let mut ctx = ItemContext::new("test".into(), format, UploadOptions::default(), bytes);
    ExifStage::new(ExifConfig { strip_gps })
        .process(&mut ctx)
        .expect("the exif stage never fails an item");
    ctx
}

pub fn run_jpeg(tiff: &[u8]) -> ItemContext {
    run(Format::Jpeg, jpeg_with(tiff).0, true)
}

/// A JPEG-shaped file: SOI, JFIF APP0, the EXIF APP1, then stand-in "scan" bytes. Returns the file
/// and the range of the whole APP1 segment (marker included).
pub fn jpeg_with(tiff: &[u8]) -> (Vec<u8>, Range<usize>) {
    let mut f = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
    f.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    let start = f.len();
    f.extend_from_slice(&[0xFF, 0xE1]);
    f.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    f.extend_from_slice(b"Exif\0\0");
    f.extend_from_slice(tiff);
    let end = f.len();
    f.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0]);
    f.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 & 0x7F));
    f.extend_from_slice(&[0xFF, 0xD9]);
    (f, start..end)
}

/// The APP1 `Exif` segment of a real JPEG (marker included), found independently of the stage.
pub fn app1_exif(file: &[u8]) -> Option<Range<usize>> {
    let mut pos = 2;
    while pos + 4 <= file.len() && file[pos] == 0xFF {
        let marker = file[pos + 1];
        if marker == 0xDA {
            return None;
        }
        let len = u16::from_be_bytes([file[pos + 2], file[pos + 3]]) as usize;
        if marker == 0xE1 && file[pos + 4..].starts_with(b"Exif\0") {
            return Some(pos..(pos + 2 + len).min(file.len()));
        }
        pos += 2 + len;
    }
    None
}

/// The TIFF block inside an APP1 segment range.
pub fn tiff_of(file: &[u8], app1: &Range<usize>) -> Vec<u8> {
    file[app1.start + 10..app1.end].to_vec()
}

pub fn parse(tiff: &[u8]) -> Option<Exif> {
    Reader::new()
        .continue_on_error(true)
        .read_raw(tiff.to_vec())
        .or_else(|e| e.distill_partial_result(|_| {}))
        .ok()
}

pub fn gps_fields(exif: &Exif) -> usize {
    exif.fields()
        .filter(|f| f.tag.context() == Context::Gps)
        .count()
}

/// Every non-GPS field as text, for before/after comparisons.
pub fn non_gps_fields(exif: &Exif) -> Vec<String> {
    exif.fields()
        .filter(|f| f.tag.context() != Context::Gps)
        .map(|f| format!("{} {} {:?}", f.ifd_num, f.tag, f.value))
        .collect()
}

pub fn field_text(exif: &Exif, tag: Tag) -> Option<String> {
    exif.get_field(tag, In::PRIMARY)
        .map(|f| format!("{:?}", f.value))
}

/// PNG's CRC-32.
pub fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

pub fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    c.extend_from_slice(&crc32(&c[4..]).to_be_bytes());
    c
}

pub fn read_u16(b: &[u8], pos: usize, be: bool) -> u16 {
    let v = [b[pos], b[pos + 1]];
    if be {
        u16::from_be_bytes(v)
    } else {
        u16::from_le_bytes(v)
    }
}

pub fn read_u32(b: &[u8], pos: usize, be: bool) -> u32 {
    let v = [b[pos], b[pos + 1], b[pos + 2], b[pos + 3]];
    if be {
        u32::from_be_bytes(v)
    } else {
        u32::from_le_bytes(v)
    }
}

/// Position of the IFD0 entry with `tag` in a block the builder made (IFD0 at 8).
pub fn ifd0_entry(tiff: &[u8], tag: u16, be: bool) -> usize {
    let n = read_u16(tiff, 8, be) as usize;
    (0..n)
        .map(|i| 10 + 12 * i)
        .find(|&p| read_u16(tiff, p, be) == tag)
        .expect("tag in IFD0")
}
