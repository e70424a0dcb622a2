//! Finding the EXIF (TIFF) block inside a JPEG, PNG or WebP file without decoding anything. Only
//! the container's framing is walked, length by length, so a crafted file costs at most one pass.

use std::ops::Range;

use upstage_sdk::Format;

use crate::crc::crc32;

/// Some writers keep the JPEG APP1 prefix in PNG and WebP EXIF chunks too.
const EXIF_PREFIX: &[u8] = b"Exif\0\0";

/// Where an EXIF block sits in the file, and how to keep the container valid after editing it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExifBlock {
    /// The TIFF bytes (from the `II`/`MM` byte-order mark to the end of the segment or chunk).
    pub tiff: Range<usize>,
    /// PNG chunks carry a CRC over their type and data.
    png_crc: Option<PngCrc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct PngCrc {
    covered: Range<usize>,
    at: usize,
}

impl ExifBlock {
    /// Brings the container's checksum up to date after the block was edited in place.
    pub fn reseal(&self, file: &mut [u8]) {
        let Some(PngCrc { covered, at }) = &self.png_crc else {
            return;
        };
        let Some(crc) = file.get(covered.clone()).map(crc32) else {
            return;
        };
        if let Some(dst) = file.get_mut(*at..at + 4) {
            dst.copy_from_slice(&crc.to_be_bytes());
        }
    }
}

/// Every EXIF block in the file, the one readers use first. Formats without EXIF support give
/// none.
pub(crate) fn exif_blocks(format: Format, file: &[u8]) -> Vec<ExifBlock> {
    match format {
        Format::Jpeg => jpeg(file),
        Format::Png => png(file),
        Format::Webp => webp(file),
        _ => Vec::new(),
    }
}

/// APP1 segments that start `Exif\0`, up to the start of the scan (metadata never follows it).
fn jpeg(file: &[u8]) -> Vec<ExifBlock> {
    let mut found = Vec::new();
    if !file.starts_with(&[0xFF, 0xD8]) {
        return found;
    }
    let mut pos = 2;
    while file.get(pos) == Some(&0xFF) {
        // Any number of 0xFF fill bytes may precede a marker.
        while file.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&marker) = file.get(pos + 1) else {
            break;
        };
        pos += 2;
        match marker {
            0x01 | 0xD0..=0xD8 => continue,
            0xD9 | 0xDA => break,
            _ => {}
        }
        let Some(len) = file
            .get(pos..pos + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        else {
            break;
        };
        if len < 2 {
            break;
        }
        // A segment cut short by truncation still holds whatever EXIF it has.
        let payload = pos + 2..(pos + len).min(file.len());
        if marker == 0xE1
            && file
                .get(payload.clone())
                .is_some_and(|p| p.starts_with(b"Exif\0"))
        {
            let tiff = payload.start + EXIF_PREFIX.len()..payload.end;
            if is_tiff(file, &tiff) {
                found.push(ExifBlock {
                    tiff,
                    png_crc: None,
                });
            }
        }
        pos += len;
    }
    found
}

/// `eXIf` chunks, with their CRC.
fn png(file: &[u8]) -> Vec<ExifBlock> {
    let mut found = Vec::new();
    if !file.starts_with(b"\x89PNG\r\n\x1a\n") {
        return found;
    }
    let mut pos = 8;
    while let Some(head) = file.get(pos..pos + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let Some(data_end) = usize::try_from(len)
            .ok()
            .and_then(|l| (pos + 8).checked_add(l))
        else {
            break;
        };
        if data_end.saturating_add(4) > file.len() {
            break;
        }
        let kind = &head[4..8];
        if kind == b"eXIf" {
            if let Some(tiff) = strip_prefix(file, pos + 8..data_end) {
                let png_crc = Some(PngCrc {
                    covered: pos + 4..data_end,
                    at: data_end,
                });
                found.push(ExifBlock { tiff, png_crc });
            }
        }
        if kind == b"IEND" {
            break;
        }
        pos = data_end + 4;
    }
    found
}

