//! Request parameters the way PHP's `$_REQUEST` + `$_FILES` see them: query string, then an
//! urlencoded or multipart body on top (body wins). JSON bodies are not parsed. The `source` file
//! part streams to a temp file with the size limit enforced while reading.

use std::collections::HashMap;
use std::io::Write;

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use md5::{Digest, Md5};

use super::ApiError;
use crate::processing::{temp_path, TempFile};
use crate::state::AppState;

/// The `source` multipart file.
#[derive(Debug)]
pub struct UploadedFile {
    pub path: TempFile,
    pub client_name: String,
    pub md5: String,
}

#[derive(Debug, Default)]
pub struct Params {
    values: HashMap<String, String>,
    pub file: Option<UploadedFile>,
}

impl Params {
    /// The raw value, present even when empty.
    pub fn raw(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// The value as the reference sees optional parameters after `array_filter`: `""` and `"0"`
    /// count as not supplied.
    pub fn filled(&self, key: &str) -> Option<&str> {
        self.raw(key).filter(|v| !v.is_empty() && *v != "0")
    }

    fn merge_pairs(&mut self, bytes: &[u8]) {
        for (k, v) in url::form_urlencoded::parse(bytes) {
            self.values.insert(k.into_owned(), v.into_owned());
        }
    }
}

fn too_big(state: &AppState) -> ApiError {
    ApiError::bad(
        format!("File too big - max {}", state.max_bytes_text()),
        400,
    )
}

pub async fn collect(req: Request, state: &AppState) -> Result<Params, ApiError> {
    let mut params = Params::default();
    if let Some(q) = req.uri().query() {
        params.merge_pairs(q.as_bytes());
    }
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let multipart = Multipart::from_request(req, &())
            .await
            .map_err(|e| ApiError::bad(format!("Invalid multipart body: {e}"), 400))?;
        read_multipart(multipart, state, &mut params).await?;
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let body = axum::body::to_bytes(req.into_body(), state.text_limit())
            .await
            .map_err(|_| too_big(state))?;
        params.merge_pairs(&body);
    }
    Ok(params)
}

async fn read_multipart(
    mut mp: Multipart,
    state: &AppState,
    params: &mut Params,
) -> Result<(), ApiError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        ApiError::bad(format!("Invalid multipart body: {e}"), 400)
    };
    let mut text_budget = state.text_limit();
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        if name == "source" && file_name.as_deref().is_some_and(|f| !f.is_empty()) {
            let (mut file, path) = temp_path(&state.temp_dir).map_err(ApiError::internal)?;
            let mut hasher = Md5::new();
            let mut bytes = 0u64;
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                bytes += chunk.len() as u64;
                if bytes > state.limits().max_bytes {
                    return Err(too_big(state));
                }
                hasher.update(&chunk);
                file.write_all(&chunk).map_err(ApiError::internal)?;
            }
            file.flush().map_err(ApiError::internal)?;
            params.file = Some(UploadedFile {
                path,
                client_name: file_name.unwrap_or_default(),
                md5: hex::encode(hasher.finalize()),
            });
        } else {
            let mut value = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if chunk.len() > text_budget {
                    return Err(too_big(state));
                }
                text_budget -= chunk.len();
                value.extend_from_slice(&chunk);
            }
            // Non-UTF-8 text is kept (lossily) rather than refused, as PHP would keep the bytes.
            params
                .values
                .insert(name, String::from_utf8_lossy(&value).into_owned());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falsy_values_count_as_missing() {
        let mut p = Params::default();
        p.merge_pairs(b"a=0&b=&c=1&d=x%20y&c=2");
        assert_eq!(p.filled("a"), None);
        assert_eq!(p.raw("b"), Some(""));
        assert_eq!(p.filled("b"), None);
        assert_eq!(p.filled("c"), Some("2"), "last value wins");
        assert_eq!(p.filled("d"), Some("x y"));
    }
}
