//! What `upstage process` prints per item: a human line, or one JSON object per line.

use serde::Serialize;
use upstage_core::{ItemError, ItemReport};
use upstage_sdk::{DateTaken, ErrorCode, Format, StageTiming};
use upstage_storage::StoredItem;

/// What the batch keeps of a processed and stored item.
#[derive(Debug, Serialize)]
pub struct Processed {
    pub format: Format,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub is_animated: bool,
    pub date_taken: Option<DateTaken>,
    pub gps_removed: bool,
    pub stored: StoredItem,
    pub timings: Vec<StageTiming>,
}

/// An item this installation cannot process (a codec or external tool such as ffmpeg is
/// missing) is skipped, not failed: the file is fine and nothing about the batch went wrong; the
/// message says what to install.
pub fn is_skip(e: &ItemError) -> bool {
    e.code == ErrorCode::CodecUnavailable
}

#[derive(Serialize)]
struct JsonLine<'a> {
    file: &'a str,
    ok: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    skipped: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<&'a Processed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<JsonError<'a>>,
    elapsed_ms: u128,
}

#[derive(Serialize)]
struct JsonError<'a> {
    code: ErrorCode,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<&'a str>,
}

fn display_name(r: &ItemReport<Processed>) -> String {
    r.path
        .as_ref()
        .map_or_else(|| r.client_name.clone(), |p| p.display().to_string())
}

pub fn json_line(r: &ItemReport<Processed>) -> String {
    let file = display_name(r);
    let (item, error) = match &r.result {
        Ok(p) => (Some(p), None),
        Err(ItemError {
            code,
            message,
            stage,
        }) => (
            None,
            Some(JsonError {
                code: *code,
                message,
                stage: stage.as_deref(),
            }),
        ),
    };
    let line = JsonLine {
        file: &file,
        ok: item.is_some(),
        skipped: r.result.as_ref().err().is_some_and(is_skip),
        item,
        error,
        elapsed_ms: r.elapsed.as_millis(),
    };
    serde_json::to_string(&line).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

pub fn human_line(r: &ItemReport<Processed>) -> String {
    let file = display_name(r);
    match &r.result {
        Ok(p) => {
            let main = p.stored.files.first().map_or("", |f| f.key.as_str());
            let date = p
                .date_taken
                .map(|d| format!(", taken {}", d.local))
                .unwrap_or_default();
            format!(
                "ok    {file} -> {main} ({}x{}, {} files{date}) {} ms",
                p.width,
                p.height,
                p.stored.files.len(),
                r.elapsed.as_millis()
            )
        }
        Err(e) if is_skip(e) => format!("skip  {file}: {} [{}]", e.message, e.code),
        Err(e) => format!("FAIL  {file}: {} [{}]", e.message, e.code),
    }
}
