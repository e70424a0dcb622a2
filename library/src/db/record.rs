//! Recording an upload. Every write runs in an explicit transaction whose commit is awaited and
//! checked: an autocommit `INSERT … RETURNING` read with `fetch_one` hands back the new id before
//! SQLite commits, so a failed commit (WAL that cannot grow) would answer with an id that was
//! never stored and is handed out again.

use sqlx::AnyConnection;

use super::{Db, DbError, NewImage};

/// The upload's claims were taken by the reconciler (it outlived the grace period): its files
/// are being removed, so it must not be recorded.
#[derive(Debug, thiserror::Error)]
#[error("upload {upload}: {held} of {claimed} file claims left; the reconciler took the rest")]
pub struct ClaimsLost {
    pub upload: String,
    pub claimed: usize,
    pub held: u64,
}

impl Db {
    /// Insert and return the new id, once committed. `img.id` is ignored.
    pub async fn insert_image(&self, img: &NewImage) -> Result<i64, DbError> {
        let mut w = self.writer().await?;
        let r: Result<i64, DbError> = async {
            let mut tx = w.begin().await?;
            let id = insert_image_in(&mut tx, img).await?;
            tx.commit().await?;
            Ok(id)
        }
        .await;
        w.finish(r)
    }

    /// Insert the row of an upload, tag it and drop its `claimed` file claims, in one
    /// transaction: the id exists only once all of it is committed.
    pub async fn record_image(
        &self,
        img: &NewImage,
        tags: &[String],
        upload: &str,
        claimed: usize,
    ) -> Result<i64, DbError> {
        let mut w = self.writer().await?;
        let r: Result<i64, DbError> = async {
            let mut tx = w.begin().await?;
            let id = insert_image_in(&mut tx, img).await?;
            tag_image_in(&mut tx, id, tags).await?;
            let held = sqlx::query("DELETE FROM pending_uploads WHERE upload = $1")
                .bind(upload)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if held != claimed as u64 {
                return Err(DbError::ClaimsLost(ClaimsLost {
                    upload: upload.to_owned(),
                    claimed,
                    held,
                }));
            }
            tx.commit().await?;
            Ok(id)
        }
        .await;
        w.finish(r)
    }

    /// Attach tags (created on first use) to an image.
    pub async fn tag_image(&self, image_id: i64, tags: &[String]) -> Result<(), DbError> {
        let mut w = self.writer().await?;
        let r: Result<(), DbError> = async {
            let mut tx = w.begin().await?;
            tag_image_in(&mut tx, image_id, tags).await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        w.finish(r)
    }
}

async fn insert_image_in(conn: &mut AnyConnection, img: &NewImage) -> Result<i64, DbError> {
    let sql = "INSERT INTO images (name, extension, folder, size, width, height, date, date_gmt, \
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
        .fetch_one(conn)
        .await?)
}

async fn tag_image_in(
    conn: &mut AnyConnection,
    image_id: i64,
    tags: &[String],
) -> Result<(), DbError> {
    for tag in tags {
        sqlx::query("INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
            .bind(tag)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO image_tags (image_id, tag_id) SELECT $1, id FROM tags WHERE name = $2 \
             ON CONFLICT DO NOTHING",
        )
        .bind(image_id)
        .bind(tag)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
