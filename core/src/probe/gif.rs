//! Count GIF frames by walking the block structure, without LZW-decoding anything: a 5,000-frame
//! GIF is refused after reading its block headers.

use upstage_sdk::ErrorCode;

use crate::ItemError;

fn truncated() -> ItemError {
    ItemError::new(ErrorCode::Truncated, "GIF ends in the middle of a block")
}

/// Skip a chain of data sub-blocks starting at `pos`; returns the position after the terminator.
fn skip_sub_blocks(b: &[u8], mut pos: usize) -> Result<usize, ItemError> {
    loop {
        let len = *b.get(pos).ok_or_else(truncated)? as usize;
        pos += 1;
        if len == 0 {
            return Ok(pos);
        }
        pos += len;
    }
}

pub fn count_frames(b: &[u8], cap: u32) -> Result<u32, ItemError> {
    let flags = *b.get(10).ok_or_else(truncated)?;
    let mut pos = 13;
    if flags & 0x80 != 0 {
        pos += 3 * (1usize << ((flags & 0x07) + 1));
    }
    let mut frames = 0u32;
    loop {
        match b.get(pos) {
            // A missing trailer after at least one frame is common and harmless.
            None if frames > 0 => return Ok(frames),
            None => return Err(truncated()),
            Some(0x3B) => return Ok(frames),
            Some(0x21) => pos = skip_sub_blocks(b, pos + 2)?,
            Some(0x2C) => {
                let packed = *b.get(pos + 9).ok_or_else(truncated)?;
                pos += 10;
                if packed & 0x80 != 0 {
                    pos += 3 * (1usize << ((packed & 0x07) + 1));
                }
                pos = skip_sub_blocks(b, pos + 1)?; // +1: LZW minimum code size
                frames += 1;
                if frames > cap {
                    return Ok(frames);
                }
            }
            Some(other) => {
                return Err(ItemError::new(
                    ErrorCode::Corrupt,
                    format!("GIF has an unknown block type 0x{other:02x}"),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal GIF with `n` 1×1 frames and a global colour table of 2 entries.
    pub(crate) fn gif_with_frames(n: usize) -> Vec<u8> {
        let mut v = b"GIF89a".to_vec();
        v.extend([1, 0, 1, 0, 0x80, 0, 0]);
        v.extend([0, 0, 0, 255, 255, 255]);
        for _ in 0..n {
            v.extend([0x21, 0xF9, 4, 0, 1, 0, 0, 0]);
            v.extend([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0]);
            v.extend([2, 2, 0x4C, 0x01, 0]);
        }
        v.push(0x3B);
        v
    }

    #[test]
    fn counts_and_stops_at_the_cap() {
        assert_eq!(count_frames(&gif_with_frames(3), 100).unwrap(), 3);
        assert_eq!(count_frames(&gif_with_frames(5000), 1000).unwrap(), 1001);
    }

    #[test]
    fn truncated_gif_is_an_error() {
        let g = gif_with_frames(2);
        assert_eq!(
            count_frames(&g[..20], 10).unwrap_err().code,
            ErrorCode::Truncated
        );
    }
}
