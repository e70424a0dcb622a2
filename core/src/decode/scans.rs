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
//!
//! Which coefficients a component needs depends on its sampling: at a reduced scale libjpeg
//! decodes a subsampled (chroma) component with a larger IDCT instead of upsampling it afterwards
//! (see [`idct_size`]), so at 1/8 the chroma of a 4:2:0 file needs a 2×2 block, not just its DC.

/// The highest zig-zag coefficient index an N×N IDCT reads (its top-left N×N block).
pub fn highest_coefficient(idct: u32) -> u8 {
    match idct {
        1 => 0,  // DC only
        2 => 4,  // (0,0) (0,1) (1,0) (1,1) are zig-zag 0, 1, 2, 4
        4 => 24, // (3,3) is zig-zag 24
        _ => 63,
    }
}

/// The IDCT size libjpeg-turbo uses for a component sampled `(h, v)` (of `max` in the frame)
/// when decoding at 1/`denominator`: the block size doubles, up to 8, while the component's
/// subsampling still covers the doubled size on both axes (jdmaster.c,
/// `jpeg_core_output_dimensions`, libjpeg 6b API).
pub fn idct_size(denominator: u32, (h, v): (u8, u8), max: (u8, u8)) -> u32 {
    let min = 8 / denominator.clamp(1, 8);
    let (h, v) = (u32::from(h.max(1)), u32::from(v.max(1)));
    let (max_h, max_v) = (u32::from(max.0.max(1)), u32::from(max.1.max(1)));
    let mut size = min;
    while size < 8
        && (max_h * min).is_multiple_of(h * size * 2)
        && (max_v * min).is_multiple_of(v * size * 2)
    {
        size *= 2;
    }
    size
}

/// The highest coefficient each component id needs at 1/`denominator`, read from a frame
/// header (SOF2 segment with its marker).
fn component_limits(sof: &[u8], denominator: u32) -> Option<[u8; 256]> {
    let n = usize::from(*sof.get(9)?);
    let comps: Vec<(u8, u8, u8)> = (0..n)
        .map(|i| {
            let c = sof.get(10 + 3 * i..13 + 3 * i)?;
            Some((c[0], c[1] >> 4, c[1] & 0x0F))
        })
        .collect::<Option<_>>()?;
    let max_h = comps.iter().map(|c| c.1).max()?;
    let max_v = comps.iter().map(|c| c.2).max()?;
    let mut limits = [63u8; 256];
    for (id, h, v) in comps {
        let size = idct_size(denominator, (h, v), (max_h, max_v));
        limits[usize::from(id)] = highest_coefficient(size);
    }
    Some(limits)
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

/// The stream without the scans a decode at 1/`denominator` can do without; `None` when nothing
/// can be dropped (baseline files, full-size decodes) or the structure is not understood — the
/// caller then decodes the original bytes.
pub fn prune(b: &[u8], denominator: u32) -> Option<Vec<u8>> {
    if denominator < 2 || !b.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut limits: Option<[u8; 256]> = None;
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
            0xC2 => {
                progressive = true;
                limits = Some(component_limits(header, denominator)?);
            }
            0xC0 | 0xC1 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            _ => {}
        }
        if marker != 0xDA {
            out.extend_from_slice(header);
            pos = seg_end;
            continue;
        }
        let limits = limits.filter(|_| progressive)?;
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
                let keep = ss <= limits[comp];
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
        assert_eq!(highest_coefficient(2), 4);
        assert_eq!(highest_coefficient(8), 63);
    }

    #[test]
    fn subsampled_components_get_larger_idcts() {
        // (denominator, sampling, frame's max sampling) -> IDCT size.
        let cases = [
            (8, (2, 2), (2, 2), 1), // 4:2:0 luma
            (8, (1, 1), (2, 2), 2), // 4:2:0 chroma
            (8, (1, 1), (1, 1), 1), // 4:4:4
            (8, (1, 1), (2, 1), 1), // 4:2:2 chroma: not subsampled vertically
            (4, (2, 2), (2, 2), 2),
            (4, (1, 1), (2, 2), 4),
            (2, (2, 2), (2, 2), 4),
            (2, (1, 1), (2, 2), 8),
            (1, (1, 1), (2, 2), 8),
            (8, (1, 1), (4, 4), 4),
        ];
        for (d, samp, max, size) in cases {
            assert_eq!(idct_size(d, samp, max), size, "1/{d}, {samp:?} of {max:?}");
        }
    }

    #[test]
    fn limits_follow_each_component_sampling() {
        // SOF2 of a 4:2:0 frame: Y 2x2, Cb and Cr 1x1.
        let sof = [
            0xFF, 0xC2, 0, 17, 8, 0, 16, 0, 16, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
        ];
        let l = component_limits(&sof, 8).unwrap();
        assert_eq!((l[1], l[2], l[3]), (0, 4, 4));
        let l = component_limits(&sof, 4).unwrap();
        assert_eq!((l[1], l[2], l[3]), (4, 24, 24));
        assert!(component_limits(&sof[..12], 8).is_none());
    }

    #[test]
    fn baseline_and_garbage_are_left_alone() {
        assert!(prune(&[0xFF, 0xD8, 0xFF, 0xC0, 0, 2, 0xFF, 0xD9], 8).is_none());
        assert!(prune(b"not a jpeg", 8).is_none());
        assert!(prune(&[0xFF, 0xD8, 0xFF], 8).is_none());
        assert!(prune(&[0xFF, 0xD8, 0xFF, 0xDA, 0xFF, 0xFF], 4).is_none());
    }
}
