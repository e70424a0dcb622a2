//! JPEG: every marker segment's length, the frame header's size and component count, the scan
//! headers' spectral selection and bit positions (what progressive decoders and the scan pruner
//! follow), Huffman table counts, and the EXIF block's TIFF fields.

use super::{be16, tiff, Field, MAX_FIELDS};

pub(super) fn fields(b: &[u8], out: &mut Vec<Field>) {
    let mut pos = 2;
    while out.len() < MAX_FIELDS {
        while b.get(pos) == Some(&0xFF) && b.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        if b.get(pos) != Some(&0xFF) {
            return;
        }
        let Some(&marker) = b.get(pos + 1) else {
            return;
        };
        match marker {
            0xD9 => return,
            0x01 | 0xD0..=0xD7 => {
                pos += 2;
                continue;
            }
            _ => {}
        }
        let Some(len) = be16(b, pos + 2) else {
            return;
        };
        out.push(Field::be(pos + 2, 2));
        let body = pos + 4;
        let end = pos + 2 + len;
        match marker {
            0xC4 => out.extend((body + 1..body + 17).map(|at| Field::be(at, 1))),
            0xC0..=0xCF if !matches!(marker, 0xC8 | 0xCC) => {
                // Precision, height, width, number of components.
                out.extend([Field::be(body + 1, 2), Field::be(body + 3, 2)]);
                out.push(Field::be(body + 5, 1));
            }
            0xDA => {
                let ns = usize::from(b.get(body).copied().unwrap_or(0));
                let params = body + 1 + 2 * ns;
                // Components in scan, then Ss, Se and Ah/Al.
                out.push(Field::be(body, 1));
                out.extend((params..params + 3).map(|at| Field::be(at, 1)));
            }
            0xE1 if b.get(body..body + 6) == Some(b"Exif\0\0") => {
                tiff::fields(b, body + 6, end.min(b.len()), out);
            }
            _ => {}
        }
        pos = if marker == 0xDA {
            entropy_end(b, end)
        } else {
            end
        };
    }
}

/// The next marker after entropy-coded data: not a stuffed zero byte, not a restart marker.
fn entropy_end(b: &[u8], mut i: usize) -> usize {
    while i + 1 < b.len() {
        if b[i] == 0xFF && b[i + 1] != 0 && !(0xD0..=0xD7).contains(&b[i + 1]) {
            return i;
        }
        i += 1;
    }
    b.len()
}
