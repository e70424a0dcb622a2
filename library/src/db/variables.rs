use super::{Db, DbError};

impl Db {
    pub async fn variable(&self, name: &str) -> Result<Option<String>, DbError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM variables WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Set `name` unless it is already set; returns the value in effect. Used for per-site
    /// secrets (id salt) that must be created once and never change.
    pub async fn variable_or_init(&self, name: &str, value: &str) -> Result<String, DbError> {
        let mut w = self.writer().await?;
        let r = sqlx::query(
            "INSERT INTO variables (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(value)
        .execute(&mut *w.conn())
        .await
        .map_err(DbError::from);
        w.finish(r)?;
        Ok(self
            .variable(name)
            .await?
            .unwrap_or_else(|| value.to_owned()))
    }
}
