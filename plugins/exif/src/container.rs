//! The framing of JPEG, PNG and WebP files: their metadata segments and chunks, found without
//! decoding anything. Only lengths are followed, so a crafted file costs at most one pass.

use std::ops::Range;

use upstage_sdk::Format;

use crc32fast::hash as crc32;

/// What a segment is, in its container's own terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A JPEG marker segment, by marker byte (0xE1 is APP1).
    Jpeg(u8),
    /// A PNG chunk type.
    Png([u8; 4]),
    /// A RIFF (WebP) chunk id.
    Riff([u8; 4]),
}

/// One segment or chunk: its payload, and how to keep the container valid after editing it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Segment {
    pub kind: Kind,
    /// The payload. JPEG and RIFF payloads cut short by truncation end at the end of the file.
    pub data: Range<usize>,
    /// PNG chunks carry a CRC over their type and data.
    pub crc: Option<PngCrc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PngCrc {
    covered: Range<usize>,
    at: usize,
}

impl PngCrc {
    /// Brings the checksum up to date after the chunk was edited in place.
    pub fn reseal(&self, file: &mut [u8]) {
        let Some(crc) = file.get(self.covered.clone()).map(crc32) else {
            return;
        };
        if let Some(dst) = file.get_mut(self.at..self.at + 4) {
            dst.copy_from_slice(&crc.to_be_bytes());
        }
    }
}

/// The file's segments up to where metadata can no longer occur (the JPEG scan, PNG's `IEND`).
/// Formats without metadata segments give none.
pub(crate) fn segments(format: Format, file: &[u8]) -> Vec<Segment> {
    match format {
        Format::Jpeg => jpeg(file),
        Format::Png => png(file),
        Format::Webp => webp(file),
        _ => Vec::new(),
    }
}

fn jpeg(file: &[u8]) -> Vec<Segment> {
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
        // A segment cut short by truncation still holds whatever metadata it has.
        found.push(Segment {
            kind: Kind::Jpeg(marker),
            data: pos + 2..(pos + len).min(file.len()),
            crc: None,
        });
        pos += len;
    }
    found
}

/// Only whole chunks: without its CRC a chunk is damaged anyway.
fn png(file: &[u8]) -> Vec<Segment> {
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
        let kind = [head[4], head[5], head[6], head[7]];
        found.push(Segment {
            kind: Kind::Png(kind),
            data: pos + 8..data_end,
            crc: Some(PngCrc {
                covered: pos + 4..data_end,
                at: data_end,
            }),
        });
        if &kind == b"IEND" {
            break;
        }
        pos = data_end + 4;
    }
    found
}

/// RIFF chunks have no checksum and are padded to an even length.
fn webp(file: &[u8]) -> Vec<Segment> {
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
        found.push(Segment {
            kind: Kind::Riff([head[0], head[1], head[2], head[3]]),
            data: pos + 8..data_end.min(file.len()),
            crc: None,
        });
        pos = data_end.saturating_add(usize::from(len % 2 == 1));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&crc32(&c[4..]).to_be_bytes());
        c
    }

    #[test]
    fn jpeg_walk_skips_fill_bytes_and_stops_at_the_scan() {
        let f = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 0xFF, 0xFF, 0xE1, 0, 3, 9, 0xFF, 0xDA, 0, 2, 0xFF,
            0xE1, 0, 9,
        ];
        let s = jpeg(&f);
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].kind, s[0].data.clone()), (Kind::Jpeg(0xE0), 6..8));
        assert_eq!((s[1].kind, s[1].data.clone()), (Kind::Jpeg(0xE1), 13..14));
    }

    #[test]
    fn truncated_and_garbage_jpegs_stop() {
        assert!(jpeg(&[0xFF, 0xD8, 0xFF]).is_empty());
        assert!(jpeg(&[0xFF, 0xD8, 0xFF, 0xE1, 0, 0]).is_empty());
        assert_eq!(
            jpeg(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, b'E'])[0].data,
            6..7
        );
        assert!(jpeg(&[0xFF; 64]).is_empty());
    }

    #[test]
    fn png_chunks_stop_at_iend_and_reseal() {
        let mut f = b"\x89PNG\r\n\x1a\n".to_vec();
        f.extend(png_chunk(b"tEXt", b"a\0b"));
        f.extend(png_chunk(b"IEND", &[]));
        f.extend(png_chunk(b"tEXt", b"after"));
        let s = png(&f);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].data, 16..19);
        f[18] = b'c';
        s[0].crc.as_ref().unwrap().reseal(&mut f);
        assert_eq!(f[19..23], crc32(&f[12..19]).to_be_bytes());
        f.truncate(30);
        assert_eq!(png(&f).len(), 1, "a chunk without its CRC is left out");
    }

    #[test]
    fn riff_chunks_are_padded_to_even_lengths() {
        let mut f = b"RIFF\0\0\0\0WEBP".to_vec();
        f.extend_from_slice(b"VP8X\x03\0\0\0abc\0XMP \x02\0\0\0<a");
        let s = webp(&f);
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[1].kind, s[1].data.clone()),
            (Kind::Riff(*b"XMP "), 32..34)
        );
        assert!(webp(&f[..10]).is_empty());
        assert!(segments(Format::Gif, b"GIF89a").is_empty());
    }
}
