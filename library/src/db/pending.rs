//! The `pending_uploads` journal: storage keys claimed (and committed) before anything is written
//! under them, dropped in the transaction that records the image. What stays past the grace
//! period belongs to an upload that never finished; see `crate::reconcile`.

use sqlx::AnyConnection;

use super::{now_gmt, Db, DbError, DbKind};

impl Db {
    /// Claim all of `keys` for `upload`, or none: `Ok(false)` when one is taken (claimed by
    /// another upload, or its name used by a live or a deleted image).
    pub async fn claim_keys(&self, upload: &str, keys: &[String]) -> Result<bool, DbError> {
        let mut w = self.writer().await?;
        let r: Result<bool, DbError> = async {
            let mut tx = w.begin().await?;
            let now = now_gmt();
            for key in keys {
                // A name in use by a live image, or retired (its image was deleted), counts as
                // taken, like a claimed key. Asking the backend would only find out after the
                // whole file was written and synced, when the no-clobber rename fails.
                let (folder, name) = KeyParts::parse(key)
                    .map(|p| (p.folder, p.stem.unwrap_or(p.base)))
                    .unwrap_or_default();
                let r = sqlx::query(
                    "INSERT INTO pending_uploads (storage_key, upload, created_gmt) \
                     SELECT $1, $2, $3 WHERE NOT EXISTS \
                     (SELECT 1 FROM retired_names WHERE folder = $4 AND name = $5) \
                     AND NOT EXISTS (SELECT 1 FROM images WHERE folder = $4 AND name = $5) \
                     ON CONFLICT (storage_key) DO NOTHING",
                )
                .bind(key)
                .bind(upload)
                .bind(&now)
                .bind(folder)
                .bind(name)
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() != 1 {
                    // Dropping the transaction rolls back the keys claimed so far.
                    return Ok(false);
                }
            }
            tx.commit().await?;
            Ok(true)
        }
        .await;
        w.finish(r)
    }

