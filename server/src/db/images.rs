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

const COLUMNS: &str = "id, name, extension, folder, size, width, height, date, date_gmt, title, \
    description, nsfw, storage_mode, md5, source_md5, original_filename, original_exifdata, views, \
    likes, category_id, chain, thumb_size, medium_size, medium_width, medium_height, frame_size, \
    expiration_date_gmt, is_animated, is_approved, is_360, duration, type, user_id, album_id, \
    uploader_ip, delete_hash";

impl Db {
    /// Insert and return the new id. `img.id` is ignored.
    pub async fn insert_image(&self, img: &NewImage) -> Result<i64, DbError> {
        let sql =
            "INSERT INTO images (name, extension, folder, size, width, height, date, date_gmt, \
            title, description, nsfw, storage_mode, md5, source_md5, original_filename, \
            original_exifdata, category_id, chain, thumb_size, medium_size, medium_width, \
            medium_height, frame_size, expiration_date_gmt, is_animated, is_approved, is_360, \
            duration, type, user_id, album_id, uploader_ip, delete_hash) VALUES ($1, $2, $3, $4, \
            $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, \
            $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33) RETURNING id";
        Ok(sqlx::query_scalar(sql)
            .bind(&img.name)
            .bind(&img.extension)
            .bind(&img.folder)
            .bind(img.size)
            .bind(img.width)
            .bind(img.height)
            .bind(&img.date)
            .bind(&img.date_gmt)
            .bind(&img.title)
            .bind(&img.description)
            .bind(img.nsfw)
            .bind(&img.storage_mode)
            .bind(&img.md5)
            .bind(&img.source_md5)
            .bind(&img.original_filename)
            .bind(&img.original_exifdata)
            .bind(img.category_id)
            .bind(img.chain)
            .bind(img.thumb_size)
            .bind(img.medium_size)
            .bind(img.medium_width)
            .bind(img.medium_height)
            .bind(img.frame_size)
            .bind(&img.expiration_date_gmt)
            .bind(img.is_animated)
            .bind(img.is_approved)
            .bind(img.is_360)
            .bind(img.duration)
            .bind(&img.kind)
            .bind(img.user_id)
            .bind(img.album_id)
            .bind(&img.uploader_ip)
            .bind(&img.delete_hash)
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn image(&self, id: i64) -> Result<Option<ImageRow>, DbError> {
        Ok(
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM images WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn delete_image_row(&self, id: i64) -> Result<(), DbError> {
        sqlx::query("DELETE FROM image_tags WHERE image_id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM images WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
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

/// Claim up to `limit` expired images for this instance until `tx` ends (PostgreSQL): rows
/// another instance has claimed are skipped rather than waited for.
pub async fn claim_expired(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
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
    .fetch_all(&mut **tx)
    .await?)
}

/// [`Db::delete_image_row`] inside a transaction.
pub async fn delete_image_row_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM image_tags WHERE image_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM images WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
