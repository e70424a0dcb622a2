//! An extension of the API (not in Chevereto's V1.1): list and create albums and put uploaded
//! images into one, keyed like uploads (`X-API-Key`, or `key` in the query or body). Albums
//! belong to the key's user; guests own none. Answers use the API's JSON shape.
//!
//! | route | answer |
//! |---|---|
//! | `GET /api/1/albums` | the caller's albums |
//! | `POST /api/1/albums` (`name`, optional `images`) | the album called `name` (created if new), with `images` added |
//! | `POST /api/1/albums/{id}/images` (`images`) | that album, with `images` added |
//!
//! `images` is a comma-separated list of encoded image ids; ids that are not the caller's are
//! skipped (`added` says how many were moved).

use std::collections::HashMap;

use axum::body::Bytes;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

use super::{ApiError, ResponseFormat};
use crate::auth::Caller;
use crate::client_ip::Peer;
use crate::db::{Album, User};
use crate::state::{AppState, Shared};

const MAX_NAME: usize = 100;
const MAX_IMAGES: usize = 1000;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/1/albums", get(list).post(create))
        .route("/api/1/albums/{album}/images", post(add))
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024))
}

/// Query string and urlencoded body fields; the body wins, like the upload endpoint.
fn fields(query: Option<&str>, body: &[u8]) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    for src in [query.unwrap_or("").as_bytes(), body] {
        for (k, v) in url::form_urlencoded::parse(src) {
            out.insert(k.into_owned(), v.into_owned());
        }
    }
    out
}

async fn user(
    state: &AppState,
    headers: &HeaderMap,
    ip: &str,
    f: &HashMap<String, String>,
) -> Result<User, ApiError> {
    let key = headers
        .get("x-api-key")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .or_else(|| f.get("key").cloned())
        .unwrap_or_default();
    match super::key_check::check(state, "1", &key, ip).await? {
        Caller::User(u) => Ok(u),
        Caller::Guest => Err(ApiError {
            status: StatusCode::FORBIDDEN,
            ..ApiError::bad("Guests have no albums: use a user's API key", 403)
        }),
    }
}

fn album_json(state: &AppState, a: &Album, count: i64) -> serde_json::Value {
    let id_encoded = state.ids.encode(a.id as u64);
    json!({
        "id_encoded": id_encoded,
        "name": a.name,
        "url": format!("{}{}", state.base_url, crate::web::album_path(&a.name, &id_encoded)),
        "image_count": count,
    })
}

fn ok(body: serde_json::Value) -> Response {
    let mut resp = (
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, super::JSON_UTF8)],
        body.to_string(),
    )
        .into_response();
    super::no_cache(resp.headers_mut());
    resp
}

fn answer(r: Result<Response, ApiError>) -> Response {
    r.unwrap_or_else(|e| e.into_response_as(ResponseFormat::Json))
}

async fn list(
    State(state): State<Shared>,
    RawQuery(q): RawQuery,
    peer: Peer,
    headers: HeaderMap,
) -> Response {
    let ip = crate::client_ip::of_peer(&state.cfg, peer, &headers);
    answer(list_albums(&state, q.as_deref(), &headers, &ip).await)
}

async fn list_albums(
    state: &AppState,
    q: Option<&str>,
    headers: &HeaderMap,
    ip: &str,
) -> Result<Response, ApiError> {
    let u = user(state, headers, ip, &fields(q, b"")).await?;
    let albums: Vec<_> = state
        .db
        .albums_with_counts(u.id)
        .await?
        .iter()
        .map(|(a, n)| album_json(state, a, *n))
        .collect();
    Ok(ok(
        json!({"status_code": 200, "albums": albums, "status_txt": "OK"}),
    ))
}

/// The images named by `images` (encoded ids), at most [`MAX_IMAGES`].
fn image_ids(state: &AppState, f: &HashMap<String, String>) -> Result<Vec<i64>, ApiError> {
    let list: Vec<&str> = f
        .get("images")
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if list.len() > MAX_IMAGES {
        return Err(ApiError::bad(
            format!("At most {MAX_IMAGES} images at once"),
            400,
        ));
    }
    Ok(list
        .into_iter()
        .filter_map(|e| state.ids.decode(e).and_then(|i| i64::try_from(i).ok()))
        .collect())
}

async fn fill(
    state: &AppState,
    album: &Album,
    owner: i64,
    ids: &[i64],
) -> Result<Response, ApiError> {
    let added = state.db.add_to_album(album.id, owner, ids).await?;
    let count = state
        .db
        .albums_with_counts(owner)
        .await?
        .iter()
        .find(|(a, _)| a.id == album.id)
        .map_or(0, |(_, n)| *n);
    let mut a = album_json(state, album, count);
    a["added"] = json!(added);
    Ok(ok(
        json!({"status_code": 200, "album": a, "status_txt": "OK"}),
    ))
}

async fn create(
    State(state): State<Shared>,
    RawQuery(q): RawQuery,
    peer: Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ip = crate::client_ip::of_peer(&state.cfg, peer, &headers);
    answer(create_album(&state, fields(q.as_deref(), &body), &headers, &ip).await)
}

async fn create_album(
    state: &AppState,
    f: HashMap<String, String>,
    headers: &HeaderMap,
    ip: &str,
) -> Result<Response, ApiError> {
    let u = user(state, headers, ip, &f).await?;
    let name = f.get("name").map(|n| n.trim()).unwrap_or_default();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(ApiError::bad(
            format!("An album needs a name of 1 to {MAX_NAME} characters"),
            400,
        ));
    }
    let ids = image_ids(state, &f)?;
    let album = state.db.album_named(u.id, name).await?;
    fill(state, &album, u.id, &ids).await
}

async fn add(
    State(state): State<Shared>,
    Path(album): Path<String>,
    RawQuery(q): RawQuery,
    peer: Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ip = crate::client_ip::of_peer(&state.cfg, peer, &headers);
    answer(add_images(&state, &album, fields(q.as_deref(), &body), &headers, &ip).await)
}

async fn add_images(
    state: &AppState,
    album: &str,
    f: HashMap<String, String>,
    headers: &HeaderMap,
    ip: &str,
) -> Result<Response, ApiError> {
    let u = user(state, headers, ip, &f).await?;
    let id = state.ids.decode(album).and_then(|i| i64::try_from(i).ok());
    let found = match id {
        Some(id) => state.db.album(id).await?,
        None => None,
    };
    // Someone else's album reads exactly like a missing one.
    let Some(album) = found.filter(|a| a.user_id == Some(u.id)) else {
        return Err(ApiError {
            status: StatusCode::NOT_FOUND,
            ..ApiError::bad("Album not found", 404)
        });
    };
    let ids = image_ids(state, &f)?;
    fill(state, &album, u.id, &ids).await
}
