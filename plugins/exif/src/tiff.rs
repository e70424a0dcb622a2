//! Just enough TIFF to know where every IFD and value sits in the block. Rewriting metadata in place
//! needs exact byte positions, which a parsing library does not expose. Every read is
//! bounds-checked: offsets come straight from the file and may point anywhere.

use std::fmt;
use std::ops::Range;

/// Why a TIFF structure could not be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Malformed(pub &'static str);

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed EXIF: {}", self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ByteOrder {
    Little,
    Big,
}

/// A TIFF block (the bytes after `Exif\0\0`), offsets relative to its first byte.
#[derive(Clone, Copy)]
pub(crate) struct Tiff<'a> {
    pub data: &'a [u8],
    pub order: ByteOrder,
}

/// An IFD whose entry table and next-IFD offset are known to lie inside the block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ifd {
    pub offset: usize,
    pub count: usize,
}

/// One 12-byte IFD entry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    /// Where the entry starts in the block.
    pub pos: usize,
    pub tag: u16,
    pub kind: u16,
    pub count: u32,
    /// The value/offset field read as a 32-bit number (an offset when the value does not fit).
    pub value_field: u32,
}

pub(crate) const ENTRY_LEN: usize = 12;

impl Ifd {
    pub fn entry_pos(&self, index: usize) -> usize {
        self.offset + 2 + index * ENTRY_LEN
    }

    pub fn next_pos(&self) -> usize {
        self.entry_pos(self.count)
    }

    /// The count, the entry table and the next-IFD offset.
    pub fn span(&self) -> Range<usize> {
        self.offset..self.next_pos() + 4
    }
}

impl<'a> Tiff<'a> {
    pub fn new(data: &'a [u8]) -> Result<Self, Malformed> {
        let order = match data.get(..4) {
            Some(b"II\x2a\x00") => ByteOrder::Little,
            Some(b"MM\x00\x2a") => ByteOrder::Big,
            _ => return Err(Malformed("no TIFF header")),
        };
        Ok(Tiff { data, order })
    }

    pub fn first_ifd(&self) -> Result<usize, Malformed> {
        self.offset_at(4)
    }

    pub fn u16_at(&self, pos: usize) -> Result<u16, Malformed> {
        let b = self
            .data
            .get(pos..pos.checked_add(2).ok_or(Malformed("offset overflow"))?)
            .ok_or(Malformed("read past the end"))?;
        Ok(match self.order {
            ByteOrder::Little => u16::from_le_bytes([b[0], b[1]]),
            ByteOrder::Big => u16::from_be_bytes([b[0], b[1]]),
        })
    }

    pub fn u32_at(&self, pos: usize) -> Result<u32, Malformed> {
        let b = self
            .data
            .get(pos..pos.checked_add(4).ok_or(Malformed("offset overflow"))?)
            .ok_or(Malformed("read past the end"))?;
        let b = [b[0], b[1], b[2], b[3]];
        Ok(match self.order {
            ByteOrder::Little => u32::from_le_bytes(b),
            ByteOrder::Big => u32::from_be_bytes(b),
        })
    }

    /// A 32-bit offset as an index into the block (not yet checked against its length).
    pub fn offset_at(&self, pos: usize) -> Result<usize, Malformed> {
        usize::try_from(self.u32_at(pos)?).map_err(|_| Malformed("offset too large"))
    }

    /// The IFD at `offset`, refused unless its whole table and next-IFD offset are in the block.
    pub fn ifd(&self, offset: usize) -> Result<Ifd, Malformed> {
        let count = usize::from(self.u16_at(offset)?);
        let ifd = Ifd { offset, count };
        if ifd.span().end > self.data.len() {
            return Err(Malformed("IFD runs past the end"));
        }
        Ok(ifd)
    }

    pub fn entry(&self, ifd: &Ifd, index: usize) -> Result<Entry, Malformed> {
        let pos = ifd.entry_pos(index);
        Ok(Entry {
            pos,
            tag: self.u16_at(pos)?,
            kind: self.u16_at(pos + 2)?,
            count: self.u32_at(pos + 4)?,
            value_field: self.u32_at(pos + 8)?,
        })
    }

