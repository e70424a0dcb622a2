//! The `images` row of a processed upload: names, dates in UTC and the site zone, chain bits,
//! sizes, and the title/description fallbacks (parameter, then EXIF, then the file name).

use upstage_sdk::{MediaKind, OutputKind};

use crate::auth::Caller;
use crate::db::{fmt_date, ImageRow};
use crate::options::{self, Options};
use crate::processing::Processed;
use crate::Library;

/// The default title: the file's base name with runs of `-`, `_` and spaces as one space.
pub(crate) fn title_from_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let t = stem
        .split(|c: char| c == '-' || c == '_' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!t.is_empty()).then(|| t.chars().take(100).collect())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn new_row(
    state: &Library,
    pr: &Processed,
    opts: &Options,
    caller: &Caller,
    client_name: &str,
    ip: &str,
    token: &str,
) -> ImageRow {
    let local = chrono::TimeZone::from_utc_datetime(&state.tz, &pr.filed_gmt).naive_local();
    let medium = pr.stored.file(OutputKind::Medium);
    let mut chain = 4 | 1;
    if medium.is_some() {
        chain |= 2;
    }
    if pr.stored.file(OutputKind::Frame).is_some() {
        chain |= 16;
    }
    let title = opts
        .upload
        .title
        .clone()
        .or_else(|| {
            // Metadata titles are cut like given ones (the column holds 100 characters).
            pr.exif_title
                .as_deref()
                .map(options::clean_title)
                .filter(|t| !t.is_empty())
        })
        .or_else(|| title_from_name(client_name));
    let description = opts
        .upload
        .description
        .clone()
        .or_else(|| pr.exif_description.clone());
    ImageRow {
        id: 0,
        name: pr.stored.name.clone(),
        extension: pr.stored.extension.clone(),
        folder: pr.stored.folder.clone(),
        size: pr.size_of(OutputKind::Main),
        width: i64::from(pr.width),
        height: i64::from(pr.height),
        date: fmt_date(local),
        date_gmt: fmt_date(pr.filed_gmt),
        title,
        description,
        nsfw: i64::from(opts.upload.nsfw),
        storage_mode: match state.storage_mode {
            upstage_storage::StorageMode::Datefolder => "datefolder".into(),
            upstage_storage::StorageMode::Direct => "direct".into(),
        },
        md5: pr.md5.clone(),
        source_md5: pr.source_md5.clone(),
        original_filename: client_name.to_owned(),
        original_exifdata: None,
        views: 0,
        likes: 0,
        category_id: opts.category_id,
        chain,
        thumb_size: pr.size_of(OutputKind::Thumb),
        medium_size: pr.size_of(OutputKind::Medium),
        medium_width: medium.map_or(0, |m| i64::from(m.width)),
        medium_height: medium.map_or(0, |m| i64::from(m.height)),
        frame_size: pr.size_of(OutputKind::Frame),
        expiration_date_gmt: opts.expiration_gmt.map(fmt_date),
        is_animated: i64::from(pr.is_animated),
        is_approved: 1,
        is_360: 0,
        duration: pr.duration as i64,
        kind: match pr.format.kind() {
            MediaKind::Image => "image".into(),
            MediaKind::Video => "video".into(),
        },
        user_id: caller.user_id(),
        album_id: opts.album_id,
        uploader_ip: ip.to_owned(),
        delete_hash: crate::auth::hash_secret(token),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_from_file_names() {
        assert_eq!(
            super::title_from_name("my_photo-01.jpg").as_deref(),
            Some("my photo 01")
        );
        assert_eq!(
            super::title_from_name("Badgers _ animated music video _ MrWeebl.mp4").as_deref(),
            Some("Badgers animated music video MrWeebl")
        );
        assert_eq!(super::title_from_name("___.png"), None);
    }
}
