//! Distinct copies of one JPEG for tests that need many different bodies with the same pixels.

/// `jpeg` with a comment segment holding `text` right after its start marker: other bytes (and
/// md5, and length as `text` grows), the same image. `text` must stay under 64 KiB.
pub fn with_comment(jpeg: &[u8], text: &str) -> Vec<u8> {
    let len = u16::try_from(text.len() + 2).expect("a comment under 64 KiB");
    let mut out = Vec::with_capacity(jpeg.len() + text.len() + 4);
    out.extend_from_slice(jpeg.get(..2).unwrap_or_default());
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(jpeg.get(2..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_comment_follows_the_start_marker() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xD9];
        assert_eq!(
            super::with_comment(&jpeg, "hi"),
            [0xFF, 0xD8, 0xFF, 0xFE, 0, 4, b'h', b'i', 0xFF, 0xD9]
        );
    }
}
