//! The optional upload parameters turned into pipeline options, with the reference's rules on
//! who may use what (tags for users, `use_file_date` for admins, albums by ownership).

use upstage_sdk::UploadOptions;

use crate::auth::Caller;
use crate::{expiration, tags, Library, LibraryError};

/// The optional parameters as a client sends them: raw text, present even when empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Requested {
    pub title: Option<String>,
    /// The older name of `title`, used when `title` is not supplied.
    pub name: Option<String>,
    pub description: Option<String>,
    pub tags: Option<String>,
    pub album_id: Option<String>,
    pub category_id: Option<String>,
    pub width: Option<String>,
    pub nsfw: Option<String>,
    pub use_file_date: Option<String>,
    pub expiration: Option<String>,
}

impl Requested {
    /// Read each parameter by name from `raw` (the value as sent, `None` when absent).
    pub fn from_lookup<'a>(raw: impl Fn(&str) -> Option<&'a str>) -> Self {
        let get = |k: &str| raw(k).map(str::to_owned);
        Requested {
            title: get("title"),
            name: get("name"),
            description: get("description"),
            tags: get("tags"),
            album_id: get("album_id"),
            category_id: get("category_id"),
            width: get("width"),
            nsfw: get("nsfw"),
            use_file_date: get("use_file_date"),
            expiration: get("expiration"),
        }
    }
}

/// The reference reads optional parameters after `array_filter`: `""` and `"0"` count as not
/// supplied.
fn filled(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|v| !v.is_empty() && *v != "0")
}

/// Pipeline options plus what only the row needs.
#[derive(Clone, Debug, Default)]
pub struct Options {
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

/// Apply the rules for `caller` to what was asked; what the caller may not use is dropped
/// silently, as the reference does.
pub async fn resolve(
    req: &Requested,
    caller: &Caller,
    lib: &Library,
    now: chrono::NaiveDateTime,
) -> Result<Options, LibraryError> {
    let title = filled(&req.title)
        .or_else(|| filled(&req.name))
        .map(clean_title)
        .filter(|t| !t.is_empty());
    let description = filled(&req.description).map(str::to_owned);
    let tags = match caller {
        Caller::User(_) => filled(&req.tags).map(tags::parse).unwrap_or_default(),
        Caller::Guest => Vec::new(),
    };
    // Albums must belong to the key's user; anything else is dropped silently (guests included,
    // where the reference would store it unchecked).
    let mut album_id = None;
    if let (Some(enc), Caller::User(u)) = (filled(&req.album_id), caller) {
        if let Some(id) = lib.ids.decode(enc).and_then(|i| i64::try_from(i).ok()) {
            if lib
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
    if let Some(id) = filled(&req.category_id)
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|i| *i > 0)
    {
        if lib.db.category(id).await?.is_some() {
            category_id = Some(id);
        }
    }
    let width = filled(&req.width)
        .and_then(|w| w.trim().parse::<u32>().ok())
        .filter(|w| *w > 0);
    let use_file_date = caller.is_admin()
        && lib.storage_mode == upstage_storage::StorageMode::Datefolder
        && filled(&req.use_file_date).is_some();
    Ok(Options {
        upload: UploadOptions {
            title,
            description,
            tags,
            width,
            expiration: None,
            nsfw: req.nsfw.as_deref() == Some("1"),
            use_file_date,
            album: album_id.map(|a| a.to_string()),
            category: category_id.map(|c| c.to_string()),
        },
        album_id,
        category_id,
        expiration_gmt: expiration::expiration_date(filled(&req.expiration), now),
    })
}

#[cfg(test)]
mod tests {
    use super::filled;

    #[test]
    fn falsy_values_count_as_missing() {
        for (v, want) in [
            (None, None),
            (Some(""), None),
            (Some("0"), None),
            (Some("00"), Some("00")),
            (Some("x y"), Some("x y")),
        ] {
            assert_eq!(filled(&v.map(str::to_owned)), want, "{v:?}");
        }
    }
}
