//! Chunked and block formats: PNG chunks, RIFF (WebP) chunks with their canvas and animation
//! frame fields, GIF screen, image descriptors and sub-block lengths, and BMP's headers.

use super::{be32, le32, tiff, Field, MAX_FIELDS};

const EXIF_PREFIX: &[u8] = b"Exif\0\0";
/// A GIF has a sub-block every 255 bytes: only the first few of each chain are listed, so the
/// structural fields are not drowned out.
const SUB_BLOCKS_LISTED: usize = 4;

fn exif(b: &[u8], start: usize, end: usize, out: &mut Vec<Field>) {
    let skip = if b.get(start..).is_some_and(|d| d.starts_with(EXIF_PREFIX)) {
        EXIF_PREFIX.len()
    } else {
        0
    };
    tiff::fields(b, start + skip, end.min(b.len()), out);
}

pub(super) fn png(b: &[u8], out: &mut Vec<Field>) {
    let mut pos = 8;
    while let Some(len) = be32(b, pos) {
        if out.len() >= MAX_FIELDS {
            return;
        }
        out.push(Field::be(pos, 4));
        let data = pos + 8;
        match b.get(pos + 4..pos + 8) {
            Some(b"IHDR") => out.extend([Field::be(data, 4), Field::be(data + 4, 4)]),
            Some(b"eXIf") => exif(b, data, data + len, out),
            Some(b"IEND") | None => return,
            _ => {}
        }
        pos = data + len + 4;
    }
}

pub(super) fn riff(b: &[u8], out: &mut Vec<Field>) {
    out.push(Field::le(4, 4));
    chunk_list(b, 12, b.len(), 0, out);
}

fn chunk_list(b: &[u8], mut pos: usize, end: usize, depth: u8, out: &mut Vec<Field>) {
    while pos + 8 <= end && out.len() < MAX_FIELDS {
        let Some(size) = le32(b, pos + 4) else {
            return;
        };
        out.push(Field::le(pos + 4, 4));
        let data = pos + 8;
        let data_end = (data + size).min(end);
        match b.get(pos..pos + 4) {
            // Canvas width and height minus one, 24 bits each.
            Some(b"VP8X") => out.extend([Field::le(data + 4, 3), Field::le(data + 7, 3)]),
            Some(b"ANMF") if depth == 0 => {
                // Frame x, y, width, height (24 bits each), then the frame's own chunks.
                out.extend((0..4).map(|i| Field::le(data + 3 * i, 3)));
                chunk_list(b, data + 16, data_end, depth + 1, out);
            }
            Some(b"VP8 ") => out.extend([Field::le(data + 6, 2), Field::le(data + 8, 2)]),
            Some(b"EXIF") => exif(b, data, data_end, out),
            _ => {}
        }
        pos = data + size + (size & 1);
    }
}

pub(super) fn gif(b: &[u8], out: &mut Vec<Field>) {
    // Screen width, height and the packed byte that sizes the global colour table.
    out.extend([Field::le(6, 2), Field::le(8, 2), Field::le(10, 1)]);
    let table = |packed: u8| {
        if packed & 0x80 != 0 {
            3 << ((packed & 0x07) + 1)
        } else {
            0
        }
    };
    let mut pos = 13 + b.get(10).map_or(0, |&p| table(p));
    while out.len() < MAX_FIELDS {
        match b.get(pos) {
            Some(0x21) => pos = sub_blocks(b, pos + 2, out),
            Some(0x2C) => {
                out.extend((0..4).map(|i| Field::le(pos + 1 + 2 * i, 2)));
                out.push(Field::le(pos + 9, 1));
                let packed = b.get(pos + 9).copied().unwrap_or(0);
                let code_size = pos + 10 + table(packed);
                out.push(Field::le(code_size, 1));
                pos = sub_blocks(b, code_size + 1, out);
            }
            _ => return,
        }
    }
}

/// Lists the first sub-block lengths of a chain; returns the position after its terminator.
fn sub_blocks(b: &[u8], mut pos: usize, out: &mut Vec<Field>) -> usize {
    let mut listed = 0;
    while let Some(&len) = b.get(pos) {
        if listed < SUB_BLOCKS_LISTED {
            out.push(Field::le(pos, 1));
            listed += 1;
        }
        pos += 1 + usize::from(len);
        if len == 0 {
            break;
        }
    }
    pos
}

pub(super) fn bmp(out: &mut Vec<Field>) {
    // File size, pixel data offset, DIB header size, width, height, bits per pixel, compression,
    // image size, colours used.
    let fields = [
        (2, 4),
        (10, 4),
        (14, 4),
        (18, 4),
        (22, 4),
        (28, 2),
        (30, 4),
        (34, 4),
        (46, 4),
    ];
    out.extend(fields.map(|(at, width)| Field::le(at, width)));
}
