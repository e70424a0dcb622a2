//! The upload parameters (docs/compatibility.md) against the real server: title/name,
//! description, tags, album_id, category_id, width, expiration, nsfw, use_file_date, and where
//! parameters are read from (query string, body; body wins; the trailing slash). Each test is a
//! table of rows (common/table.rs); what the database kept is checked from the returned answers.

#[path = "../common/mod.rs"]
mod common;

mod dates;
mod exif;
mod options;
mod text;
mod where_read;

use chrono::NaiveDateTime;
use serde_json::Value;

use common::table::{source, Part, Req};

/// A JPEG `source` part whose pixels (and width, `300 + seed`) depend on `seed`.
pub fn photo(seed: u32) -> Part {
    source("photo.jpg", "image/jpeg", common::jpeg(300 + seed, 200))
}

/// An upload with the key in the header.
pub fn up(key: &str, parts: Vec<Part>) -> Req {
    Req::upload().header(key).multipart(parts)
}

/// The database row of an upload's answer.
pub async fn row_of(s: &common::TestServer, answer: &Value) -> upstage_server::db::ImageRow {
    let id = s
        .state
        .ids
        .decode(answer["image"]["id_encoded"].as_str().unwrap())
        .unwrap();
    s.state.db.image(id as i64).await.unwrap().unwrap()
}

pub fn parse(d: &Value) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(d.as_str().unwrap(), "%Y-%m-%d %H:%M:%S").unwrap()
}
