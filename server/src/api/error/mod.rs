//! Every API failure becomes the Chevereto error shape here, and only here.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use upstage_core::ItemError;
use upstage_sdk::ErrorCode;

use super::format::{no_cache, ResponseFormat, JSON_UTF8};

mod library;
mod resource;

/// The reference's error body, in its key order: `status_code`, `error`, `status_txt`.
#[derive(Serialize)]
struct Body<'a> {
    status_code: u16,
    error: Detail<'a>,
    status_txt: &'a str,
}

#[derive(Serialize)]
struct Detail<'a> {
    message: &'a str,
    code: i64,
}

/// A failure as the client sees it: the reference's message and code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub code: i64,
    /// Errors about the API version are JSON whatever `format` asked for.
    pub force_json: bool,
}

impl ApiError {
    pub fn bad(message: impl Into<String>, code: i64) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            code,
            force_json: false,
        }
    }

    /// Internal failures never leak details to the client; the cause is logged with the request id.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {cause}");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "Internal server error".into(),
            code: 500,
            force_json: false,
        }
    }

    /// Too many failed key checks from one address: refused before the key is looked at.
    pub fn throttled() -> Self {
        ApiError {
            status: StatusCode::TOO_MANY_REQUESTS,
            message: "Too many invalid API keys from this address: try again in a minute".into(),
            code: 100,
            force_json: false,
        }
    }

    pub fn busy() -> Self {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: "Server busy: too many uploads are being processed, try again shortly".into(),
            code: 503,
            force_json: false,
        }
    }

    /// The upload could not be recorded (database unavailable, full, or read-only). Nothing of
    /// it stays visible, so the client can simply retry.
    pub fn not_saved(cause: impl std::fmt::Display) -> Self {
        tracing::error!("recording an upload failed: {cause}");
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: "Database unavailable: the upload was not saved, try again shortly".into(),
            code: 503,
            force_json: false,
        }
    }

    /// How a pipeline failure reads to an API client (reference messages where one exists).
    pub fn from_item(e: &ItemError, max_bytes_text: &str) -> Self {
        if e.stage.as_deref() == Some("frame") {
            return Self::from_video(e);
        }
        match e.code {
            ErrorCode::TooLarge => {
                ApiError::bad(format!("File too big - max {max_bytes_text}"), 400)
            }
            ErrorCode::EmptyFile
            | ErrorCode::UnsupportedFormat
            | ErrorCode::Truncated
            | ErrorCode::Corrupt => ApiError::bad("Can't get target upload source info", 610),
            ErrorCode::WidthTooLarge => {
                ApiError::bad("Target width is greater than the original image width", 610)
            }
            ErrorCode::TooManyPixels | ErrorCode::TooManyFrames | ErrorCode::InvalidOption => {
                ApiError::bad(e.message.clone(), 400)
            }
            ErrorCode::CodecUnavailable => {
                tracing::info!("unavailable format: {}", e.message);
                ApiError::bad("Unavailable image format", 613)
            }
            // A stage (often a third-party plugin) failed or crashed on this item. Its message
            // (a panic text, an internal error) is for the operator: it goes to the log with the
            // request id, and the client gets that id to quote.
            ErrorCode::StageFailed | ErrorCode::StagePanicked => {
                let id = super::request_id::current();
                tracing::error!(request_id = %id, stage = e.stage.as_deref(), "stage failed: {e}");
                ApiError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    message: format!(
                        "Processing failed in stage '{}' (request id {id})",
                        e.stage.as_deref().unwrap_or("-")
                    ),
                    code: 500,
                    force_json: false,
                }
            }
            ErrorCode::Storage if resource::says_disk_full(&e.message) => {
                tracing::error!("storage full: {}", e.message);
                ApiError::insufficient_storage()
            }
            ErrorCode::Storage => {
                // Object storage unreachable or refusing: nothing was kept (store_item rolls
                // back), so the client can simply retry.
                tracing::error!("storage failed: {}", e.message);
                ApiError {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    message: "Storage unavailable: the file was not saved, try again shortly"
                        .into(),
                    code: 503,
                    force_json: false,
                }
            }
            _ => ApiError::internal(e),
        }
    }

    /// Video failures (the frame stage): the reference's "Invalid video file provided" (100) for
    /// bad input, and messages that name the missing tool or the limit otherwise.
    fn from_video(e: &ItemError) -> Self {
        match e.code {
            ErrorCode::EmptyFile
            | ErrorCode::UnsupportedFormat
            | ErrorCode::Truncated
            | ErrorCode::Corrupt => {
                let m = if e.message.starts_with("Invalid video file provided") {
                    e.message.clone()
                } else {
                    format!("Invalid video file provided: {}", e.message)
                };
                ApiError::bad(m, 100)
            }
            ErrorCode::CodecUnavailable => ApiError::bad(e.message.clone(), 613),
            ErrorCode::TooLarge | ErrorCode::TooManyPixels => ApiError::bad(e.message.clone(), 400),
            ErrorCode::Timeout => ApiError::bad("Video processing took too long", 600),
            _ => ApiError::internal(e),
        }
    }

    fn status_txt(&self) -> &'static str {
        self.status.canonical_reason().unwrap_or("Error")
    }

    pub fn into_response_as(self, format: ResponseFormat) -> Response {
        let mut resp = match format {
            ResponseFormat::Txt | ResponseFormat::Redirect if !self.force_json => {
                // Plain text with a failing status (the reference sends 200, which makes clients
                // print the error as if it were a URL).
                (
                    self.status,
                    [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                    self.message.clone(),
                )
                    .into_response()
            }
            _ => {
                let body = serde_json::to_string(&Body {
                    status_code: self.status.as_u16(),
                    error: Detail {
                        message: &self.message,
                        code: self.code,
                    },
                    status_txt: self.status_txt(),
                })
                .unwrap_or_default();
                (
                    self.status,
                    [(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8))],
                    body,
                )
                    .into_response()
            }
        };
        no_cache(resp.headers_mut());
        resp
    }
}
