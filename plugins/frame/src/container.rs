//! A cheap structural check that tells a cut-off upload from a broken one, before ffmpeg runs.
//!
//! ffmpeg cannot tell them apart (both are "moov atom not found"), and worse, it happily takes a
//! frame from a truncated file whose index comes first (MP4 with `faststart`, WebM). So: when the
//! top-level layout is well formed but its last element runs past the end of the bytes, the file is
//! truncated. Anything unusual gives no verdict and ffmpeg decides.

use upstage_sdk::Format;

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Well formed, or nothing certain can be said.
    NoVerdict,
    /// The layout is valid up to an element that ends past the end of the file.
    Truncated,
}

pub(crate) fn check(format: Format, bytes: &[u8]) -> Verdict {
    match format {
        Format::Mp4 | Format::Mov => check_boxes(bytes),
        Format::Webm => check_ebml(bytes),
        _ => Verdict::NoVerdict,
    }
}

/// Top-level ISO-BMFF / QuickTime box types. Only these count as "well formed", so random bytes
/// after an `ftyp` are not mistaken for a box that runs past the end.
const TOP_LEVEL_BOXES: &[&[u8; 4]] = &[
    b"ftyp", b"styp", b"moov", b"mdat", b"free", b"skip", b"wide", b"uuid", b"meta", b"pdin",
    b"moof", b"mfra", b"sidx", b"ssix", b"prft", b"emsg", b"pnot", b"junk",
];

fn check_boxes(bytes: &[u8]) -> Verdict {
    let len = bytes.len() as u64;
    let mut at = 0u64;
    while at < len {
        let Some(header) = slice(bytes, at, 16.min(len - at)) else {
            return Verdict::NoVerdict;
        };
        if header.len() < 8 {
            return Verdict::NoVerdict;
        }
        let size32 = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        let kind = [header[4], header[5], header[6], header[7]];
        if !TOP_LEVEL_BOXES.contains(&&kind) {
            return Verdict::NoVerdict;
        }
        let size = match size32 {
            // Size 0: "extends to the end of the file", valid for the last box.
            0 => return Verdict::NoVerdict,
            // Size 1: a 64-bit size follows the type.
            1 => match header.get(8..16) {
                Some(s) => u64::from_be_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]),
                None => return Verdict::Truncated,
            },
            n => u64::from(n),
        };
        if size < 8 {
            return Verdict::NoVerdict;
        }
        match at.checked_add(size) {
            Some(end) if end <= len => at = end,
            _ => return Verdict::Truncated,
        }
    }
    Verdict::NoVerdict
}

const EBML_HEADER: u32 = 0x1A45_DFA3;
const SEGMENT: u32 = 0x1853_8067;

/// WebM: the EBML header, then the Segment. Writers that know the size (ffmpeg, most encoders)
/// record it; a Segment that claims more bytes than there are is truncated. Live recordings
/// (browsers' MediaRecorder) use the "unknown size" marker and get no verdict.
fn check_ebml(bytes: &[u8]) -> Verdict {
    let Some((EBML_HEADER, header_size, at)) = element(bytes, 0) else {
        return Verdict::NoVerdict;
    };
    let Some(header_size) = header_size else {
        return Verdict::NoVerdict;
    };
    let Some(next) = at.checked_add(header_size) else {
        return Verdict::NoVerdict;
    };
    match element(bytes, next) {
        Some((SEGMENT, Some(size), data)) => match data.checked_add(size) {
            Some(end) if end <= bytes.len() as u64 => Verdict::NoVerdict,
            _ => Verdict::Truncated,
        },
        _ => Verdict::NoVerdict,
    }
}

/// An EBML element at `at`: (id with its length marker, data size or `None` for "unknown", data
/// offset).
fn element(bytes: &[u8], at: u64) -> Option<(u32, Option<u64>, u64)> {
    let (id, id_len) = vint(bytes, at, 4)?;
    // The id keeps its length-marker bit, as the spec writes ids.
    let id = u32::try_from(id | (1 << (7 * id_len))).ok()?;
    let (size, size_len) = vint(bytes, at + id_len, 8)?;
    let unknown = size == (1u64 << (7 * size_len)) - 1;
    Some((id, (!unknown).then_some(size), at + id_len + size_len))
}

