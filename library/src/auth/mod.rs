//! API keys: `chv_<encoded id>_<128 hex>` as the reference makes them, stored as argon2 hashes.
//! A verified key's sha256 is remembered per key id so argon2 runs once per key, not per upload;
//! the key row (revocation) and its user are still read on every request.

use std::collections::HashMap;
use std::sync::Mutex;

mod hash;

use rand::RngCore;
use sha2::{Digest, Sha256};

pub use hash::{hash_secret, secrets_equal, verify_secret};

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
    let hash = {
        let key = key.clone();
        tokio::task::spawn_blocking(move || hash_secret(&key))
            .await
            .unwrap_or_default()
    };
    crate::db::set_key_hash_in(conn, id, &hash).await?;
    Ok(key)
}

#[derive(Default)]
pub struct KeyCache {
    verified: Mutex<HashMap<i64, [u8; 32]>>,
}

impl KeyCache {
    /// The account a user-format key belongs to, or `None` when it is not a valid, unrevoked key.
    pub async fn user_for(
        &self,
        db: &Db,
        ids: &IdCodec,
        key: &str,
    ) -> Result<Option<User>, DbError> {
        let mut parts = key.split('_');
        let (Some("chv"), Some(enc), Some(_secret), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
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
        let digest: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        let cached = self.verified.lock().ok().and_then(|m| m.get(&id).copied());
        let ok = if cached == Some(digest) {
            true
        } else {
            let (k, h) = (key.to_owned(), row.hash.clone());
            let ok = tokio::task::spawn_blocking(move || verify_secret(&k, &h))
                .await
                .unwrap_or(false);
            if ok {
                if let Ok(mut m) = self.verified.lock() {
                    m.insert(id, digest);
                }
            }
            ok
        };
        if !ok {
            return Ok(None);
        }
        db.user(row.user_id).await
    }
}
