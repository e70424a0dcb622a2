//! Base64 sources must be canonical standard base64 (docs/compatibility.md): `+/` alphabet, padded, no
//! `data:` prefix, no non-zero trailing bits. Whitespace is removed first.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

pub enum Decoded {
    Empty,
    Invalid,
    Bytes(Vec<u8>),
}

pub fn decode(value: &str) -> Decoded {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Decoded::Empty;
    }
    match STANDARD.decode(&compact) {
        // STANDARD rejects missing padding and non-canonical trailing bits; re-encoding proves
        // the value is exactly what PHP's strict round-trip check accepts.
        Ok(bytes) if STANDARD.encode(&bytes) == compact => Decoded::Bytes(bytes),
        _ => Decoded::Invalid,
    }
}

/// Whether a text `source` is a URL (the reference's `is_url`: a scheme and a host).
pub fn looks_like_url(value: &str) -> bool {
    url::Url::parse(value.trim()).is_ok_and(|u| u.has_host() && !u.scheme().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_canonical_base64() {
        assert!(matches!(decode("aGVsbG8="), Decoded::Bytes(b) if b == b"hello"));
        assert!(matches!(decode("aGVs\nbG8="), Decoded::Bytes(_)));
        assert!(
            matches!(decode("aGVsbG8"), Decoded::Invalid),
            "missing padding"
        );
        assert!(matches!(
            decode("data:image/png;base64,aGVsbG8="),
            Decoded::Invalid
        ));
        assert!(
            matches!(decode("_-__"), Decoded::Invalid),
            "URL-safe alphabet"
        );
        assert!(
            matches!(decode("aGVsbG9="), Decoded::Invalid),
            "non-zero trailing bits"
        );
        assert!(matches!(decode("  \n"), Decoded::Empty));
        assert!(looks_like_url("https://example.com/a.jpg"));
        assert!(!looks_like_url("aGVsbG8="));
    }
}
