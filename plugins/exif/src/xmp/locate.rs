//! Finding XMP packets among a JPEG, PNG or WebP file's segments: JPEG APP1 (standard and
//! Extended XMP), PNG `iTXt` (and `tEXt`) with the `XML:com.adobe.xmp` keyword, WebP `XMP `.

use std::ops::Range;

use upstage_sdk::Format;

use crate::container::{segments, Kind, PngCrc};

const STANDARD_HEADER: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const EXTENDED_HEADER: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
/// GUID (32 hex digits), full length and offset, both big-endian u32.
const EXTENDED_FIELDS: usize = 32 + 4 + 4;
const PNG_KEYWORD: &[u8] = b"XML:com.adobe.xmp\0";

/// A whole XMP packet in one place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Packet {
    pub text: Range<usize>,
    pub crc: Option<PngCrc>,
}

/// One piece of a JPEG Extended XMP packet, which is split over several APP1 segments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExtendedChunk {
    /// The MD5 of the whole extended packet, naming it; the standard packet refers to it.
    pub guid: [u8; 32],
    pub full_len: usize,
    pub offset: usize,
    pub data: Range<usize>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Found {
    pub packets: Vec<Packet>,
    pub extended: Vec<ExtendedChunk>,
    /// Packets that cannot be edited in place (compressed PNG text), so GPS in them stays.
    pub compressed: usize,
}

pub(crate) fn xmp(format: Format, file: &[u8]) -> Found {
    let mut found = Found::default();
    for s in segments(format, file) {
        let Some(data) = file.get(s.data.clone()) else {
            continue;
        };
        let start = s.data.start;
        match s.kind {
            Kind::Jpeg(0xE1) => jpeg_app1(&mut found, data, start),
            Kind::Png(kind) if &kind == b"iTXt" => match itxt_text(data) {
                Some(Ok(at)) => found.packets.push(Packet {
                    text: start + at..s.data.end,
                    crc: s.crc,
                }),
                Some(Err(())) => found.compressed += 1,
                None => {}
            },
            Kind::Png(kind) if &kind == b"tEXt" && data.starts_with(PNG_KEYWORD) => {
                found.packets.push(Packet {
                    text: start + PNG_KEYWORD.len()..s.data.end,
                    crc: s.crc,
                });
            }
            Kind::Png(kind) if &kind == b"zTXt" && data.starts_with(PNG_KEYWORD) => {
                found.compressed += 1;
            }
            Kind::Riff(kind) if &kind == b"XMP " => found.packets.push(Packet {
                text: s.data,
                crc: None,
            }),
            _ => {}
        }
    }
    found
}

fn jpeg_app1(found: &mut Found, data: &[u8], start: usize) {
    if let Some(fields) = data.strip_prefix(EXTENDED_HEADER) {
        let at = EXTENDED_HEADER.len() + EXTENDED_FIELDS;
        let (Some(guid), Some(full_len), Some(offset)) = (
            fields.get(..32).and_then(|g| <[u8; 32]>::try_from(g).ok()),
            be_u32(fields, 32),
            be_u32(fields, 36),
        ) else {
            return;
        };
        if data.len() >= at {
            found.extended.push(ExtendedChunk {
                guid,
                full_len,
                offset,
                data: start + at..start + data.len(),
            });
        }
        return;
    }
    let at = if data.starts_with(STANDARD_HEADER) {
        STANDARD_HEADER.len()
    } else if data.starts_with(b"Exif\0") {
        return;
    } else if looks_like_xmp(data) {
        // exiftool reads XMP behind a non-standard header too, so it must go there as well.
        0
    } else {
        return;
    };
    found.packets.push(Packet {
        text: start + at..start + data.len(),
        crc: None,
    });
}

/// exiftool's own test for APP1 XMP with a non-standard header.
fn looks_like_xmp(data: &[u8]) -> bool {
    data.starts_with(b"http")
        || data.starts_with(b"XMP\0")
        || [&b"<exif:"[..], b"<?xpacket"]
            .iter()
            .any(|n| data.windows(n.len()).any(|w| w == *n))
}

/// Where the text of an XMP `iTXt` chunk starts; `Err` when it is compressed. The layout is
/// keyword, NUL, compression flag and method, language tag, NUL, translated keyword, NUL, text.
fn itxt_text(data: &[u8]) -> Option<Result<usize, ()>> {
    let rest = data.strip_prefix(PNG_KEYWORD)?;
    let (&flag, rest) = rest.split_first()?;
    let rest = rest.get(1..)?;
    let lang = rest.iter().position(|&b| b == 0)?;
    let translated = rest.get(lang + 1..)?.iter().position(|&b| b == 0)?;
    if flag != 0 {
        return Some(Err(()));
    }
    Some(Ok(PNG_KEYWORD.len() + 2 + lang + 1 + translated + 1))
}

fn be_u32(b: &[u8], at: usize) -> Option<usize> {
    let v = b.get(at..at + 4)?;
    usize::try_from(u32::from_be_bytes([v[0], v[1], v[2], v[3]])).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app1(payload: &[u8]) -> Vec<u8> {
        let mut f = vec![0xFF, 0xD8, 0xFF, 0xE1];
        f.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        f.extend_from_slice(payload);
        f.extend_from_slice(&[0xFF, 0xDA, 0, 2]);
        f
    }

    #[test]
    fn jpeg_standard_nonstandard_and_exif_app1() {
        let f = app1(&[STANDARD_HEADER, b"<x/>"].concat());
        assert_eq!(xmp(Format::Jpeg, &f).packets[0].text, 35..39);
        let f = app1(b"XMP\0<x/>");
        assert_eq!(xmp(Format::Jpeg, &f).packets[0].text, 6..14);
        assert_eq!(
            xmp(Format::Jpeg, &app1(b"Exif\0\0<?xpacket")),
            Found::default()
        );
        assert_eq!(xmp(Format::Jpeg, &app1(b"other")), Found::default());
    }

    #[test]
    fn jpeg_extended_chunks_need_their_fields() {
        let mut p = EXTENDED_HEADER.to_vec();
        p.extend_from_slice(&[b'A'; 32]);
        p.extend_from_slice(&[0, 0, 1, 0, 0, 0, 0, 8, b'<']);
        let found = xmp(Format::Jpeg, &app1(&p));
        assert!(found.packets.is_empty());
        let c = &found.extended[0];
        assert_eq!((c.full_len, c.offset, c.data.clone()), (256, 8, 81..82));
        for cut in 1..EXTENDED_FIELDS {
            let found = xmp(Format::Jpeg, &app1(&p[..p.len() - 1 - cut]));
            assert_eq!(found, Found::default(), "{cut}");
        }
    }

    #[test]
    fn itxt_layout() {
        let k = PNG_KEYWORD.len();
        assert_eq!(
            itxt_text(&[PNG_KEYWORD, b"\0\0en\0t\0<x/>"].concat()),
            Some(Ok(k + 7))
        );
        assert_eq!(
            itxt_text(&[PNG_KEYWORD, b"\0\0\0\0"].concat()),
            Some(Ok(k + 4))
        );
        assert_eq!(
            itxt_text(&[PNG_KEYWORD, b"\x01\0\0\0x"].concat()),
            Some(Err(()))
        );
        assert_eq!(itxt_text(&[PNG_KEYWORD, b"\0\0en"].concat()), None);
        assert_eq!(itxt_text(b"XML:com.adobe.xmpX\0\0\0\0\0"), None);
        assert_eq!(itxt_text(PNG_KEYWORD), None);
    }
}
