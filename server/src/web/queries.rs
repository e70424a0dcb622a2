//! The few queries only the pages need (kept here, beside their one user).

use upstage_library::db::{Db, DbError};

/// Count one view of an image.
pub async fn add_view(db: &Db, id: i64) -> Result<(), DbError> {
    let mut w = db.writer().await?;
    let r = sqlx::query("UPDATE images SET views = views + 1 WHERE id = $1")
        .bind(id)
        .execute(w.conn())
        .await
        .map(drop)
        .map_err(DbError::from);
    w.finish(r)
}