    /// Drop the claims of `upload` on `keys` (its files are gone again).
    pub async fn release_keys(&self, upload: &str, keys: &[String]) -> Result<(), DbError> {
        let mut w = self.writer().await?;
        let r: Result<(), DbError> = async {
            let mut tx = w.begin().await?;
            for key in keys {
                sqlx::query("DELETE FROM pending_uploads WHERE storage_key = $1 AND upload = $2")
                    .bind(key)
                    .bind(upload)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        }
        .await;
        w.finish(r)
    }

    /// How many keys `upload` still holds.
    pub async fn claims_of(&self, upload: &str) -> Result<i64, DbError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM pending_uploads WHERE upload = $1")
                .bind(upload)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Every claimed key with its upload and date, for audits and tests.
    pub async fn pending_claims(&self) -> Result<Vec<(String, String, String)>, DbError> {
        Ok(sqlx::query_as(
            "SELECT storage_key, upload, created_gmt FROM pending_uploads ORDER BY storage_key",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Whether a row or a claim owns `key`, asked in one statement so both are read from one
    /// snapshot: an upload that commits meanwhile moves the key from its claim to its row.
    pub async fn key_owned(&self, key: &str) -> Result<bool, DbError> {
        let Some(parts) = KeyParts::parse(key) else {
            return Ok(true);
        };
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT ({ROW_OWNS}) + (SELECT COUNT(*) FROM pending_uploads WHERE storage_key = $5)"
        ))
        .bind(&parts.folder)
        .bind(&parts.base)
        .bind(&parts.ext)
        .bind(&parts.stem)
        .bind(key)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }
}

/// Rows of `images` that may own a key: the main file by name and extension, derived files
/// (`.th.`, `.md.`, `.fr.`, …) by name alone, so a derived file in an unexpected format is kept
/// rather than lost.
const ROW_OWNS: &str = "SELECT COUNT(*) FROM images WHERE folder = $1 \
    AND ((name = $2 AND extension = $3) OR name = $4)";

/// Whether an image row owns `key` (keys that are no stored file name count as owned).
pub async fn row_owns_key(conn: &mut AnyConnection, key: &str) -> Result<bool, DbError> {
    let Some(parts) = KeyParts::parse(key) else {
        return Ok(true);
    };
    let n: i64 = sqlx::query_scalar(ROW_OWNS)
        .bind(&parts.folder)
        .bind(&parts.base)
        .bind(&parts.ext)
        .bind(&parts.stem)
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

/// Take up to `limit` claims made at or before `before` off the journal, inside the caller's
/// transaction: on PostgreSQL claims another instance is handling are skipped, not waited for;
/// on SQLite the delete takes the write lock, so the owner cannot commit meanwhile. Either way
/// an owner still alive finds its claims gone and fails instead of recording lost files.
pub async fn take_stale_claims(
    conn: &mut AnyConnection,
    kind: DbKind,
    before: &str,
    limit: i64,
) -> Result<Vec<String>, DbError> {
    let lock = match kind {
        DbKind::Postgres => " FOR UPDATE SKIP LOCKED",
        DbKind::Sqlite => "",
    };
    Ok(sqlx::query_scalar(&format!(
        "DELETE FROM pending_uploads WHERE storage_key IN (SELECT storage_key FROM pending_uploads \
         WHERE created_gmt <= $1 ORDER BY created_gmt LIMIT $2{lock}) RETURNING storage_key"
    ))
    .bind(before)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// A stored key split the way the naming makes it: `folder/base.ext`, where `base` may be
/// `name.infix` for a derived file.
#[derive(Debug, PartialEq, Eq)]
pub struct KeyParts {
    pub folder: String,
    pub base: String,
    pub ext: String,
    /// The name a derived file belongs to (`cat` of `cat.th.jpg`).
    pub stem: Option<String>,
}

impl KeyParts {
    /// `None` for keys no upload writes (hidden files, names without an extension).
    pub fn parse(key: &str) -> Option<KeyParts> {
        let (folder, file) = match key.rfind('/') {
            Some(i) => key.split_at(i + 1),
            None => ("", key),
        };
        if file.starts_with('.') {
            return None;
        }
        let (base, ext) = file.rsplit_once('.')?;
        if base.is_empty() || ext.is_empty() {
            return None;
        }
        let stem = ["th", "md", "fr", "original", "lg"]
            .iter()
            .find_map(|infix| base.strip_suffix(&format!(".{infix}")))
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        Some(KeyParts {
            folder: folder.to_owned(),
            base: base.to_owned(),
            ext: ext.to_owned(),
            stem,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::KeyParts;

    #[test]
    fn keys_split_like_the_naming_builds_them() {
        // key → (folder, base, ext, stem), or no stored name.
        type Parts<'a> = Option<(&'a str, &'a str, &'a str, Option<&'a str>)>;
        let cases: [(&str, Parts); 8] = [
            (
                "images/2026/01/02/cat.jpg",
                Some(("images/2026/01/02/", "cat", "jpg", None)),
            ),
            (
                "images/2026/01/02/cat.th.jpg",
                Some(("images/2026/01/02/", "cat.th", "jpg", Some("cat"))),
            ),
            (
                "images/a.b.md.png",
                Some(("images/", "a.b.md", "png", Some("a.b"))),
            ),
            (
                "images/clip.fr.jpeg",
                Some(("images/", "clip.fr", "jpeg", Some("clip"))),
            ),
            ("images/.upstage-tmp-x1", None),
            ("images/README", None),
            ("images/.th.jpg", None),
            ("cat.jpg", Some(("", "cat", "jpg", None))),
        ];
        for (key, want) in cases {
            let got = KeyParts::parse(key);
            let want = want.map(|(folder, base, ext, stem)| KeyParts {
                folder: folder.into(),
                base: base.into(),
                ext: ext.into(),
                stem: stem.map(Into::into),
            });
            assert_eq!(got, want, "{key}");
        }
    }
}
