//! The optional upload parameters turned into pipeline options, with the reference's rules on
//! who may use what (tags for users, `use_file_date` for admins, albums by ownership).

use upstage_sdk::UploadOptions;

use super::{expiration, params::Params, tags};
use crate::auth::Caller;
use crate::state::AppState;

/// Options plus what only the API layer needs.
pub struct ApiOptions {
    pub upload: UploadOptions,
    pub album_id: Option<i64>,
    pub category_id: Option<i64>,
    pub expiration_gmt: Option<chrono::NaiveDateTime>,
}

/// Title of at most 100 characters, control characters removed.
pub fn clean_title(t: &str) -> String {
    t.chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect::<String>()
        .trim()
        .to_owned()
}

pub async fn read(
    p: &Params,
    caller: &Caller,
    state: &AppState,
    now: chrono::NaiveDateTime,
) -> Result<ApiOptions, super::ApiError> {
    let title = p
        .filled("title")
        .or_else(|| p.filled("name"))
        .map(clean_title)
        .filter(|t| !t.is_empty());
    let description = p.filled("description").map(str::to_owned);
    let tags = match caller {
        Caller::User(_) => p.filled("tags").map(tags::parse).unwrap_or_default(),
        Caller::Guest => Vec::new(),
    };
    // Albums must belong to the key's user; anything else is dropped silently (guests included,
    // where the reference would store it unchecked).
    let mut album_id = None;
    if let (Some(enc), Caller::User(u)) = (p.filled("album_id"), caller) {
        if let Some(id) = state.ids.decode(enc).and_then(|i| i64::try_from(i).ok()) {
            if state
                .db
                .album(id)
                .await?
                .is_some_and(|a| a.user_id == Some(u.id))
            {
                album_id = Some(id);
            }
        }
    }
    let mut category_id = None;
    if let Some(id) = p
        .filled("category_id")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|i| *i > 0)
    {
        if state.db.category(id).await?.is_some() {
            category_id = Some(id);
        }
    }
    let width = p
        .filled("width")
        .and_then(|w| w.trim().parse::<u32>().ok())
        .filter(|w| *w > 0);
    let use_file_date = caller.is_admin()
        && state.storage_mode == upstage_storage::StorageMode::Datefolder
        && p.filled("use_file_date").is_some();
    Ok(ApiOptions {
        upload: UploadOptions {
            title,
            description,
            tags,
            width,
            expiration: None,
            nsfw: p.raw("nsfw") == Some("1"),
            use_file_date,
            album: album_id.map(|a| a.to_string()),
            category: category_id.map(|c| c.to_string()),
        },
        album_id,
        category_id,
        expiration_gmt: expiration::expiration_date(p.filled("expiration"), now),
    })
}
