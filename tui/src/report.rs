//! One record per file, the same for `upstage upload --json` (one JSON object a line) and the
//! TUI's saved list (a JSON array, and CSV with the same column names). Documented in
//! `docs/tui.md` ("The JSON of a file").

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::i18n::Lang;
use upstage_client::{Links, UploadError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Uploaded,
    /// Already uploaded by an earlier run of the same batch (journal).
    Skipped,
    /// Sent, and the server (or the connection) failed it.
    Failed,
    /// Refused before sending: too large, not an image, empty, unreadable.
    Refused,
    /// Never sent: the batch was interrupted or stopped before its turn.
    NotStarted,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ErrorRecord {
    /// `rejected`, `server`, `network`, `unreachable`, `local`.
    pub kind: &'static str,
    /// Always a string: the server's numeric code as text ("610") or a name ("too_large").
    pub code: String,
    pub http_status: Option<u16>,
    /// As the server sent it, or ours.
    pub message: String,
    /// What it means and what to do, in English.
    pub hint: &'static str,
}

impl ErrorRecord {
    pub fn of(e: &UploadError) -> ErrorRecord {
        ErrorRecord {
            kind: e.kind(),
            code: e.code(),
            http_status: e.http_status(),
            message: e.message().to_owned(),
            hint: crate::i18n::hint(Lang::En, e),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FileRecord {
    pub path: PathBuf,
    pub name: String,
    pub status: Status,
    pub url: Option<String>,
    pub url_viewer: Option<String>,
    pub thumb_url: Option<String>,
    pub delete_url: Option<String>,
    pub markdown: Option<String>,
    pub html: Option<String>,
    pub bbcode: Option<String>,
    /// Milliseconds from the last byte sent to the server's answer.
    pub processing_ms: Option<u64>,
    pub error: Option<ErrorRecord>,
}

impl FileRecord {
    fn bare(path: &Path, status: Status) -> FileRecord {
        FileRecord {
            path: path.to_path_buf(),
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string()),
            status,
            url: None,
            url_viewer: None,
            thumb_url: None,
            delete_url: None,
            markdown: None,
            html: None,
            bbcode: None,
            processing_ms: None,
            error: None,
        }
    }

    pub fn linked(path: &Path, l: &Links, skipped: bool, processing: Option<Duration>) -> Self {
        let status = if skipped {
            Status::Skipped
        } else {
            Status::Uploaded
        };
        FileRecord {
            url: Some(l.direct.clone()),
            url_viewer: l.viewer.clone(),
            thumb_url: l.thumb.clone(),
            delete_url: l.delete.clone(),
            markdown: Some(l.markdown()),
            html: Some(l.html()),
            bbcode: Some(l.bbcode()),
            processing_ms: processing.map(|d| d.as_millis() as u64),
            ..FileRecord::bare(path, status)
        }
    }

    /// A failed or refused file (`refused`: it was never sent).
    pub fn errored(path: &Path, e: &UploadError, refused: bool) -> Self {
        let status = if refused {
            Status::Refused
        } else {
            Status::Failed
        };
        FileRecord {
            error: Some(ErrorRecord::of(e)),
            ..FileRecord::bare(path, status)
        }
    }

    pub fn not_started(path: &Path) -> Self {
        FileRecord::bare(path, Status::NotStarted)
    }

    /// The CSV header: the same names as the JSON (the error flattened as `error_*`).
    pub const CSV_HEADER: &'static str = "path,name,status,url,url_viewer,thumb_url,delete_url,\
        markdown,html,bbcode,processing_ms,error_kind,error_code,error_http_status,error_message";

    pub fn csv_row(&self) -> String {
        let e = self.error.as_ref();
        let fields = [
            self.path.display().to_string(),
            self.name.clone(),
            serde_json::to_value(self.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            self.url.clone().unwrap_or_default(),
            self.url_viewer.clone().unwrap_or_default(),
            self.thumb_url.clone().unwrap_or_default(),
            self.delete_url.clone().unwrap_or_default(),
            self.markdown.clone().unwrap_or_default(),
            self.html.clone().unwrap_or_default(),
            self.bbcode.clone().unwrap_or_default(),
            self.processing_ms
                .map(|m| m.to_string())
                .unwrap_or_default(),
            e.map(|e| e.kind.to_owned()).unwrap_or_default(),
            e.map(|e| e.code.clone()).unwrap_or_default(),
            e.and_then(|e| e.http_status.map(|s| s.to_string()))
                .unwrap_or_default(),
            e.map(|e| e.message.clone()).unwrap_or_default(),
        ];
        fields
            .iter()
            .map(|f| csv_field(f))
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_it() {
        assert_eq!(csv_field("a"), "a");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("<a href=\"x\">"), "\"<a href=\"\"x\"\">\"");
    }

    #[test]
    fn one_shape_for_every_status() {
        let e = UploadError::server(400, 610, "Invalid file data");
        let v = serde_json::to_value(FileRecord::errored(Path::new("/p/a.jpg"), &e, false))
            .expect("json");
        assert_eq!(v["status"], "failed");
        assert_eq!(v["name"], "a.jpg");
        assert_eq!(v["error"]["code"], "610", "always a string");
        assert_eq!(v["error"]["http_status"], 400);
        assert!(v["url"].is_null());
        let r = UploadError::rejected("too_large", "File too big");
        let v =
            serde_json::to_value(FileRecord::errored(Path::new("b.png"), &r, true)).expect("json");
        assert_eq!(v["status"], "refused");
        assert_eq!(v["error"]["code"], "too_large");
        assert!(v["error"]["http_status"].is_null());
        let l = Links {
            name: "c.png".into(),
            direct: "http://x/c.png".into(),
            ..Links::default()
        };
        let ok = FileRecord::linked(Path::new("c.png"), &l, false, None);
        assert_eq!(
            ok.csv_row().split(',').count(),
            FileRecord::CSV_HEADER.split(',').count()
        );
    }
}
