//! The `image` object of an upload response: every field of the documented example, in its key
//! order and JSON types (docs/compatibility.md; fixture server/tests/fixtures/upload-response.json).
//! The local uploader returns the same object.

use serde::Serialize;
use serde_json::{json, Value};

use super::labels::{duration_time, how_long_ago, ratio, truncate_title};
use super::urls::{mime_of, ImageUrls};
use crate::db::ImageRow;
use crate::text::{format_bytes, html_escape};
use crate::Library;

#[derive(Serialize)]
pub struct FileJson {
    pub filename: Option<String>,
    pub name: Option<String>,
    pub mime: Option<String>,
    pub extension: Option<String>,
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
}

impl FileJson {
    /// The "null object" the reference returns for a missing medium (no `size` key).
    fn absent() -> Self {
        FileJson {
            filename: None,
            name: None,
            mime: None,
            extension: None,
            url: None,
            size: None,
        }
    }
}

#[derive(Serialize)]
pub struct TagJson {
    pub name: String,
    pub name_safe_html: String,
    pub url_key: String,
    pub url: String,
}

/// Key order and types as in the documented example.
#[derive(Serialize)]
pub struct ImageJson {
    pub name: String,
    pub extension: String,
    pub size: i64,
    pub width: i64,
    pub height: i64,
    pub date: String,
    pub date_gmt: String,
    pub title: Option<String>,
    pub tags: Vec<TagJson>,
    pub description: Option<String>,
    pub nsfw: i64,
    pub storage_mode: String,
    pub md5: String,
    pub source_md5: Option<String>,
    pub original_filename: String,
    pub original_exifdata: Option<String>,
    pub views: i64,
    pub category_id: Option<i64>,
    pub chain: i64,
    pub thumb_size: i64,
    pub medium_size: i64,
    pub frame_size: i64,
    pub expiration_date_gmt: Option<String>,
    pub likes: i64,
    pub is_animated: i64,
    pub is_approved: i64,
    pub is_360: i64,
    pub duration: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub tags_string: String,
    pub file: Value,
    pub id_encoded: String,
    pub filename: String,
    pub mime: String,
    pub url: String,
    pub ratio: Value,
    pub size_formatted: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<FileJson>,
    pub image: FileJson,
    pub thumb: FileJson,
    pub url_frame: String,
    pub medium: FileJson,
    pub duration_time: String,
    pub url_viewer: String,
    pub path_viewer: String,
    pub url_short: String,
    pub display_url: String,
    pub display_width: Value,
    pub display_height: Value,
    pub views_label: String,
    pub likes_label: String,
    pub how_long_ago: String,
    pub date_fixed_peer: String,
    pub title_truncated: String,
    pub title_truncated_html: String,
    pub is_use_loader: bool,
    pub display_title: String,
    pub delete_url: String,
    /// ImgBB shape only: the id, as the last key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// PHP's `rawurlencode`: everything but `A-Z a-z 0-9 - _ . ~` is percent-encoded.
const RAWURLENCODE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

pub fn build(
    row: &ImageRow,
    tags: &[String],
    state: &Library,
    delete_token: Option<&str>,
) -> ImageJson {
    let u = ImageUrls::new(row, state);
    let filename = format!("{}.{}", row.name, row.extension);
    let mime = mime_of(&row.extension).to_owned();
    let file_json = |suffix: &str, ext: &str, size: i64| FileJson {
        filename: Some(format!("{}{suffix}.{ext}", row.name)),
        name: Some(format!("{}{suffix}", row.name)),
        mime: Some(mime_of(ext).to_owned()),
        extension: Some(ext.to_owned()),
        url: Some(u.file_url(suffix, ext)),
        size: Some(size),
    };
    let derived_ext = u.derived_ext.clone();
    let has_frame = row.chain & 16 != 0;
    let has_medium = row.chain & 2 != 0;
    let (mut display_url, mut display_width, mut display_height) = (
        if has_frame {
            u.file_url(".fr", "jpeg")
        } else {
            u.main_url.clone()
        },
        json!(row.width),
        json!(row.height),
    );
    if has_medium {
        display_url = u.file_url(".md", &derived_ext);
        let size = state.medium_size;
        display_width = json!(size.to_string());
        display_height = json!(
            ((f64::from(size) * row.height as f64) / (row.width.max(1) as f64)).round() as i64
        );
    } else if row.kind == "image" && row.thumb_size > 0 && row.size > 200_000 {
        display_url = u.file_url(".th", &derived_ext);
        display_width = json!(state.thumb_size.0.to_string());
        display_height = json!(state.thumb_size.1.to_string());
    }
    let title = row.title.clone();
    let display_title = title.clone().unwrap_or_else(|| filename.clone());
    let truncated = truncate_title(title.as_deref().unwrap_or(""));
    ImageJson {
        name: row.name.clone(),
        extension: row.extension.clone(),
        size: row.size,
        width: row.width,
        height: row.height,
        date: row.date.clone(),
        date_gmt: row.date_gmt.clone(),
        title,
        tags: tags
            .iter()
            .map(|t| {
                let key = percent_encoding::utf8_percent_encode(t, RAWURLENCODE).to_string();
                TagJson {
                    name: t.clone(),
                    name_safe_html: html_escape(t),
                    url: format!("/tag/{key}"),
                    url_key: key,
                }
            })
            .collect(),
        description: row.description.clone(),
        nsfw: row.nsfw,
        storage_mode: row.storage_mode.clone(),
        md5: row.md5.clone(),
        source_md5: row.source_md5.clone(),
        original_filename: row.original_filename.clone(),
        original_exifdata: row.original_exifdata.clone(),
        views: row.views,
        category_id: row.category_id,
        chain: row.chain,
        thumb_size: row.thumb_size,
        medium_size: row.medium_size,
        frame_size: row.frame_size,
        expiration_date_gmt: row.expiration_date_gmt.clone(),
        likes: row.likes,
        is_animated: row.is_animated,
        is_approved: row.is_approved,
        is_360: row.is_360,
        duration: row.duration,
        kind: row.kind.clone(),
        tags_string: tags.join(", "),
        file: json!({"resource": {"type": "path"}}),
        id_encoded: u.id_encoded.clone(),
        filename: filename.clone(),
        mime: mime.clone(),
        url: u.main_url.clone(),
        ratio: ratio(row.width, row.height),
        size_formatted: format_bytes(row.size.max(0) as u64),
        frame: has_frame.then(|| file_json(".fr", "jpeg", row.frame_size)),
        image: FileJson {
            filename: Some(filename.clone()),
            name: Some(row.name.clone()),
            mime: Some(mime),
            extension: Some(row.extension.clone()),
            url: Some(u.main_url.clone()),
            size: Some(row.size),
        },
        thumb: file_json(".th", &derived_ext, row.thumb_size),
        url_frame: if has_frame {
            u.file_url(".fr", "jpeg")
        } else {
            String::new()
        },
        medium: if has_medium {
            file_json(".md", &derived_ext, row.medium_size)
        } else {
            FileJson::absent()
        },
        duration_time: duration_time(row.duration),
        url_viewer: u.url_viewer.clone(),
        path_viewer: u.path_viewer.clone(),
        url_short: u.url_short.clone(),
        display_url,
        display_width,
        display_height,
        views_label: "views".into(),
        likes_label: "likes".into(),
        how_long_ago: how_long_ago(&row.date_gmt),
        date_fixed_peer: row.date_gmt.clone(),
        title_truncated_html: html_escape(&truncated),
        title_truncated: truncated,
        is_use_loader: row.size > 5_000_000,
        display_title,
        delete_url: delete_token
            .map(|t| format!("{}/delete/{t}", u.url_short))
            .unwrap_or_default(),
        id: None,
    }
}