    pub fn entries(&self, ifd: Ifd) -> impl Iterator<Item = Entry> + '_ {
        (0..ifd.count).filter_map(move |i| self.entry(&ifd, i).ok())
    }

    /// The IFD offset a pointer entry (Exif, GPS, Interop) holds, read the way readers read it:
    /// the first value, which must be inline.
    pub fn pointer(&self, entry: &Entry) -> Option<usize> {
        let value = match (entry.kind, entry.count) {
            (1, 1..=4) => u32::from(*self.data.get(entry.pos + 8)?),
            (3, 1..=2) => u32::from(self.u16_at(entry.pos + 8).ok()?),
            (4 | 13, 1) => entry.value_field,
            _ => return None,
        };
        usize::try_from(value).ok()
    }

    /// Where an entry's value lives when it does not fit the entry itself; `None` when it is
    /// inline, of an unknown type, or (partly) outside the block.
    pub fn out_of_line(&self, entry: &Entry) -> Option<Range<usize>> {
        let len = type_size(entry.kind)?.checked_mul(usize::try_from(entry.count).ok()?)?;
        if len <= 4 {
            return None;
        }
        let start = usize::try_from(entry.value_field).ok()?;
        let end = start.checked_add(len)?;
        (end <= self.data.len()).then_some(start..end)
    }
}

/// Writes `value` at `pos` in the block's byte order; the caller has bounds-checked `pos`.
pub(crate) fn put_u16(data: &mut [u8], pos: usize, value: u16, order: ByteOrder) {
    let bytes = match order {
        ByteOrder::Little => value.to_le_bytes(),
        ByteOrder::Big => value.to_be_bytes(),
    };
    if let Some(dst) = pos.checked_add(2).and_then(|end| data.get_mut(pos..end)) {
        dst.copy_from_slice(&bytes);
    }
}

/// Bytes per value of each TIFF field type.
fn type_size(kind: u16) -> Option<usize> {
    match kind {
        1 | 2 | 6 | 7 => Some(1),
        3 | 8 => Some(2),
        4 | 9 | 11 | 13 => Some(4),
        5 | 10 | 12 => Some(8),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_reads_in_both_orders() {
        let le = Tiff::new(b"II\x2a\x00\x08\x00\x00\x00").unwrap();
        assert_eq!(le.first_ifd(), Ok(8));
        let be = Tiff::new(b"MM\x00\x2a\x00\x00\x00\x08").unwrap();
        assert_eq!(be.first_ifd(), Ok(8));
        assert!(Tiff::new(b"XX\x2a\x00").is_err());
        assert!(Tiff::new(b"II").is_err());
    }

    #[test]
    fn reads_past_the_end_are_errors_not_panics() {
        let t = Tiff::new(b"II\x2a\x00\xff\xff\xff\xff").unwrap();
        let far = t.first_ifd().unwrap();
        assert!(t.ifd(far).is_err());
        assert!(t.u32_at(usize::MAX - 1).is_err());
        assert!(t.u16_at(usize::MAX).is_err());
    }

    #[test]
    fn huge_counts_are_refused() {
        // Count 0xFFFF but only one entry's worth of bytes.
        let mut d = b"II\x2a\x00\x08\x00\x00\x00\xff\xff".to_vec();
        d.extend_from_slice(&[0; 16]);
        let t = Tiff::new(&d).unwrap();
        assert_eq!(t.ifd(8), Err(Malformed("IFD runs past the end")));
    }

    #[test]
    fn out_of_line_values_are_bounded() {
        let t = Tiff::new(&[b'I', b'I', 0x2a, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap();
        let e = |kind, count, value_field| Entry {
            pos: 0,
            tag: 0,
            kind,
            count,
            value_field,
        };
        assert_eq!(t.out_of_line(&e(2, 4, 0)), None, "inline");
        assert_eq!(t.out_of_line(&e(2, 5, 8)), Some(8..13));
        assert_eq!(t.out_of_line(&e(2, 5, 12)), None, "past the end");
        assert_eq!(t.out_of_line(&e(5, u32::MAX, 8)), None, "huge count");
        assert_eq!(t.out_of_line(&e(2, 5, u32::MAX)), None, "max offset");
        assert_eq!(t.out_of_line(&e(99, 50, 8)), None, "unknown type");
    }
}
