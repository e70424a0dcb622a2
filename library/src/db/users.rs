use sqlx::AnyConnection;

use super::{now_gmt, Db, DbError};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub is_admin: i64,
}

impl User {
    pub fn admin(&self) -> bool {
        self.is_admin != 0
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub hash: String,
    pub date_gmt: String,
    pub revoked: i64,
}

impl Db {
    pub async fn user_count(&self) -> Result<i64, DbError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>, DbError> {
        Ok(
            sqlx::query_as("SELECT id, username, is_admin FROM users WHERE username = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn user(&self, id: i64) -> Result<Option<User>, DbError> {
        Ok(
            sqlx::query_as("SELECT id, username, is_admin FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn first_admin(&self) -> Result<Option<User>, DbError> {
        Ok(sqlx::query_as(
            "SELECT id, username, is_admin FROM users WHERE is_admin = 1 ORDER BY id LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The new user, once committed.
    pub async fn create_user(&self, name: &str, admin: bool) -> Result<User, DbError> {
        let mut w = self.writer().await?;
        let r = async {
            let mut tx = w.begin().await?;
            let user = create_user_in(&mut tx, name, admin).await?;
            tx.commit().await?;
            Ok(user)
        }
        .await;
        w.finish(r)
    }

    pub async fn key(&self, id: i64) -> Result<Option<ApiKeyRow>, DbError> {
        Ok(sqlx::query_as(
            "SELECT id, user_id, name, hash, date_gmt, revoked FROM api_keys WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn keys(&self) -> Result<Vec<(ApiKeyRow, User)>, DbError> {
        let rows: Vec<ApiKeyRow> = sqlx::query_as(
            "SELECT id, user_id, name, hash, date_gmt, revoked FROM api_keys ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for k in rows {
            if let Some(u) = self.user(k.user_id).await? {
                out.push((k, u));
            }
        }
        Ok(out)
    }

    pub async fn revoke_key(&self, id: i64) -> Result<bool, DbError> {
        let mut w = self.writer().await?;
        let r = sqlx::query("UPDATE api_keys SET revoked = 1 WHERE id = $1 AND revoked = 0")
            .bind(id)
            .execute(&mut *w.conn())
            .await
            .map(|r| r.rows_affected() > 0)
            .map_err(DbError::from);
        w.finish(r)
    }
}

/// Insert a user inside the caller's transaction.
pub async fn create_user_in(
    conn: &mut AnyConnection,
    name: &str,
    admin: bool,
) -> Result<User, DbError> {
    Ok(sqlx::query_as(
        "INSERT INTO users (username, is_admin, date_gmt) VALUES ($1, $2, $3) \
         RETURNING id, username, is_admin",
    )
    .bind(name)
    .bind(i64::from(admin))
    .bind(now_gmt())
    .fetch_one(conn)
    .await?)
}

/// Insert a key row with a placeholder hash inside the caller's transaction; the caller derives
/// the key from the id (the key embeds its encoded id) and stores its hash with
/// [`set_key_hash_in`] before committing, so no half-made key is ever visible.
pub async fn insert_key_in(
    conn: &mut AnyConnection,
    user_id: i64,
    name: &str,
) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO api_keys (user_id, name, hash, date_gmt) VALUES ($1, $2, '', $3) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(now_gmt())
    .fetch_one(conn)
    .await?)
}

pub async fn set_key_hash_in(conn: &mut AnyConnection, id: i64, hash: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE api_keys SET hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
