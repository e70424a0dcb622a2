//! Where metadata may be edited, found independently of the stage: the payloads of JPEG APP1
//! segments before the first scan, PNG `eXIf`/`iTXt`/`tEXt` chunks (data and CRC) and WebP
//! `EXIF`/`XMP ` chunks. Every other byte of a file must come out of the stage untouched.

use std::ops::Range;

use super::crc32;

/// The byte ranges of `file` the stage may change.
pub fn editable(file: &[u8]) -> Vec<Range<usize>> {
    if file.starts_with(&[0xFF, 0xD8]) {
        jpeg_app1s(file)
    } else if file.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_chunks(file)
            .into_iter()
            .filter(|c| matches!(&c.kind, b"eXIf" | b"iTXt" | b"tEXt"))
            .map(|c| c.data.start..c.data.end + 4)
            .collect()
    } else if file.len() >= 12 && &file[..4] == b"RIFF" && &file[8..12] == b"WEBP" {
        riff_chunks(file)
    } else {
        Vec::new()
    }
}

fn jpeg_app1s(f: &[u8]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut pos = 2;
    while f.get(pos) == Some(&0xFF) {
        while f.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&marker) = f.get(pos + 1) else {
            break;
        };
        pos += 2;
        if matches!(marker, 0x01 | 0xD0..=0xD8) {
            continue;
        }
        if matches!(marker, 0xD9 | 0xDA) {
            break;
        }
        let Some(len) = f.get(pos..pos + 2) else {
            break;
        };
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        if marker == 0xE1 {
            found.push(pos + 2..(pos + len).min(f.len()));
        }
        pos += len.max(2);
    }
    found
}

pub struct PngChunk {
    pub kind: [u8; 4],
    pub data: Range<usize>,
}

impl PngChunk {
    /// The stored CRC matches the type and data.
    pub fn crc_ok(&self, f: &[u8]) -> bool {
        let stored = &f[self.data.end..self.data.end + 4];
        stored == crc32(&f[self.data.start - 4..self.data.end]).to_be_bytes()
    }
}

/// Whole chunks (CRC included) up to `IEND`.
pub fn png_chunks(f: &[u8]) -> Vec<PngChunk> {
    let mut found = Vec::new();
    let mut pos = 8;
    while let Some(head) = f.get(pos..pos + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let data = pos + 8..pos + 8 + len;
        if data.end + 4 > f.len() {
            break;
        }
        let kind = [head[4], head[5], head[6], head[7]];
        found.push(PngChunk {
            kind,
            data: data.clone(),
        });
        if &kind == b"IEND" {
            break;
        }
        pos = data.end + 4;
    }
    found
}

fn riff_chunks(f: &[u8]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut pos = 12;
    while let Some(head) = f.get(pos..pos + 8) {
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        if matches!(&head[..4], b"EXIF" | b"XMP ") {
            found.push(pos + 8..(pos + 8 + len).min(f.len()));
        }
        pos = pos + 8 + len + len % 2;
    }
    found
}