/// A variable-length integer (value without the marker bit, its length in bytes).
fn vint(bytes: &[u8], at: u64, max_len: u32) -> Option<(u64, u64)> {
    let first = *bytes.get(usize::try_from(at).ok()?)?;
    let len = first.leading_zeros() + 1;
    if len > max_len {
        return None;
    }
    let rest = slice(bytes, at + 1, u64::from(len - 1))?;
    let mut value = u64::from(first) & (0xFF >> len);
    for b in rest {
        value = (value << 8) | u64::from(*b);
    }
    Some((value, u64::from(len)))
}

fn slice(bytes: &[u8], at: u64, len: u64) -> Option<&[u8]> {
    let start = usize::try_from(at).ok()?;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    bytes.get(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mp4_box(kind: &[u8; 4], payload: usize) -> Vec<u8> {
        let mut b = ((payload + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.resize(payload + 8, 0);
        b
    }

    #[test]
    fn mp4_whose_last_box_runs_past_the_end_is_truncated() {
        let mut file = mp4_box(b"ftyp", 16);
        file.extend(mp4_box(b"mdat", 1000));
        file.extend(mp4_box(b"moov", 100));
        assert_eq!(check(Format::Mp4, &file), Verdict::NoVerdict);
        assert_eq!(check(Format::Mp4, &file[..500]), Verdict::Truncated);
        assert_eq!(
            check(Format::Mov, &file[..file.len() - 1]),
            Verdict::Truncated
        );
    }

    #[test]
    fn unknown_boxes_and_garbage_give_no_verdict() {
        let mut file = mp4_box(b"ftyp", 16);
        // Random-looking bytes whose "size" would run past the end.
        file.extend_from_slice(&[0xFF, 0xFF, 0x00, 0x10, 0x9A, 0x03, 0x77, 0xC1, 1, 2, 3]);
        assert_eq!(check(Format::Mp4, &file), Verdict::NoVerdict);
        let mut file = mp4_box(b"ftyp", 16);
        file.extend_from_slice(&[0, 0, 0, 0, b'm', b'd', b'a', b't', 1, 2, 3]);
        assert_eq!(check(Format::Mp4, &file), Verdict::NoVerdict);
        assert_eq!(check(Format::Mp4, &[]), Verdict::NoVerdict);
    }

    #[test]
    fn mp4_64_bit_sizes() {
        let mut file = mp4_box(b"ftyp", 16);
        file.extend_from_slice(&1u32.to_be_bytes());
        file.extend_from_slice(b"mdat");
        file.extend_from_slice(&(16u64 + 4).to_be_bytes());
        file.extend_from_slice(&[9; 4]);
        assert_eq!(check(Format::Mp4, &file), Verdict::NoVerdict);
        assert_eq!(
            check(Format::Mp4, &file[..file.len() - 2]),
            Verdict::Truncated
        );
    }

    fn webm(segment_size: &[u8], body: usize) -> Vec<u8> {
        let mut f = vec![0x1A, 0x45, 0xDF, 0xA3, 0x84, 0x42, 0x86, 0x81, 0x01];
        f.extend_from_slice(&[0x18, 0x53, 0x80, 0x67]);
        f.extend_from_slice(segment_size);
        f.resize(f.len() + body, 0);
        f
    }

    #[test]
    fn webm_segment_larger_than_the_file_is_truncated() {
        // 8-byte size 0x64 = 100.
        let full = webm(&[0x01, 0, 0, 0, 0, 0, 0, 0x64], 100);
        assert_eq!(check(Format::Webm, &full), Verdict::NoVerdict);
        assert_eq!(check(Format::Webm, &full[..60]), Verdict::Truncated);
        // "Unknown size" (live recordings): no verdict even when short.
        let live = webm(&[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], 10);
        assert_eq!(check(Format::Webm, &live), Verdict::NoVerdict);
        assert_eq!(check(Format::Webm, b"not ebml"), Verdict::NoVerdict);
    }
}
