//! Which expiry a stored file inherits from the images that own it, so the file route can tell
//! caches how long they may keep it.

use chrono::NaiveDateTime;

use super::{parse_date, Db, DbError, KeyParts};

impl Db {
    /// The soonest expiry among the images owning `key` — the main file by name and extension,
    /// a derived file (`.th.`, `.md.`, `.fr.`) by its stem, as the naming builds keys. `None`
    /// when no owner expires, or no image owns the key.
    pub async fn file_expiry(&self, key: &str) -> Result<Option<NaiveDateTime>, DbError> {
        let Some(parts) = KeyParts::parse(key) else {
            return Ok(None);
        };
        let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT name, extension, expiration_date_gmt FROM images WHERE folder = $1 \
             AND ((name = $2 AND extension = $3) OR name = $4)",
        )
        .bind(&parts.folder)
        .bind(&parts.base)
        .bind(&parts.ext)
        .bind(&parts.stem)
        .fetch_all(&self.pool)
        .await?;
        let exact: Vec<_> = rows
            .iter()
            .filter(|(n, e, _)| *n == parts.base && *e == parts.ext)
            .collect();
        let owners = if exact.is_empty() {
            rows.iter().collect()
        } else {
            exact
        };
        // Several owners (a name shared by two extensions) answer for the soonest expiry.
        Ok(owners
            .iter()
            .filter_map(|(_, _, x)| x.as_deref())
            .filter_map(parse_date)
            .min())
    }
}
