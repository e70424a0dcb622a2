//! TIFF (EXIF) blocks: the first-IFD offset, each IFD's entry count and next-IFD offset, each
//! entry's type, count and value/offset, following the Exif, GPS and Interop pointers.

use super::Field;

/// At most this many IFDs and entries per IFD are listed.
const MAX_IFDS: usize = 16;
const MAX_ENTRIES: usize = 256;
const POINTERS: [u16; 3] = [0x8769, 0x8825, 0xA005];

/// The fields of the TIFF block in `b[start..end]`.
pub(super) fn fields(b: &[u8], start: usize, end: usize, out: &mut Vec<Field>) {
    let Some(t) = b.get(start..end) else {
        return;
    };
    let big_endian = match t.get(..4) {
        Some(b"II\x2a\0") => false,
        Some(b"MM\0\x2a") => true,
        _ => return,
    };
    let field = |at: usize, width: u8| Field {
        at: start + at,
        width,
        big_endian,
    };
    let read = |at: usize, width: u8| -> Option<usize> {
        let f = Field {
            at,
            width,
            big_endian,
        };
        (at + usize::from(width) <= t.len()).then(|| f.read(t) as usize)
    };
    out.push(field(4, 4));
    let mut queue: Vec<usize> = read(4, 4).into_iter().collect();
    let mut seen = Vec::new();
    while let Some(ifd) = queue.pop() {
        if seen.contains(&ifd) || seen.len() >= MAX_IFDS {
            continue;
        }
        seen.push(ifd);
        let Some(count) = read(ifd, 2) else {
            continue;
        };
        out.push(field(ifd, 2));
        for i in 0..count.min(MAX_ENTRIES) {
            let e = ifd + 2 + 12 * i;
            let Some(tag) = read(e, 2) else {
                break;
            };
            out.extend([field(e + 2, 2), field(e + 4, 4), field(e + 8, 4)]);
            if POINTERS.contains(&(tag as u16)) {
                queue.extend(read(e + 8, 4));
            }
        }
        let next = ifd + 2 + 12 * count;
        if let Some(n) = read(next, 4) {
            out.push(field(next, 4));
            if n != 0 {
                queue.push(n);
            }
        }
    }
}
