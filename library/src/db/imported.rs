//! Finding a local import's earlier row for a file. An import that was stopped after a file's
//! row was committed but before its journal line was written would otherwise import that file a
//! second time when run again.

use super::images::{ImageRow, COLUMNS};
use super::{Db, DbError};

/// The address local imports are recorded under (`ingest.rs`).
pub const LOCAL_IMPORT: &str = "local-import";

impl Db {
    /// The oldest row a local import by `user_id` made of a file named `file_name` whose bytes as
    /// read had this md5 (the stored main file's when nothing rewrote it, else `source_md5`).
    pub async fn imported_before(
        &self,
        user_id: i64,
        md5: &str,
        file_name: &str,
    ) -> Result<Option<ImageRow>, DbError> {
        // Two lookups, each on its own md5 index: an OR across the columns, or the address
        // first, would read every row an import ever made, once per file imported.
        let by = |column: &str, unless: &str| {
            format!(
                "SELECT {COLUMNS} FROM images WHERE {column} = $1 {unless} AND uploader_ip = $2 \
                 AND user_id = $3 AND original_filename = $4"
            )
        };
        let sql = format!(
            "SELECT * FROM ({} UNION ALL {}) AS earlier ORDER BY id LIMIT 1",
            by("md5", "AND source_md5 IS NULL"),
            by("source_md5", "")
        );
        Ok(sqlx::query_as(&sql)
            // `$1`..`$4` appear in the text in the order they are bound, which both databases read
            // the same way.
            .bind(md5)
            .bind(LOCAL_IMPORT)
            .bind(user_id)
            .bind(file_name)
            .fetch_optional(&self.pool)
            .await?)
    }
}
