use super::{now_gmt, Db, DbError};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Album {
    pub id: i64,
    pub user_id: Option<i64>,
    pub name: String,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub url_key: String,
}

impl Db {
    pub async fn album(&self, id: i64) -> Result<Option<Album>, DbError> {
        Ok(
            sqlx::query_as("SELECT id, user_id, name FROM albums WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn albums_of(&self, user_id: i64) -> Result<Vec<Album>, DbError> {
        Ok(
            sqlx::query_as("SELECT id, user_id, name FROM albums WHERE user_id = $1 ORDER BY id")
                .bind(user_id)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn create_album(&self, user_id: i64, name: &str) -> Result<Album, DbError> {
        let mut w = self.writer().await?;
        let r = async {
            let mut tx = w.begin().await?;
            let album = sqlx::query_as(
                "INSERT INTO albums (user_id, name, date_gmt) VALUES ($1, $2, $3) \
                 RETURNING id, user_id, name",
            )
            .bind(user_id)
            .bind(name)
            .bind(now_gmt())
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(album)
        }
        .await;
        w.finish(r)
    }

    /// The owner's album called `name`, created if missing. Safe to call concurrently: the
    /// unique (user_id, name) index makes a racing insert a no-op, and the row is read after.
    pub async fn album_named(&self, user_id: i64, name: &str) -> Result<Album, DbError> {
        sqlx::query(
            "INSERT INTO albums (user_id, name, date_gmt) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, name) DO NOTHING",
        )
        .bind(user_id)
        .bind(name)
        .bind(now_gmt())
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_as("SELECT id, user_id, name FROM albums WHERE user_id = $1 AND name = $2")
                .bind(user_id)
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    pub async fn category(&self, id: i64) -> Result<Option<Category>, DbError> {
        Ok(
            sqlx::query_as("SELECT id, name, url_key FROM categories WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn create_category(&self, name: &str, url_key: &str) -> Result<Category, DbError> {
        let mut w = self.writer().await?;
        let r = async {
            let mut tx = w.begin().await?;
            let category = sqlx::query_as(
                "INSERT INTO categories (name, url_key) VALUES ($1, $2) RETURNING id, name, url_key",
            )
            .bind(name)
            .bind(url_key)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(category)
        }
        .await;
        w.finish(r)
    }

    pub async fn image_tags(&self, image_id: i64) -> Result<Vec<String>, DbError> {
        Ok(sqlx::query_scalar(
            "SELECT t.name FROM tags t JOIN image_tags it ON it.tag_id = t.id WHERE it.image_id = $1 ORDER BY t.name",
        )
        .bind(image_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
