//! The same flows on PostgreSQL: every query the adapter runs must work unchanged on both
//! databases. Needs `DATABASE_URL_PG` (scripts/test starts a private cluster with scripts/pg);
//! without it the test fails with instructions (the `upstage-testenv` policy).

mod common;

use serde_json::Value;
use sqlx::Connection;

async fn fresh_database() -> Option<String> {
    let admin_url = upstage_testenv::postgres_url()?;
    let name = format!("upstage_test_{}", upstage_server::auth::random_hex(6));
    let mut conn = sqlx::postgres::PgConnection::connect(&admin_url)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_path(&name);
    Some(url.to_string())
}

#[tokio::test]
async fn upload_view_tags_albums_duplicates_delete_and_expiry_on_postgres() {
    let Some(db_url) = fresh_database().await else {
        return;
    };
    let s = common::start_with(|c| c.database_url = Some(db_url.clone())).await;
    assert_eq!(s.state.db.kind, upstage_server::db::DbKind::Postgres);
    let (uid, key) = s.user_key("bob").await;
    let album = s.state.db.create_album(uid, "Holiday").await.unwrap();
    let album_enc = s.state.ids.encode(album.id as u64);
    let jpeg = common::jpeg(1200, 800);
    let upload = |bytes: Vec<u8>, extra: Vec<(&'static str, String)>| {
        let (url, key) = (s.endpoint(), key.clone());
        async move {
            let mut form = reqwest::multipart::Form::new().part(
                "source",
                common::file_part(bytes, "beach day.jpg", "image/jpeg"),
            );
            for (k, v) in extra {
                form = form.text(k, v);
            }
            let r = common::client()
                .post(url)
                .header("X-API-Key", key)
                .multipart(form)
                .send()
                .await
                .unwrap();
            r.json::<Value>().await.unwrap()
        }
    };
    let body = upload(
        jpeg.clone(),
        vec![
            ("tags", "sea, sun".into()),
            ("album_id", album_enc),
            ("expiration", "P1D".into()),
        ],
    )
    .await;
    assert_eq!(body["status_code"], 200, "{body}");
    let img = &body["image"];
    assert_eq!(img["tags_string"], "sea, sun");
    assert_eq!(img["chain"], 7);
    let id = s
        .state
        .ids
        .decode(img["id_encoded"].as_str().unwrap())
        .unwrap() as i64;
    let row = s.state.db.image(id).await.unwrap().unwrap();
    assert_eq!(row.album_id, Some(album.id));
    assert!(row.expiration_date_gmt.is_some());

    let dup = upload(jpeg, vec![]).await;
    assert_eq!(
        dup["error"]["code"], 101,
        "duplicate detection query runs on PostgreSQL: {dup}"
    );

    let viewer = common::client()
        .get(img["url_viewer"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(viewer.status(), 200);
    assert_eq!(s.state.db.image(id).await.unwrap().unwrap().views, 1);

    sqlx::query("UPDATE images SET expiration_date_gmt = $1 WHERE id = $2")
        .bind("2000-01-01 00:00:00")
        .bind(id)
        .execute(&s.state.db.pool)
        .await
        .unwrap();
    upstage_server::sweeper::sweep_once(&s.state).await.unwrap();
    assert!(s.state.db.image(id).await.unwrap().is_none(), "swept");

    let second = upload(common::jpeg(900, 600), vec![]).await;
    let del = common::client()
        .post(second["image"]["delete_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert!(del.status().is_success());
    let gone = common::client()
        .get(second["image"]["url_short"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
    assert_eq!(s.state.db.keys().await.unwrap().len(), 2);
}

/// A local import finds its earlier row of a file (by name and md5 as read) on PostgreSQL too.
#[tokio::test]
async fn an_earlier_local_import_is_found_on_postgres() {
    use upstage_server::ingest::{import_caller, import_file, imported_before};
    let Some(db_url) = fresh_database().await else {
        return;
    };
    let s = common::start_with(|c| c.database_url = Some(db_url.clone())).await;
    let (caller, _) = import_caller(&s.state).await.unwrap();
    let jpeg = common::jpeg(640, 480);
    let md5 = hex::encode(<md5::Md5 as md5::Digest>::digest(&jpeg));
    let path = s.dir.path().join("beach.jpg");
    std::fs::write(&path, &jpeg).unwrap();
    let before = imported_before(&s.state, &caller, &path, &md5).await;
    assert_eq!(before.unwrap(), None);
    let done = import_file(&s.state, &caller, &path, None, false)
        .await
        .unwrap();
    let found = imported_before(&s.state, &caller, &path, &md5).await;
    assert_eq!(found.unwrap(), Some(done.url));
    // The same bytes under another name are another file.
    let other = s.dir.path().join("other.jpg");
    std::fs::write(&other, &jpeg).unwrap();
    let found = imported_before(&s.state, &caller, &other, &md5).await;
    assert_eq!(found.unwrap(), None);
}
