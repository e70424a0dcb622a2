//! Base64 sources must be canonical standard base64 (docs/compatibility.md): `+/` alphabet, padded, no
//! `data:` prefix, no non-zero trailing bits. Whitespace is removed first.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

pub enum Decoded {
    Empty,
    Invalid,
    Bytes(Vec<u8>),
}

/// What the reference's `\s` removes: ASCII whitespace only. A Unicode space (e.g. U+00A0) is
/// not base64 and makes the value invalid, as there.
const SPACES: [char; 6] = [' ', '\t', '\n', '\x0b', '\x0c', '\r'];

pub fn decode(value: &str) -> Decoded {
    let compact: String = value.chars().filter(|c| !SPACES.contains(c)).collect();
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
        assert!(
            matches!(decode("aGVs\u{a0}bG8="), Decoded::Invalid),
            "a Unicode space is not whitespace to strip"
        );
        assert!(looks_like_url("https://example.com/a.jpg"));
        assert!(!looks_like_url("aGVsbG8="));
    }
}

/// Properties over generated and mutated text: the decoder accepts exactly the canonical encodings
/// (checked against an independent rule, not the library), and gives back what was encoded.
#[cfg(test)]
mod fuzz {
    use super::*;
    use upstage_fuzz::proptest::prelude::*;
    use upstage_fuzz::proptest::sample::Index;
    use upstage_fuzz::{fuzz_values, Verdict};

    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// Canonical standard base64, decided character by character.
    fn canonical(s: &str) -> bool {
        let body = s.trim_end_matches('=');
        let pad = s.len() - body.len();
        let value = |c: char| ALPHABET.find(c);
        if s.is_empty()
            || !s.len().is_multiple_of(4)
            || pad > 2
            || !body.chars().all(|c| value(c).is_some())
        {
            return false;
        }
        // The unused low bits of the last character before the padding must be zero.
        let last = body.chars().last().and_then(value).unwrap_or(0);
        match pad {
            1 => last & 0b11 == 0,
            2 => last & 0b1111 == 0,
            _ => true,
        }
    }

    fn property(text: &str) -> Verdict {
        let compact: String = text.chars().filter(|c| !SPACES.contains(c)).collect();
        match decode(text) {
            Decoded::Empty if compact.is_empty() => Ok(()),
            Decoded::Bytes(b) if canonical(&compact) && STANDARD.encode(&b) == compact => Ok(()),
            Decoded::Invalid if !compact.is_empty() && !canonical(&compact) => Ok(()),
            Decoded::Empty => Err(format!("{compact:?} taken as empty")),
            Decoded::Bytes(b) => Err(format!("{compact:?} accepted as {} bytes", b.len())),
            Decoded::Invalid => Err(format!("canonical {compact:?} refused")),
        }
    }

    /// Edits of an encoding: a character replaced, removed or added (from the alphabet, padding,
    /// whitespace of every kind, URL-safe and `data:` characters, or anything at all).
    fn edited() -> impl Strategy<Value = String> {
        let chars = prop_oneof![
            prop::sample::select(ALPHABET.chars().collect::<Vec<_>>()),
            prop::sample::select(vec![
                '=', '-', '_', ':', ',', ' ', '\n', '\u{a0}', '\u{2028}'
            ]),
            any::<char>(),
        ];
        let edit = (0..3u8, any::<Index>(), chars);
        (
            prop::collection::vec(any::<u8>(), 0..64),
            prop::collection::vec(edit, 0..4),
        )
            .prop_map(|(bytes, edits)| {
                let mut s: Vec<char> = STANDARD.encode(bytes).chars().collect();
                for (kind, at, c) in edits {
                    let i = at.index(s.len() + 1);
                    match kind {
                        0 if i < s.len() => s[i] = c,
                        1 if i < s.len() => drop(s.remove(i)),
                        _ => s.insert(i, c),
                    }
                }
                s.into_iter().collect()
            })
    }

    #[test]
    fn round_trips_through_whitespace() {
        let wrapped = (
            prop::collection::vec(any::<u8>(), 0..300),
            prop::collection::vec(
                (any::<Index>(), prop::sample::select(SPACES.to_vec())),
                0..8,
            ),
        );
        fuzz_values("base64-roundtrip", 1000, wrapped, |(bytes, spaces)| {
            let mut text = STANDARD.encode(bytes);
            for (at, c) in spaces {
                text.insert(at.index(text.len() + 1), *c);
            }
            match decode(&text) {
                Decoded::Bytes(b) if b == *bytes => Ok(()),
                Decoded::Empty if bytes.is_empty() => Ok(()),
                _ => Err(format!(
                    "{text:?} did not decode to its {} bytes",
                    bytes.len()
                )),
            }
        });
    }

    #[test]
    fn accepts_exactly_the_canonical_encodings() {
        fuzz_values("base64-edited", 2000, edited(), |s| property(s));
        fuzz_values("base64-any", 1000, any::<String>(), |s| property(s));
    }
}
