//! API keys: `chv_<encoded id>_<128 hex>` as the reference makes them, stored as SHA-256 digests
//! (see `digest`). Rows still holding argon2 hashes are rewritten at their first use; when that
//! write fails the verified key's sha256 is remembered per key id so argon2 runs once per key, not
//! per upload. The key row (revocation) and its user are still read on every request.

pub mod digest;
mod shape;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::{Db, DbError, User};
use crate::ids::IdCodec;

/// Who is uploading.
#[derive(Clone, Debug)]
pub enum Caller {
    User(User),
    Guest,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        matches!(self, Caller::User(u) if u.admin())
    }

    pub fn user_id(&self) -> Option<i64> {
        match self {
            Caller::User(u) => Some(u.id),
            Caller::Guest => None,
        }
    }
}

pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

pub fn hash_secret(secret: &str) -> String {
    digest::encode(secret)
}

/// Constant-time equality of two secrets.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    digest::equal(a, b)
}

/// Create a key for `user_id`; the full key is returned once and only its hash is stored.
pub async fn create_key(
    db: &Db,
    ids: &IdCodec,
    user_id: i64,
    name: &str,
) -> Result<String, DbError> {
    let mut w = db.writer().await?;
    let r = async {
        let mut tx = w.begin().await?;
        let key = create_key_in(&mut tx, ids, user_id, name).await?;
        tx.commit().await?;
        Ok(key)
    }
    .await;
    w.finish(r)
}

/// [`create_key`] inside the caller's transaction: the key is usable once that commits.
pub async fn create_key_in(
    conn: &mut sqlx::AnyConnection,
    ids: &IdCodec,
    user_id: i64,
    name: &str,
) -> Result<String, DbError> {
    let id = crate::db::insert_key_in(&mut *conn, user_id, name).await?;
    let key = format!("chv_{}_{}", ids.encode(id as u64), random_hex(64));
    let hash = hash_secret(&key);
    crate::db::set_key_hash_in(conn, id, &hash).await?;
    Ok(key)
}

#[derive(Default)]
pub struct KeyCache {
    verified: Mutex<HashMap<i64, [u8; 32]>>,
    /// Keys that got as far as being hashed: malformed keys and throttled addresses never do.
    hashed: AtomicU64,
}

impl KeyCache {
    /// How many keys were hashed to be checked (see `hashed`).
    pub fn hashed(&self) -> u64 {
        self.hashed.load(Ordering::Relaxed)
    }

    /// The account a user-format key belongs to, or `None` when it is not a valid, unrevoked key.
    pub async fn user_for(
        &self,
        db: &Db,
        ids: &IdCodec,
        key: &str,
    ) -> Result<Option<User>, DbError> {
        let Some(enc) = shape::key_id(key) else {
            return Ok(None);
        };
        let Some(id) = ids.decode(enc).and_then(|i| i64::try_from(i).ok()) else {
            return Ok(None);
        };
        let Some(row) = db.key(id).await? else {
            return Ok(None);
        };
        if row.revoked != 0 {
            return Ok(None);
        }
        self.hashed.fetch_add(1, Ordering::Relaxed);
        let ok = if row.hash.starts_with(digest::PREFIX) {
            digest::verify(key, &row.hash).await.ok()
        } else {
            self.verify_legacy(db, id, key, &row.hash).await
        };
        if !ok {
            return Ok(None);
        }
        db.user(row.user_id).await
    }

    /// An argon2 row: verified once, then rewritten as a digest. A row that cannot be rewritten
    /// (read-only database) is remembered here instead, so argon2 still runs once per key.
    async fn verify_legacy(&self, db: &Db, id: i64, key: &str, stored: &str) -> bool {
        let sha: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        if self.verified.lock().ok().and_then(|m| m.get(&id).copied()) == Some(sha) {
            return true;
        }
        if !digest::verify(key, stored).await.ok() {
            return false;
        }
        if !db.upgrade_key_hash(id, stored, &hash_secret(key)).await {
            if let Ok(mut m) = self.verified.lock() {
                m.insert(id, sha);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_and_compares() {
        assert!(hash_secret("chv_x_abc").starts_with(digest::PREFIX));
        assert!(secrets_equal("a", "a"));
        assert!(!secrets_equal("a", "b"));
        assert_eq!(random_hex(64).len(), 128);
    }
}
