use serde::{Deserialize, Serialize};
use upstage_sdk::ErrorCode;

use crate::{ItemError, Probe};

/// Bounds checked before anything is decoded, so a decompression bomb costs a header read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Largest upload in bytes (decimal MB like the reference: 10 MB = 10 000 000).
    pub max_bytes: u64,
    /// Largest image in pixels (width × height of one frame).
    pub max_pixels: u64,
    /// Most frames an animated image may have.
    pub max_frames: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 10_000_000,
            max_pixels: 100_000_000,
            max_frames: 1_000,
        }
    }
}

impl Limits {
    pub fn check_bytes(&self, len: u64) -> Result<(), ItemError> {
        if len == 0 {
            return Err(ItemError::new(ErrorCode::EmptyFile, "Empty upload"));
        }
        if len > self.max_bytes {
            return Err(ItemError::new(
                ErrorCode::TooLarge,
                format!(
                    "File too big - max {} ({} bytes given)",
                    format_bytes(self.max_bytes),
                    len
                ),
            ));
        }
        Ok(())
    }

    pub fn check_probe(&self, p: &Probe) -> Result<(), ItemError> {
        let pixels = u64::from(p.width) * u64::from(p.height);
        if pixels > self.max_pixels {
            return Err(ItemError::new(
                ErrorCode::TooManyPixels,
                format!(
                    "Image too large: {}x{} is {} pixels, the limit is {}",
                    p.width, p.height, pixels, self.max_pixels
                ),
            ));
        }
        if p.frames > self.max_frames {
            return Err(ItemError::new(
                ErrorCode::TooManyFrames,
                format!(
                    "Too many animation frames: more than {} (limit {})",
                    self.max_frames, self.max_frames
                ),
            ));
        }
        Ok(())
    }
}

/// Decimal (1000-based) units with one decimal, trailing `.0` dropped — the reference's
/// `format_bytes`: `999 B`, `53.2 KB`, `10 MB`. Used in messages and the API's `size_formatted`.
pub fn format_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1000.0 && i + 1 < UNITS.len() {
        v /= 1000.0;
        i += 1;
    }
    let s = format!("{v:.1}");
    format!("{} {}", s.strip_suffix(".0").unwrap_or(&s), UNITS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_decimal_units() {
        assert_eq!(format_bytes(10_000_000), "10 MB");
        assert_eq!(format_bytes(1_530_000), "1.5 MB");
        assert_eq!(format_bytes(53_240), "53.2 KB");
        assert_eq!(format_bytes(999), "999 B");
    }

    #[test]
    fn byte_limits() {
        let l = Limits::default();
        assert_eq!(l.check_bytes(0).unwrap_err().code, ErrorCode::EmptyFile);
        assert_eq!(
            l.check_bytes(10_000_001).unwrap_err().code,
            ErrorCode::TooLarge
        );
        assert!(l.check_bytes(10_000_000).is_ok());
    }
}
