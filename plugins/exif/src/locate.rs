//! Finding the EXIF (TIFF) blocks among a JPEG, PNG or WebP file's segments.

use std::ops::Range;

use upstage_sdk::Format;

use crate::container::{segments, Kind, PngCrc};

/// Some writers keep the JPEG APP1 prefix in PNG and WebP EXIF chunks too.
const EXIF_PREFIX: &[u8] = b"Exif\0\0";

/// Where an EXIF block sits in the file, and how to keep the container valid after editing it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExifBlock {
    /// The TIFF bytes (from the `II`/`MM` byte-order mark to the end of the segment or chunk).
    pub tiff: Range<usize>,
    png_crc: Option<PngCrc>,
}

impl ExifBlock {
    /// Brings the container's checksum up to date after the block was edited in place.
    pub fn reseal(&self, file: &mut [u8]) {
        if let Some(crc) = &self.png_crc {
            crc.reseal(file);
        }
    }
}

/// Every EXIF block in the file, the one readers use first: JPEG APP1 segments that start
/// `Exif\0`, PNG `eXIf` chunks and WebP `EXIF` chunks. Formats without EXIF support give none.
pub(crate) fn exif_blocks(format: Format, file: &[u8]) -> Vec<ExifBlock> {
    segments(format, file)
        .into_iter()
        .filter_map(|s| {
            let tiff = match s.kind {
                Kind::Jpeg(0xE1) => {
                    let payload = file.get(s.data.clone())?;
                    if !payload.starts_with(b"Exif\0") {
                        return None;
                    }
                    let tiff = s.data.start + EXIF_PREFIX.len()..s.data.end;
                    is_tiff(file, &tiff).then_some(tiff)?
                }
                Kind::Png(k) if &k == b"eXIf" => strip_prefix(file, s.data)?,
                Kind::Riff(k) if &k == b"EXIF" => strip_prefix(file, s.data)?,
                _ => return None,
            };
            Some(ExifBlock {
                tiff,
                png_crc: s.crc,
            })
        })
        .collect()
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
    use crc32fast::hash as crc32;

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
        let blocks = exif_blocks(Format::Jpeg, &f);
        assert_eq!(blocks.len(), 1);
        assert_eq!(&f[blocks[0].tiff.clone()], TIFF);
    }

    #[test]
    fn truncated_and_garbage_jpegs_find_nothing_and_stop() {
        assert!(exif_blocks(Format::Jpeg, &[0xFF, 0xD8, 0xFF]).is_empty());
        assert!(exif_blocks(Format::Jpeg, &[0xFF, 0xD8, 0xFF, 0xE1, 0, 0]).is_empty());
        assert!(exif_blocks(Format::Jpeg, &[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, b'E']).is_empty());
        assert!(exif_blocks(Format::Jpeg, &[0xFF; 64]).is_empty());
    }

    #[test]
    fn png_exif_chunk_with_and_without_prefix() {
        for payload in [TIFF.to_vec(), [EXIF_PREFIX, TIFF].concat()] {
            let mut f = b"\x89PNG\r\n\x1a\n".to_vec();
            f.extend(png_chunk(b"IHDR", &[0; 13]));
            f.extend(png_chunk(b"eXIf", &payload));
            f.extend(png_chunk(b"IEND", &[]));
            let blocks = exif_blocks(Format::Png, &f);
            assert_eq!(blocks.len(), 1);
            assert_eq!(&f[blocks[0].tiff.clone()], TIFF);
            let before = f.clone();
            f[blocks[0].tiff.start + 8] = 0x55;
            blocks[0].reseal(&mut f);
            let chunk_start = 8 + 25;
            assert_eq!(exif_blocks(Format::Png, &f).len(), 1);
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
        let blocks = exif_blocks(Format::Webp, &f);
        assert_eq!(blocks.len(), 1);
        assert_eq!(&f[blocks[0].tiff.clone()], TIFF);
    }

    #[test]
    fn non_tiff_payloads_are_ignored() {
        let mut f = b"RIFF\0\0\0\0WEBPEXIF\x04\0\0\0abcd".to_vec();
        assert!(exif_blocks(Format::Webp, &f).is_empty());
        f.truncate(10);
        assert!(exif_blocks(Format::Webp, &f).is_empty());
        assert!(exif_blocks(Format::Gif, b"GIF89a").is_empty());
    }
}
