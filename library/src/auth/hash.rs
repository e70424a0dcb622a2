//! Secrets at rest: API keys and delete tokens are stored as argon2 hashes and checked against
//! them here, and nowhere else, so the scheme can change in one place.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use sha2::{Digest, Sha256};

pub fn hash_secret(secret: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
}

pub fn verify_secret(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &h)
            .is_ok()
    })
}

/// Constant-time equality of two secrets (compared as digests so lengths leak nothing either).
pub fn secrets_equal(a: &str, b: &str) -> bool {
    let (x, y) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    x.iter()
        .zip(y.iter())
        .fold(0u8, |acc, (p, q)| acc | (p ^ q))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::random_hex;

    #[test]
    fn hashes_verify_and_compare() {
        let h = hash_secret("chv_x_abc");
        assert!(verify_secret("chv_x_abc", &h));
        assert!(!verify_secret("chv_x_abd", &h));
        assert!(!verify_secret("chv_x_abc", "not a hash"));
        assert!(secrets_equal("a", "a"));
        assert!(!secrets_equal("a", "b"));
        assert_eq!(random_hex(64).len(), 128);
    }
}
