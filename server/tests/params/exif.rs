//! JPEGs with hand-made Exif (a big-endian TIFF in APP1), for the date and title parameters.

use crate::common;

/// One TIFF field: tag, type (1 BYTE, 2 ASCII) and its bytes (ASCII values include the NUL).
pub type Field = (u16, u16, Vec<u8>);

fn ascii(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

/// A big-endian TIFF: IFD0 with `ifd0` (sorted by tag) and, when `exif` is not empty, a pointer
/// to an Exif IFD holding `exif`. Values longer than 4 bytes follow the IFDs.
pub fn tiff(ifd0: &[Field], exif: &[Field]) -> Vec<u8> {
    let ifd_len = |n: usize| 2 + 12 * n as u32 + 4;
    let n0 = ifd0.len() + usize::from(!exif.is_empty());
    let ifd0_at = 8u32;
    let exif_at = ifd0_at + ifd_len(n0);
    let mut data_at = exif_at
        + if exif.is_empty() {
            0
        } else {
            ifd_len(exif.len())
        };
    let mut data = Vec::new();
    let mut write_ifd = |t: &mut Vec<u8>, fields: &[Field], pointer: Option<u32>| {
        let mut entries: Vec<(u16, u16, u32, [u8; 4])> = Vec::new();
        for (tag, kind, bytes) in fields {
            let mut value = [0u8; 4];
            if bytes.len() <= 4 {
                value[..bytes.len()].copy_from_slice(bytes);
            } else {
                value = data_at.to_be_bytes();
                data.extend_from_slice(bytes);
                data_at += bytes.len() as u32;
            }
            entries.push((*tag, *kind, bytes.len() as u32, value));
        }
        if let Some(at) = pointer {
            // ExifIFDPointer (LONG).
            entries.push((0x8769, 4, 1, at.to_be_bytes()));
        }
        entries.sort_by_key(|e| e.0);
        t.extend_from_slice(&(entries.len() as u16).to_be_bytes());
        for (tag, kind, count, value) in entries {
            t.extend_from_slice(&tag.to_be_bytes());
            t.extend_from_slice(&kind.to_be_bytes());
            t.extend_from_slice(&count.to_be_bytes());
            t.extend_from_slice(&value);
        }
        t.extend_from_slice(&0u32.to_be_bytes());
    };
    let mut t = b"MM\x00\x2a".to_vec();
    t.extend_from_slice(&ifd0_at.to_be_bytes());
    write_ifd(&mut t, ifd0, (!exif.is_empty()).then_some(exif_at));
    if !exif.is_empty() {
        write_ifd(&mut t, exif, None);
    }
    t.extend_from_slice(&data);
    t
}

/// DateTimeOriginal (0x9003) and OffsetTimeOriginal (0x9011) in the Exif IFD.
fn date_fields(date: &str, offset: &str) -> Vec<Field> {
    vec![(0x9003, 2, ascii(date)), (0x9011, 2, ascii(offset))]
}

/// A JPEG with an APP1 Exif segment right after SOI.
pub fn jpeg_with_tiff(w: u32, h: u32, tiff: &[u8]) -> Vec<u8> {
    let plain = common::jpeg(w, h);
    assert_eq!(&plain[..2], b"\xff\xd8");
    let mut payload = b"Exif\x00\x00".to_vec();
    payload.extend_from_slice(tiff);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(b"\xff\xe1");
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&plain[2..]);
    out
}

pub fn jpeg_with_exif(w: u32, h: u32, date: &str, offset: &str) -> Vec<u8> {
    jpeg_with_tiff(w, h, &tiff(&[], &date_fields(date, offset)))
}
