//! Rewriting secrets stored by earlier versions (argon2) as digests once they have been verified.
//! Compare-and-set on the old value: a row revoked, rotated or already rewritten meanwhile is
//! left as it is.

use super::{Db, DbError};

impl Db {
    /// Replace an API key's `old` hash with `new`; `false` when the write failed.
    pub async fn upgrade_key_hash(&self, id: i64, old: &str, new: &str) -> bool {
        self.rewrite(
            "UPDATE api_keys SET hash = $1 WHERE id = $2 AND hash = $3",
            id,
            old,
            new,
        )
        .await
    }

    /// Replace an image's `old` delete-token hash with `new`; `false` when the write failed.
    pub async fn upgrade_delete_hash(&self, id: i64, old: &str, new: &str) -> bool {
        self.rewrite(
            "UPDATE images SET delete_hash = $1 WHERE id = $2 AND delete_hash = $3",
            id,
            old,
            new,
        )
        .await
    }

    async fn rewrite(&self, sql: &str, id: i64, old: &str, new: &str) -> bool {
        let r: Result<(), DbError> = async {
            let mut w = self.writer().await?;
            let r = async {
                let mut tx = w.begin().await?;
                sqlx::query(sql)
                    .bind(new)
                    .bind(id)
                    .bind(old)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }
            .await;
            w.finish(r)
        }
        .await;
        match r {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(id, "stored secret left in its old format: {e}");
                false
            }
        }
    }
}