/// RIFF `EXIF` chunks (no checksum; chunks are padded to an even length).
fn webp(file: &[u8]) -> Vec<ExifBlock> {
    let mut found = Vec::new();
    if file.len() < 12 || &file[..4] != b"RIFF" || &file[8..12] != b"WEBP" {
        return found;
    }
    let mut pos = 12;
    while let Some(head) = file.get(pos..pos + 8) {
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let Some(data_end) = usize::try_from(len)
            .ok()
            .and_then(|l| (pos + 8).checked_add(l))
        else {
            break;
        };
        if &head[..4] == b"EXIF" {
            if let Some(tiff) = strip_prefix(file, pos + 8..data_end.min(file.len())) {
                found.push(ExifBlock {
                    tiff,
                    png_crc: None,
                });
            }
        }
        pos = data_end.saturating_add(usize::from(len % 2 == 1));
    }
    found
}

fn strip_prefix(file: &[u8], payload: Range<usize>) -> Option<Range<usize>> {
    let bytes = file.get(payload.clone())?;
    let skip = if bytes.starts_with(EXIF_PREFIX) {
        EXIF_PREFIX.len()
    } else {
        0
    };
    let tiff = payload.start + skip..payload.end;
    is_tiff(file, &tiff).then_some(tiff)
}

fn is_tiff(file: &[u8], range: &Range<usize>) -> bool {
    file.get(range.clone())
        .is_some_and(|b| b.starts_with(b"II\x2a\x00") || b.starts_with(b"MM\x00\x2a"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIFF: &[u8] = b"II\x2a\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00";

    fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&crc32(&c[4..]).to_be_bytes());
        c
    }

    #[test]
    fn jpeg_app1_is_found_after_other_segments() {
        let mut f = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 0xFF, 0xFF, 0xE1];
        f.extend_from_slice(&((TIFF.len() + 8) as u16).to_be_bytes());
        f.extend_from_slice(b"Exif\0\0");
        f.extend_from_slice(TIFF);
        f.extend_from_slice(&[0xFF, 0xDA, 0, 2, 0xFF, 0xE1, 0, 9]);
        let blocks = jpeg(&f);
        assert_eq!(blocks.len(), 1);
        assert_eq!(&f[blocks[0].tiff.clone()], TIFF);
    }

    #[test]
    fn truncated_and_garbage_jpegs_find_nothing_and_stop() {
        assert!(jpeg(&[0xFF, 0xD8, 0xFF]).is_empty());
        assert!(jpeg(&[0xFF, 0xD8, 0xFF, 0xE1, 0, 0]).is_empty());
        assert!(jpeg(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, b'E']).is_empty());
        assert!(jpeg(&[0xFF; 64]).is_empty());
    }

    #[test]
    fn png_exif_chunk_with_and_without_prefix() {
        for payload in [TIFF.to_vec(), [EXIF_PREFIX, TIFF].concat()] {
            let mut f = b"\x89PNG\r\n\x1a\n".to_vec();
            f.extend(png_chunk(b"IHDR", &[0; 13]));
            f.extend(png_chunk(b"eXIf", &payload));
            f.extend(png_chunk(b"IEND", &[]));
            let blocks = png(&f);
            assert_eq!(blocks.len(), 1);
            assert_eq!(&f[blocks[0].tiff.clone()], TIFF);
            let before = f.clone();
            f[blocks[0].tiff.start + 8] = 0x55;
            blocks[0].reseal(&mut f);
            let chunk_start = 8 + 25;
            assert_eq!(png(&f).len(), 1);
            let crc_at = chunk_start + 8 + payload.len();
            assert_ne!(f[crc_at..crc_at + 4], before[crc_at..crc_at + 4]);
            assert_eq!(
                f[crc_at..crc_at + 4],
                crc32(&f[chunk_start + 4..crc_at]).to_be_bytes()
            );
        }
    }

    #[test]
    fn webp_exif_chunk_after_odd_sized_chunk() {
        let mut f = b"RIFF\0\0\0\0WEBP".to_vec();
        f.extend_from_slice(b"VP8X\x03\0\0\0abc\0");
        f.extend_from_slice(b"EXIF");
        f.extend_from_slice(&(TIFF.len() as u32).to_le_bytes());
        f.extend_from_slice(TIFF);
        let blocks = webp(&f);
        assert_eq!(blocks.len(), 1);
        assert_eq!(&f[blocks[0].tiff.clone()], TIFF);
    }

    #[test]
    fn non_tiff_payloads_are_ignored() {
        let mut f = b"RIFF\0\0\0\0WEBPEXIF\x04\0\0\0abcd".to_vec();
        assert!(webp(&f).is_empty());
        f.truncate(10);
        assert!(webp(&f).is_empty());
        assert!(exif_blocks(Format::Gif, b"GIF89a").is_empty());
    }
}
