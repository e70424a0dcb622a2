//! The length fields of a file — segment and chunk lengths, counts, offsets, dimensions — found by
//! walking its structure the way a parser would, so a mutation can corrupt exactly what parsers
//! trust. Knows JPEG (with its EXIF), PNG, RIFF/WebP, GIF and BMP; anything else has none.

mod chunks;
mod jpeg;
mod tiff;

/// Walks stop after this many fields: a crafted file costs one bounded pass.
const MAX_FIELDS: usize = 4096;

/// An unsigned integer field of `width` bytes (1 to 4) at `at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub at: usize,
    pub width: u8,
    pub big_endian: bool,
}

impl Field {
    pub fn le(at: usize, width: u8) -> Field {
        Field {
            at,
            width,
            big_endian: false,
        }
    }

    pub fn be(at: usize, width: u8) -> Field {
        Field {
            at,
            width,
            big_endian: true,
        }
    }

    fn bytes(self) -> std::ops::Range<usize> {
        self.at..self.at + usize::from(self.width)
    }

    /// The largest value the field holds.
    pub fn max(self) -> u64 {
        (1u64 << (8 * u32::from(self.width))) - 1
    }

    /// The field's value; 0 when it is not inside `b`.
    pub fn read(self, b: &[u8]) -> u64 {
        let Some(bytes) = b.get(self.bytes()) else {
            return 0;
        };
        let fold = |v: u64, &x: &u8| (v << 8) | u64::from(x);
        if self.big_endian {
            bytes.iter().fold(0, fold)
        } else {
            bytes.iter().rev().fold(0, fold)
        }
    }

    /// Writes the low bytes of `v`; nothing when the field is not inside `b`.
    pub fn write(self, b: &mut [u8], v: u64) {
        let width = usize::from(self.width);
        let Some(bytes) = b.get_mut(self.bytes()) else {
            return;
        };
        for (i, byte) in bytes.iter_mut().enumerate() {
            let shift = if self.big_endian { width - 1 - i } else { i };
            *byte = (v >> (8 * shift)) as u8;
        }
    }
}

/// Every length field of `b` the format's structure shows, in file order of discovery.
pub fn length_fields(b: &[u8]) -> Vec<Field> {
    let mut out = Vec::new();
    if b.starts_with(&[0xFF, 0xD8]) {
        jpeg::fields(b, &mut out);
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        chunks::png(b, &mut out);
    } else if b.starts_with(b"RIFF") {
        chunks::riff(b, &mut out);
    } else if b.starts_with(b"GIF8") {
        chunks::gif(b, &mut out);
    } else if b.starts_with(b"BM") {
        chunks::bmp(&mut out);
    }
    out.truncate(MAX_FIELDS);
    out.retain(|f| f.bytes().end <= b.len());
    out
}

fn be16(b: &[u8], at: usize) -> Option<usize> {
    let x = b.get(at..at + 2)?;
    Some(usize::from(u16::from_be_bytes([x[0], x[1]])))
}

fn be32(b: &[u8], at: usize) -> Option<usize> {
    let x = b.get(at..at + 4)?;
    usize::try_from(u32::from_be_bytes([x[0], x[1], x[2], x[3]])).ok()
}

fn le32(b: &[u8], at: usize) -> Option<usize> {
    let x = b.get(at..at + 4)?;
    usize::try_from(u32::from_le_bytes([x[0], x[1], x[2], x[3]])).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_and_write_in_both_orders() {
        let mut b = vec![0x12, 0x34, 0x56, 0x78];
        assert_eq!(Field::be(0, 2).read(&b), 0x1234);
        assert_eq!(Field::le(0, 2).read(&b), 0x3412);
        assert_eq!(Field::le(1, 3).max(), 0xFF_FFFF);
        Field::le(0, 4).write(&mut b, 0xAABB_CCDD);
        assert_eq!(b, [0xDD, 0xCC, 0xBB, 0xAA]);
        Field::be(2, 2).write(&mut b, 0x0102);
        assert_eq!(b, [0xDD, 0xCC, 0x01, 0x02]);
        assert_eq!(Field::be(3, 2).read(&b), 0, "past the end");
    }

    #[test]
    fn jpeg_segment_lengths_and_exif_fields() {
        let mut f = vec![0xFF, 0xD8, 0xFF, 0xE1, 0, 24];
        f.extend_from_slice(b"Exif\0\0II\x2a\0\x08\0\0\0\x01\0\x0f\x01\x02\0\x04\0\0\0abc\0");
        f.extend_from_slice(&[0, 0, 0, 0, 0xFF, 0xD9]);
        let fields = length_fields(&f);
        assert_eq!(fields[0], Field::be(4, 2), "APP1 length");
        // TIFF: IFD0 offset, IFD0 count, the entry's count and value, the next-IFD offset.
        assert!(fields.contains(&Field::le(16, 4)));
        assert!(fields.contains(&Field::le(20, 2)));
        assert!(fields.contains(&Field::le(26, 4)));
    }

    #[test]
    fn png_riff_gif_and_unknown() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\0\0\0\0";
        assert_eq!(length_fields(png)[0], Field::be(8, 4));
        let riff = b"RIFF\x10\0\0\0WEBPVP8L\x04\0\0\0abcd";
        assert_eq!(
            length_fields(riff)[..2],
            [Field::le(4, 4), Field::le(16, 4)]
        );
        let gif = b"GIF89a\x01\0\x01\0\0\0\0\x2c\0\0\0\0\x01\0\x01\0\0\x02\x02\x4c\x01\0\x3b";
        assert!(length_fields(gif).contains(&Field::le(6, 2)));
        assert!(length_fields(b"plain text").is_empty());
    }
}
