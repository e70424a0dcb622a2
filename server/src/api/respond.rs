//! A successful upload in the asked format: the JSON envelope (or the ImgBB shape), the bare URL
//! for `txt`, or a 302 to the viewer for `redirect`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use upstage_library::store::Recorded;
use upstage_library::view::{self, ImageJson};

use super::error::ApiError;
use super::format::{no_cache, ResponseFormat, JSON_UTF8};
use crate::state::AppState;

#[derive(Serialize)]
struct Success<'a> {
    message: &'a str,
    code: u16,
}

#[derive(Serialize)]
struct Envelope<'a> {
    status_code: u16,
    success: Success<'a>,
    image: &'a ImageJson,
    status_txt: &'a str,
}

#[derive(Serialize)]
struct ImgbbEnvelope<'a> {
    status_code: u16,
    status: u16,
    success: Success<'a>,
    data: &'a ImageJson,
    status_txt: &'a str,
}

pub(super) fn success(
    state: &AppState,
    rec: &Recorded,
    format: ResponseFormat,
    imgbb: bool,
) -> Response {
    let mut image = view::build(&rec.row, &rec.tags, state, Some(&rec.token));
    let mut resp = match format {
        ResponseFormat::Txt => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            image.url.clone(),
        )
            .into_response(),
        ResponseFormat::Redirect => {
            let mut r = StatusCode::FOUND.into_response();
            if let Ok(v) = HeaderValue::from_str(&image.path_viewer) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        ResponseFormat::Json => {
            let ok = Success {
                message: "file uploaded",
                code: 200,
            };
            let body = if imgbb {
                image.id = Some(image.id_encoded.clone());
                serde_json::to_string(&ImgbbEnvelope {
                    status_code: 200,
                    status: 200,
                    success: ok,
                    data: &image,
                    status_txt: "OK",
                })
            } else {
                serde_json::to_string(&Envelope {
                    status_code: 200,
                    success: ok,
                    image: &image,
                    status_txt: "OK",
                })
            };
            match body {
                Ok(b) => ([(header::CONTENT_TYPE, JSON_UTF8)], b).into_response(),
                Err(e) => return ApiError::internal(e).into_response_as(format),
            }
        }
    };
    // Which date the item was filed under: EXIF tag, mtime or upload (clients of `use_file_date`
    // need to know; an extra header breaks no Chevereto client).
    resp.headers_mut().insert(
        "x-upstage-date-source",
        HeaderValue::from_static(rec.date_used.as_str()),
    );
    no_cache(resp.headers_mut());
    resp
}
