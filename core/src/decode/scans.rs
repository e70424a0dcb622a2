//! Progressive JPEG scan pruning: DCT-domain downscaling only reads a few low-frequency
//! coefficients per block, but a progressive file spends most of its bytes on the high ones. Scans
//! that can only contribute coefficients the scaled IDCT ignores are cut from the stream before
//! decoding, so their entropy data is never decoded at all — the expensive part of progressive
//! JPEGs. What remains is still a valid progressive JPEG (as a browser sees after a partial load).
//!
//! A refinement scan (more bits of coefficients a first pass sent) can only be decoded with the
//! history of every first pass over its band, so it is kept only when those passes were all kept.
//! Dropping a luma refinement scan leaves the low-frequency coefficients of that band a bit or
//! two short of full precision; the pixel error this causes at 1/4 or 1/8 scale is measured by
//! `tests/progressive.rs` against a full-precision decode.

/// The highest zig-zag coefficient index the IDCT of a given scale denominator reads.
pub fn highest_coefficient(denominator: u32) -> u8 {
    match denominator {
        8 => 0,  // 1×1: DC only
        4 => 4,  // 2×2: (0,0) (0,1) (1,0) (1,1) are zig-zag 0, 1, 2, 4
        2 => 24, // 4×4: (3,3) is zig-zag 24
        _ => 63,
    }
}

fn be16(b: &[u8], i: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes([
        *b.get(i)?,
        *b.get(i + 1)?,
    ])))
}

/// End of the entropy-coded data that starts at `i`: the next marker that is not a stuffed
/// zero byte or a restart marker.
fn entropy_end(b: &[u8], mut i: usize) -> usize {
    while i + 1 < b.len() {
        if b[i] == 0xFF && b[i + 1] != 0 && !(0xD0..=0xD7).contains(&b[i + 1]) {
            return i;
        }
        i += 1;
    }
    b.len()
}

fn band(ss: u8, se: u8) -> u64 {
    (ss..=se.min(63)).fold(0u64, |m, k| m | (1u64 << k))
}

/// The stream without the scans a decode needing coefficients `0..=max_k` can do without;
/// `None` when nothing can be dropped (baseline files, full-size decodes) or the structure is not
/// understood — the caller then decodes the original bytes.
pub fn prune(b: &[u8], max_k: u8) -> Option<Vec<u8>> {
    if max_k >= 63 || !b.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(b.len() / 2);
    out.extend_from_slice(&b[..2]);
    let mut kept_first_pass = [0u64; 256];
    let mut progressive = false;
    let mut dropped = false;
    let mut pos = 2;
    loop {
        // Markers may be preceded by fill bytes.
        while b.get(pos) == Some(&0xFF) && b.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        if *b.get(pos)? != 0xFF {
            return None;
        }
        let marker = *b.get(pos + 1)?;
        match marker {
            0xD9 => {
                out.extend_from_slice(&b[pos..pos + 2]);
                break;
            }
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&b[pos..pos + 2]);
                pos += 2;
                continue;
            }
            _ => {}
        }
        let seg_end = pos + 2 + be16(b, pos + 2)?;
        let header = b.get(pos..seg_end)?;
        match marker {
            0xC2 => progressive = true,
            0xC0 | 0xC1 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            _ => {}
        }
        if marker != 0xDA {
            out.extend_from_slice(header);
            pos = seg_end;
            continue;
        }
        if !progressive {
            return None;
        }
        let ns = usize::from(*header.get(4)?);
        let params = 5 + 2 * ns;
        let (ss, se, ah) = (
            *header.get(params)?,
            *header.get(params + 1)?,
            header.get(params + 2)? >> 4,
        );
        let end = entropy_end(b, seg_end);
        let keep = if ss == 0 {
            true // DC scans (first and refinement) are tiny and always needed
        } else {
            let comp = usize::from(*header.get(5)?);
            let wanted = band(ss, se);
            if ah == 0 {
                let keep = ss <= max_k;
                if keep {
                    kept_first_pass[comp] |= wanted;
                }
                keep
            } else {
                kept_first_pass[comp] & wanted == wanted
            }
        };
        if keep {
            out.extend_from_slice(&b[pos..end]);
        } else {
            dropped = true;
        }
        pos = end;
        if pos >= b.len() {
            out.extend_from_slice(&[0xFF, 0xD9]);
            break;
        }
    }
    dropped.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coefficient_bands() {
        assert_eq!(band(1, 5), 0b11_1110);
        assert_eq!(band(0, 63), u64::MAX);
        assert_eq!(highest_coefficient(4), 4);
        assert_eq!(highest_coefficient(1), 63);
    }

    #[test]
    fn baseline_and_garbage_are_left_alone() {
        assert!(prune(&[0xFF, 0xD8, 0xFF, 0xC0, 0, 2, 0xFF, 0xD9], 0).is_none());
        assert!(prune(b"not a jpeg", 0).is_none());
        assert!(prune(&[0xFF, 0xD8, 0xFF], 0).is_none());
        assert!(prune(&[0xFF, 0xD8, 0xFF, 0xDA, 0xFF, 0xFF], 4).is_none());
    }
}
