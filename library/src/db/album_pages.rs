//! The queries of the album API and of the album and tag pages (kept in one place).

use super::images::COLUMNS;
use super::{Album, Db, DbError, ImageRow};

/// Images a page shows: approved and not expired (the sweeper's comparison, so an image leaves
/// the grid exactly when its viewer starts answering 404).
const LIVE: &str =
    "i.is_approved = 1 AND (i.expiration_date_gmt IS NULL OR i.expiration_date_gmt > $2)";

impl Db {
    /// The owner's albums with how many images each holds, oldest first.
    pub async fn albums_with_counts(&self, user_id: i64) -> Result<Vec<(Album, i64)>, DbError> {
        let rows: Vec<(i64, Option<i64>, String, i64)> = sqlx::query_as(
            "SELECT a.id, a.user_id, a.name, \
             (SELECT COUNT(*) FROM images i WHERE i.album_id = a.id) \
             FROM albums a WHERE a.user_id = $1 ORDER BY a.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, user_id, name, n)| (Album { id, user_id, name }, n))
            .collect())
    }

    /// Put the given images into the album, only those the album's owner owns. Returns how
    /// many were moved. One transaction: all of them or none.
    pub async fn add_to_album(
        &self,
        album_id: i64,
        owner: i64,
        image_ids: &[i64],
    ) -> Result<u64, DbError> {
        let mut w = self.writer().await?;
        let r = async {
            let mut tx = w.begin().await?;
            let mut moved = 0;
            for id in image_ids {
                moved +=
                    sqlx::query("UPDATE images SET album_id = $1 WHERE id = $2 AND user_id = $3")
                        .bind(album_id)
                        .bind(id)
                        .bind(owner)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
            }
            tx.commit().await?;
            Ok(moved)
        }
        .await;
        w.finish(r)
    }

    /// Up to `limit` live images of an album, newest first.
    pub async fn album_images(
        &self,
        album_id: i64,
        now: &str,
        limit: i64,
    ) -> Result<Vec<ImageRow>, DbError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {} FROM images i WHERE i.album_id = $1 AND {LIVE} ORDER BY i.id DESC LIMIT $3",
            prefixed()
        ))
        .bind(album_id)
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Up to `limit` live images carrying the tag `name`, newest first.
    pub async fn tag_images(
        &self,
        name: &str,
        now: &str,
        limit: i64,
    ) -> Result<Vec<ImageRow>, DbError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {} FROM images i JOIN image_tags it ON it.image_id = i.id \
             JOIN tags t ON t.id = it.tag_id WHERE t.name = $1 AND {LIVE} \
             ORDER BY i.id DESC LIMIT $3",
            prefixed()
        ))
        .bind(name)
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// The image columns qualified with `i.` (joins have other `id` and `name` columns).
fn prefixed() -> String {
    COLUMNS
        .split(',')
        .map(|c| format!("i.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}
