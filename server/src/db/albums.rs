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
        Ok(sqlx::query_as(
            "INSERT INTO albums (user_id, name, date_gmt) VALUES ($1, $2, $3) RETURNING id, user_id, name",
        )
        .bind(user_id)
        .bind(name)
        .bind(now_gmt())
        .fetch_one(&self.pool)
        .await?)
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
        Ok(sqlx::query_as(
            "INSERT INTO categories (name, url_key) VALUES ($1, $2) RETURNING id, name, url_key",
        )
        .bind(name)
        .bind(url_key)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Attach tags (created on first use) to an image.
    pub async fn tag_image(&self, image_id: i64, tags: &[String]) -> Result<(), DbError> {
        for tag in tags {
            sqlx::query("INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
                .bind(tag)
                .execute(&self.pool)
                .await?;
            sqlx::query(
                "INSERT INTO image_tags (image_id, tag_id) SELECT $1, id FROM tags WHERE name = $2 \
                 ON CONFLICT DO NOTHING",
            )
            .bind(image_id)
            .bind(tag)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
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
