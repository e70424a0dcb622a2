//! How stored secrets (API keys, delete tokens) are checked. Both are random and long (≥ 192
//! bits), so a slow password KDF buys nothing: nobody can brute-force a SHA-256 preimage of a
//! 192-bit random value, salted or not. The digest is plain SHA-256 rather than a keyed HMAC so
//! that every instance sharing a database checks the same rows with no server secret to
//! distribute, rotate or lose. Rows written by earlier versions hold argon2 PHC strings: those are
//! verified once, a few at a time on the blocking pool, and rewritten as digests.

use std::time::Duration;

use argon2::password_hash::PasswordHash;
use argon2::{Argon2, PasswordVerifier};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

/// Marks a stored digest; argon2 rows start with `$argon2`.
pub const PREFIX: &str = "sha256:";

/// Legacy (argon2, ~19 MiB and tens of ms each) verifications running at once.
static LEGACY: Semaphore = Semaphore::const_new(2);
/// How long a legacy verification may wait for its turn before the check fails.
const LEGACY_WAIT: Duration = Duration::from_secs(10);

fn sha256(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// The stored form of a new secret.
pub fn encode(secret: &str) -> String {
    format!("{PREFIX}{}", hex::encode(sha256(secret)))
}

/// What checking a secret against its stored form found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Match,
    /// It matched an argon2 row: store [`encode`] of the secret in its place.
    MatchLegacy,
    NoMatch,
}

impl Verdict {
    pub fn ok(self) -> bool {
        self != Verdict::NoMatch
    }
}

/// Checks `secret` against a digest row at once; an argon2 row waits for a legacy slot.
pub async fn verify(secret: &str, stored: &str) -> Verdict {
    if let Some(hex_digest) = stored.strip_prefix(PREFIX) {
        let Ok(want) = hex::decode(hex_digest) else {
            return Verdict::NoMatch;
        };
        return if bool::from(sha256(secret).ct_eq(want.as_slice())) {
            Verdict::Match
        } else {
            Verdict::NoMatch
        };
    }
    if PasswordHash::new(stored).is_err() {
        return Verdict::NoMatch;
    }
    let Ok(Ok(_permit)) = tokio::time::timeout(LEGACY_WAIT, LEGACY.acquire()).await else {
        tracing::warn!("legacy secret check gave up waiting for a slot");
        return Verdict::NoMatch;
    };
    let (secret, stored) = (secret.to_owned(), stored.to_owned());
    let ok = tokio::task::spawn_blocking(move || verify_argon2(&secret, &stored))
        .await
        .unwrap_or(false);
    if ok {
        Verdict::MatchLegacy
    } else {
        Verdict::NoMatch
    }
}

fn verify_argon2(secret: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &h)
            .is_ok()
    })
}

/// Constant-time equality of two secrets of public length (a configured guest key).
pub fn equal(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};

    fn argon2_of(secret: &str) -> String {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(secret.as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn digests_and_legacy_rows_verify() {
        let digest = encode("chv_x_abc");
        assert!(digest.starts_with(PREFIX) && digest.len() == PREFIX.len() + 64);
        let legacy = argon2_of("chv_x_abc");
        // (secret, stored, verdict)
        let cases = [
            ("chv_x_abc", digest.as_str(), Verdict::Match),
            ("chv_x_abd", digest.as_str(), Verdict::NoMatch),
            ("chv_x_abc", legacy.as_str(), Verdict::MatchLegacy),
            ("chv_x_abd", legacy.as_str(), Verdict::NoMatch),
            ("chv_x_abc", "not a hash", Verdict::NoMatch),
            ("chv_x_abc", "sha256:zz", Verdict::NoMatch),
            ("chv_x_abc", "", Verdict::NoMatch),
        ];
        for (secret, stored, want) in cases {
            assert_eq!(verify(secret, stored).await, want, "{secret} vs {stored}");
        }
        assert!(equal("a", "a"));
        assert!(!equal("a", "b"));
        assert!(!equal("a", "ab"));
    }
}
