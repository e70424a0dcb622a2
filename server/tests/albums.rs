//! Albums are unique per name and owner: many uploads asking for "the album called X" at once
//! (the batch uploader's workers, two uploaders side by side) get one album, on SQLite and on
//! PostgreSQL; another owner's album of the same name stays apart.

mod common;

use sqlx::Connection;

async fn fresh_pg_database() -> String {
    let admin_url = upstage_testenv::postgres_url()
        .expect("PostgreSQL is needed: set DATABASE_URL_PG (scripts/pg start prints it)");
    let name = format!("upstage_test_{}", upstage_server::auth::random_hex(6));
    let mut conn = sqlx::postgres::PgConnection::connect(&admin_url)
        .await
        .expect("connect");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create database");
    let mut url = url::Url::parse(&admin_url).expect("url");
    url.set_path(&name);
    url.to_string()
}

async fn one_album_under_concurrency(s: &common::TestServer) {
    let (alice, _) = s.user_key("alice").await;
    let (bob, _) = s.user_key("bob").await;
    let state = s.state.clone();
    let mut tasks = Vec::new();
    for n in 0..24 {
        let state = state.clone();
        let owner = if n % 6 == 5 { bob } else { alice };
        tasks.push(tokio::spawn(async move {
            let id = upstage_server::ingest::album_encoded_id(&state, owner, "Trip X")
                .await
                .expect("album");
            (owner, id)
        }));
    }
    let mut ids = std::collections::HashMap::new();
    for t in tasks {
        let (owner, id) = t.await.expect("task");
        ids.entry(owner)
            .or_insert_with(std::collections::HashSet::new)
            .insert(id);
    }
    assert_eq!(ids[&alice].len(), 1, "{ids:?}");
    assert_eq!(ids[&bob].len(), 1, "{ids:?}");
    assert_ne!(ids[&alice], ids[&bob], "owners keep their own album");
    for owner in [alice, bob] {
        let named: Vec<_> = s
            .state
            .db
            .albums_of(owner)
            .await
            .expect("albums")
            .into_iter()
            .filter(|a| a.name == "Trip X")
            .collect();
        assert_eq!(named.len(), 1, "{named:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_album_creation_on_sqlite() {
    let s = common::start().await;
    one_album_under_concurrency(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_album_creation_on_postgres() {
    let url = fresh_pg_database().await;
    let s = common::start_with(|c| c.database_url = Some(url.clone())).await;
    assert_eq!(s.state.db.kind, upstage_server::db::DbKind::Postgres);
    one_album_under_concurrency(&s).await;
}
