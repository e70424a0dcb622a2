use super::{Db, DbError};

/// Every column of `images`, as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ImageRow {
    pub id: i64,
    pub name: String,
    pub extension: String,
    pub folder: String,
    pub size: i64,
    pub width: i64,
    pub height: i64,
    pub date: String,
    pub date_gmt: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub nsfw: i64,
    pub storage_mode: String,
    pub md5: String,
    pub source_md5: Option<String>,
    pub original_filename: String,
    pub original_exifdata: Option<String>,
    pub views: i64,
    pub likes: i64,
    pub category_id: Option<i64>,
    pub chain: i64,
    pub thumb_size: i64,
    pub medium_size: i64,
    pub medium_width: i64,
    pub medium_height: i64,
    pub frame_size: i64,
    pub expiration_date_gmt: Option<String>,
    pub is_animated: i64,
    pub is_approved: i64,
    pub is_360: i64,
    pub duration: i64,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub user_id: Option<i64>,
    pub album_id: Option<i64>,
    pub uploader_ip: String,
    pub delete_hash: String,
}

/// The row to insert for a new upload (ids, counters and defaults come from the database).
pub type NewImage = ImageRow;

pub(super) const COLUMNS: &str =
    "id, name, extension, folder, size, width, height, date, date_gmt, title, \
    description, nsfw, storage_mode, md5, source_md5, original_filename, original_exifdata, views, \
    likes, category_id, chain, thumb_size, medium_size, medium_width, medium_height, frame_size, \
    expiration_date_gmt, is_animated, is_approved, is_360, duration, type, user_id, album_id, \
    uploader_ip, delete_hash";

impl Db {
    pub async fn image(&self, id: i64) -> Result<Option<ImageRow>, DbError> {
        Ok(
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM images WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Delete the row and its tag links, together or not at all.
    pub async fn delete_image_row(&self, id: i64) -> Result<(), DbError> {
        let mut w = self.writer().await?;
        let r = async {
            let mut tx = w.begin().await?;
            delete_image_row_in(&mut tx, id).await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        w.finish(r)
    }

    /// The reference's duplicate rule: same md5 (stored or source) from the same IP since `since`.
    pub async fn is_duplicate(&self, md5: &str, ip: &str, since: &str) -> Result<bool, DbError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM images WHERE (md5 = $1 OR source_md5 = $1) AND uploader_ip = $2 AND date_gmt >= $3",
        )
        .bind(md5)
        .bind(ip)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    pub async fn uploads_since(&self, ip: &str, since: &str) -> Result<i64, DbError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM images WHERE uploader_ip = $1 AND date_gmt >= $2",
        )
        .bind(ip)
        .bind(since)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Up to `limit` images with an id above `after`, in id order (walking every image).
    pub async fn images_after(&self, after: i64, limit: i64) -> Result<Vec<ImageRow>, DbError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM images WHERE id > $1 ORDER BY id LIMIT $2"
        ))
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Up to `limit` images whose expiration is before `now` (UTC), oldest expiry first.
    pub async fn expired(&self, now: &str, limit: i64) -> Result<Vec<ImageRow>, DbError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM images WHERE expiration_date_gmt IS NOT NULL \
             AND expiration_date_gmt <= $1 ORDER BY expiration_date_gmt LIMIT $2"
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// Claim up to `limit` expired images for this instance until the caller's transaction ends (PostgreSQL): rows
/// another instance has claimed are skipped rather than waited for.
pub async fn claim_expired(
    conn: &mut sqlx::AnyConnection,
    now: &str,
    limit: i64,
) -> Result<Vec<ImageRow>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM images WHERE expiration_date_gmt IS NOT NULL \
         AND expiration_date_gmt <= $1 ORDER BY expiration_date_gmt LIMIT $2 \
         FOR UPDATE SKIP LOCKED"
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// [`Db::delete_image_row`] inside a transaction.
pub async fn delete_image_row_in(conn: &mut sqlx::AnyConnection, id: i64) -> Result<(), DbError> {
    // Its name is never given out again (see migration 0006).
    sqlx::query(
        "INSERT INTO retired_names (folder, name) SELECT folder, name FROM images WHERE id = $1 \
         ON CONFLICT (folder, name) DO NOTHING",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM image_tags WHERE image_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM images WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
