//! Chevereto's public ids (`encodeID`/`decodeID`): base 62 over an alphabet permuted by the sha256
//! of a per-site salt, ids multiplied by a per-site padding. Reproduced exactly so a site migrated
//! from Chevereto keeps its URLs when given its salt and padding.

use sha2::{Digest, Sha256};

const ALPHABET: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

#[derive(Clone, Debug)]
pub struct IdCodec {
    alphabet: [u8; 62],
    padding: u64,
}

impl IdCodec {
    pub fn new(salt: &str, padding: u64) -> Self {
        let hash = hex::encode(Sha256::digest(salt.as_bytes()));
        let mut pairs: Vec<(u8, u8)> = hash
            .bytes()
            .take(62)
            .zip(ALPHABET.iter().copied())
            .collect();
        // PHP array_multisort(hash SORT_DESC, alphabet ascending).
        pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut alphabet = [0u8; 62];
        for (slot, (_, c)) in alphabet.iter_mut().zip(pairs) {
            *slot = c;
        }
        IdCodec { alphabet, padding }
    }

    pub fn encode(&self, id: u64) -> String {
        let mut n = if self.padding > 0 {
            id.saturating_mul(self.padding)
        } else {
            id
        };
        let mut out = Vec::new();
        while n > 0 {
            out.push(self.alphabet[(n % 62) as usize]);
            n /= 62;
        }
        out.reverse();
        String::from_utf8(out).unwrap_or_default()
    }

    /// `None` for ids that decode to 0 (which the reference treats as missing) or overflow.
    pub fn decode(&self, s: &str) -> Option<u64> {
        let mut n: u64 = 0;
        for c in s.bytes() {
            // A character outside the alphabet counts as 0, as in the reference.
            let d = self.alphabet.iter().position(|a| *a == c).unwrap_or(0) as u64;
            n = n.checked_mul(62)?.checked_add(d)?;
        }
        // Padding 0 means ids are not padded.
        let id = n.checked_div(self.padding).unwrap_or(n);
        (id > 0).then_some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(salt: &str, pad: u64, vectors: &[(u64, &str)]) {
        let c = IdCodec::new(salt, pad);
        for (id, enc) in vectors {
            assert_eq!(c.encode(*id), *enc, "salt {salt:?} pad {pad} id {id}");
            assert_eq!(c.decode(enc), Some(*id));
        }
    }

    #[test]
    fn reference_vectors() {
        let c = IdCodec::new("", 0);
        assert_eq!(
            std::str::from_utf8(&c.alphabet).unwrap(),
            "1ksu9CaLelnw2HTYct8Mr3GIOQRiqyzVZjx7U0EPW5ADFKNfgpvJb46XhBSmod"
        );
        check(
            "",
            0,
            &[
                (1, "k"),
                (2, "s"),
                (10, "n"),
                (62, "k1"),
                (1000, "ce"),
                (123456, "ZLT"),
                (999999, "92lk"),
                (2147483647, "s3rE0k"),
            ],
        );
        check(
            "",
            999,
            &[
                (1, "cL"),
                (2, "ZT"),
                (10, "s0e"),
                (62, "cL1"),
                (1000, "9w6h"),
                (123456, "e3zRU"),
                (999999, "kC0DtL"),
                (2147483647, "0fKthiL"),
            ],
        );
        let c = IdCodec::new("changeme", 999);
        assert_eq!(
            std::str::from_utf8(&c.alphabet).unwrap(),
            "FYyQz7hsZjtdITe4GL39AKNOSXp2Bcu5DUiqw16MRb0WkloCgrvPV8mxEHJafn"
        );
        check(
            "changeme",
            999,
            &[
                (1, "Gs"),
                (2, "De"),
                (10, "y1Z"),
                (62, "GsF"),
                (1000, "zdmE"),
                (123456, "ZKupw"),
                (999999, "Y71WLs"),
                (2147483647, "1ClLE2s"),
            ],
        );
        check(
            "751b13d3",
            999,
            &[
                (1, "Et"),
                (2, "Qs"),
                (10, "Jwu"),
                (62, "Et1"),
                (1000, "AGVe"),
                (123456, "udval"),
            ],
        );
    }

    #[test]
    fn zero_and_garbage() {
        let c = IdCodec::new("x", 999);
        assert_eq!(c.encode(0), "");
        assert_eq!(c.decode(""), None);
        assert_eq!(c.decode(&"Z".repeat(40)), None, "overflow is not an id");
    }
}
