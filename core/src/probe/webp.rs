//! Count WebP animation frames (ANMF chunks) by walking the RIFF chunk list.

use upstage_sdk::ErrorCode;

use crate::ItemError;

pub fn count_frames(b: &[u8], cap: u32) -> Result<u32, ItemError> {
    let mut pos = 12;
    let mut frames = 0u32;
    let mut animated = false;
    while pos + 8 <= b.len() {
        let fourcc = &b[pos..pos + 4];
        let size = u32::from_le_bytes([b[pos + 4], b[pos + 5], b[pos + 6], b[pos + 7]]) as usize;
        match fourcc {
            b"VP8X" => animated = b.get(pos + 8).is_some_and(|f| f & 0x02 != 0),
            b"ANMF" => {
                frames += 1;
                if frames > cap {
                    return Ok(frames);
                }
            }
            _ => {}
        }
        // Chunks are padded to an even size.
        pos = pos
            .checked_add(8 + size + (size & 1))
            .ok_or_else(|| ItemError::new(ErrorCode::Corrupt, "WebP chunk size overflows"))?;
    }
    Ok(if animated { frames.max(1) } else { 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn still_webp_has_one_frame() {
        let mut v = b"RIFF\0\0\0\0WEBPVP8L".to_vec();
        v.extend(5u32.to_le_bytes());
        v.extend([0x2f, 0, 0, 0, 0, 0]);
        assert_eq!(count_frames(&v, 10).unwrap(), 1);
    }

    #[test]
    fn counts_anmf_chunks() {
        let mut v = b"RIFF\0\0\0\0WEBPVP8X".to_vec();
        v.extend(10u32.to_le_bytes());
        v.extend([0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        for _ in 0..3 {
            v.extend(b"ANMF");
            v.extend(1u32.to_le_bytes());
            v.extend([0, 0]);
        }
        assert_eq!(count_frames(&v, 10).unwrap(), 3);
        assert_eq!(count_frames(&v, 1).unwrap(), 2);
    }
}
