//! Content sniffing. The declared type and the file name are never trusted: a PNG named `.jpg`
//! is a PNG, an HTML page named `.jpg` is refused.

use upstage_sdk::{ErrorCode, Format};

use crate::ItemError;

/// Decide the format from the first bytes of the content.
pub fn sniff(bytes: &[u8]) -> Result<Format, ItemError> {
    if bytes.is_empty() {
        return Err(ItemError::new(ErrorCode::EmptyFile, "Empty upload"));
    }
    let f = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(Format::Gif)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Format::Webp)
    } else if is_bmp(bytes) {
        Some(Format::Bmp)
    } else if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        webm_doctype(bytes)
    } else {
        iso_bmff(bytes)
    };
    f.ok_or_else(|| {
        ItemError::new(
            ErrorCode::UnsupportedFormat,
            "Invalid file type: not an image or video this server accepts \
             (JPEG, PNG, BMP, GIF, WebP, AVIF, MP4, MOV, WebM)",
        )
    })
}

/// "BM" alone is too weak (plain text can start with it): also require a known DIB header size.
fn is_bmp(b: &[u8]) -> bool {
    if b.len() < 26 || !b.starts_with(b"BM") {
        return false;
    }
    let dib = u32::from_le_bytes([b[14], b[15], b[16], b[17]]);
    matches!(dib, 12 | 40 | 52 | 56 | 64 | 108 | 124)
}

/// EBML: the DocType element (0x4282) must say "webm". Matroska (`.mkv`) is not an accepted format.
fn webm_doctype(b: &[u8]) -> Option<Format> {
    let head = &b[..b.len().min(64)];
    head.windows(2)
        .position(|w| w == [0x42, 0x82])
        .and_then(|i| head.get(i + 3..i + 7))
        .filter(|doc| *doc == b"webm")
        .map(|_| Format::Webm)
}

/// ISO base media (MP4, MOV, AVIF): decided by the `ftyp` box's major and compatible brands.
fn iso_bmff(b: &[u8]) -> Option<Format> {
    if b.len() < 12 {
        return None;
    }
    let box_type = &b[4..8];
    if box_type != b"ftyp" {
        // Old QuickTime files start straight with an atom, no ftyp.
        return matches!(box_type, b"moov" | b"mdat" | b"wide" | b"free" | b"pnot")
            .then_some(Format::Mov)
            .filter(|_| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) >= 8);
    }
    let size = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let end = size.clamp(16, 256).min(b.len());
    let major = &b[8..12];
    let mut brands = vec![major];
    brands.extend(b.get(16..end).unwrap_or(&[]).chunks_exact(4));
    if brands.iter().any(|br| *br == b"avif" || *br == b"avis") && major != b"qt  " {
        return Some(Format::Avif);
    }
    if major == b"qt  " {
        return Some(Format::Mov);
    }
    const MP4: [&[u8; 4]; 12] = [
        b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VP",
        b"dash", b"mmp4",
    ];
    brands
        .iter()
        .any(|br| MP4.iter().any(|m| m.as_slice() == *br))
        .then_some(Format::Mp4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compat: &[&[u8; 4]]) -> Vec<u8> {
        let mut v = Vec::new();
        let size = 16 + 4 * compat.len();
        v.extend((size as u32).to_be_bytes());
        v.extend(b"ftyp");
        v.extend(major);
        v.extend([0, 0, 2, 0]);
        for c in compat {
            v.extend(*c);
        }
        v.extend([0, 0, 0, 8]);
        v.extend(b"mdat");
        v
    }

    #[test]
    fn magic_numbers() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(), Format::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....").unwrap(), Format::Png);
        assert_eq!(sniff(b"GIF89a..").unwrap(), Format::Gif);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").unwrap(), Format::Webp);
    }

    #[test]
    fn iso_brands() {
        assert_eq!(
            sniff(&ftyp(b"isom", &[b"isom", b"avc1"])).unwrap(),
            Format::Mp4
        );
        assert_eq!(sniff(&ftyp(b"qt  ", &[b"qt  "])).unwrap(), Format::Mov);
        assert_eq!(
            sniff(&ftyp(b"avif", &[b"mif1", b"avif"])).unwrap(),
            Format::Avif
        );
        assert_eq!(sniff(&ftyp(b"mif1", &[b"avif"])).unwrap(), Format::Avif);
        assert!(sniff(&ftyp(b"heic", &[b"mif1", b"heic"])).is_err());
    }

    #[test]
    fn webm_but_not_matroska() {
        let mut webm = vec![
            0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84,
        ];
        webm.extend(b"webm");
        assert_eq!(sniff(&webm).unwrap(), Format::Webm);
        let mkv: Vec<u8> = webm[..12].iter().copied().chain(*b"matroska").collect();
        assert!(sniff(&mkv).is_err());
    }

    #[test]
    fn refuses_text_and_empty() {
        let html = b"<!DOCTYPE html><html><body>not an image</body></html>";
        assert_eq!(sniff(html).unwrap_err().code, ErrorCode::UnsupportedFormat);
        assert_eq!(
            sniff(b"BM is a band").unwrap_err().code,
            ErrorCode::UnsupportedFormat
        );
        assert_eq!(sniff(b"").unwrap_err().code, ErrorCode::EmptyFile);
        assert!(sniff(&[0xFF, 0xD8]).is_err());
    }
}
