//! The upload handler: Chevereto's order of checks (docs/compatibility.md), then processing, storing, the row,
//! and the response in the asked format.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::header::CONNECTION;
use axum::http::{HeaderValue, Method};
use axum::response::Response;
use chrono::{Duration, NaiveDateTime, Utc};
use upstage_core::Input;

use upstage_library::auth::{random_hex, Caller};
use upstage_library::db::fmt_date;
use upstage_library::options::resolve;
use upstage_library::processing::md5_hex;
use upstage_library::store::{record_upload, Recorded};

use super::base64::{decode as decode_base64, looks_like_url, Decoded};
use super::error::ApiError;
use super::format::ResponseFormat;
use super::params::{collect, too_big, Oversize, Params, UploadedFile};
use super::respond::success;
use super::spooled::Spooled;
use super::url_source::{fetch, UrlPolicy};
use super::{key_check, options};
use crate::http::body::CutReason;
use crate::state::{AppState, Shared};

pub async fn missing_version() -> Response {
    ApiError::bad("No version provided", 100).into_response_as(ResponseFormat::Json)
}

pub async fn missing_action() -> Response {
    ApiError::bad("No action provided", 100).into_response_as(ResponseFormat::Json)
}

/// Extra path segments are ignored, as by the reference's router.
pub async fn handle_extra(
    state: State<Shared>,
    Path((version, action, _rest)): Path<(String, String, String)>,
    req: Request,
) -> Response {
    run(state.0, version, action, req).await
}

pub async fn handle(
    state: State<Shared>,
    Path((version, action)): Path<(String, String)>,
    req: Request,
) -> Response {
    run(state.0, version, action, req).await
}

async fn run(state: Shared, version: String, action: String, req: Request) -> Response {
    let query_format = ResponseFormat::parse(
        req.uri()
            .query()
            .and_then(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .find(|(k, _)| k == "format")
                    .map(|(_, v)| v.into_owned())
            })
            .as_deref(),
    );
    let method = req.method().clone();
    let header_key = req
        .headers()
        .get("x-api-key")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = crate::client_ip::client_ip(&state.cfg, peer, req.headers());
    // A present header wins even when empty, as in the reference.
    let header_caller = match header_key {
        Some(key) => match key_check::check(&state, &version, &key, &ip).await {
            Ok(caller) => Some(caller),
            Err(e) => return key_check::refuse(req, &state, e, query_format).await,
        },
        None => None,
    };
    let cut = req.extensions().get::<CutReason>().cloned();
    let receiving = std::time::Instant::now();
    // The md5 is taken while the body arrives when the duplicate check may need it before
    // processing. Otherwise the library takes it: beside the pixels on an idle core, or, when the
    // body waits for a worker, together with the other bodies waiting (one SIMD pass for all).
    let hash_now =
        state.cfg.duplicate_check && !header_caller.as_ref().is_some_and(Caller::is_admin);
    let collected = collect(req, &state, hash_now).await;
    let spool = receiving.elapsed();
    // A body the server stopped reading (too slow, shutting down) is answered as such, whatever
    // was parsed of it; the connection cannot be reused.
    if let Some(why) = cut.and_then(|c| c.get()) {
        let mut resp = ApiError::from_cut(why).into_response_as(query_format);
        resp.headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
        return resp;
    }
    let mut params = match collected {
        Ok(p) => p,
        Err(e) => return e.into_response_as(query_format),
    };
    let format = ResponseFormat::parse(params.raw("format"));
    let imgbb = params.raw("image").is_some();
    let file = params.file.take();
    match upload(
        &state,
        &params,
        file,
        &version,
        &action,
        header_caller,
        &method,
        &ip,
    )
    .await
    {
        Ok(mut r) => {
            r.timings.spool = spool;
            let mut resp = success(&state, &r, format, imgbb);
            if let Ok(v) = HeaderValue::from_str(&r.timings.header()) {
                resp.headers_mut().insert("server-timing", v);
            }
            resp
        }
        Err(e) => e.into_response_as(format),
    }
}

async fn flood_check(
    state: &AppState,
    caller: &Caller,
    ip: &str,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let f = &state.cfg.flood;
    if !f.enabled || (f.exempt_admins && caller.is_admin()) {
        return Ok(());
    }
    let windows = [
        (f.per_minute, Duration::minutes(1), "minute"),
        (f.per_hour, Duration::hours(1), "hour"),
        (f.per_day, Duration::days(1), "day"),
        (f.per_week, Duration::weeks(1), "week"),
        (f.per_month, Duration::days(30), "month"),
    ];
    for (limit, span, name) in windows {
        if limit > 0 && state.db.uploads_since(ip, &fmt_date(now - span)).await? >= limit {
            return Err(ApiError::bad(
                format!("Flooding detected. You can only upload {limit} images per {name}"),
                130,
            ));
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn upload(
    state: &AppState,
    p: &Params,
    file: Option<UploadedFile>,
    version: &str,
    action: &str,
    header_caller: Option<Caller>,
    method: &Method,
    ip: &str,
) -> Result<Recorded, ApiError> {
    let caller = match header_caller {
        Some(caller) => caller,
        None => {
            let key = p.raw("key").unwrap_or_default();
            // A body cut short at an oversize part may have had the key after it.
            if key.is_empty() && p.oversize == Some(Oversize::Cut) {
                return Err(too_big(state));
            }
            key_check::check(state, version, key, ip).await?
        }
    };
    if action != "upload" {
        return Err(ApiError::bad("Invalid API action", 120));
    }
    if p.oversize.is_some() {
        // The size is checked after duplicates and flooding (Chevereto's order); a file that was never
        // stored cannot be a duplicate.
        flood_check(state, &caller, ip, Utc::now().naive_utc()).await?;
        return Err(too_big(state));
    }
    let text_source = p
        .raw("source")
        .filter(|s| !s.is_empty())
        .or_else(|| p.raw("image").filter(|s| !s.is_empty()));
    let mut temp_file = None;
    // A body held in memory keeps its share of the memory budget until it is stored; one in a
    // temp file keeps the file.
    let mut held = None;
    let (input, mut raw_md5) = match (file, text_source) {
        (Some(f), _) => {
            let input = match f.body {
                Spooled::Memory(bytes, hold) => {
                    held = Some(hold);
                    Input::from_bytes(f.client_name, bytes)
                }
                Spooled::Disk(path) => {
                    let input = Input::from_path(path.to_path_buf()).named(&f.client_name);
                    temp_file = Some(path);
                    input
                }
            };
            (input, f.md5)
        }
        (None, Some(text)) if looks_like_url(text) => {
            if !caller.is_admin() || !state.cfg.url_uploads.enabled {
                return Err(ApiError::bad("URL uploading is disabled", 403));
            }
            let policy = UrlPolicy {
                max_bytes: state.limits().max_bytes,
                timeout: std::time::Duration::from_secs(state.cfg.url_uploads.timeout_seconds),
                max_redirects: state.cfg.url_uploads.max_redirects,
                allow: state.cfg.url_uploads.allow.clone(),
            };
            let fetched = fetch(text.trim(), &policy, &state.temp_dir)
                .await
                .map_err(|e| ApiError::bad(format!("Curl error {e}"), 0))?;
            // Owned from here on: removed when the request ends, whatever happens.
            temp_file = tempfile::TempPath::try_from_path(&fetched.path).ok();
            let md5 = fetched.md5.clone();
            let name = if fetched.file_name.is_empty() {
                random_hex(6)
            } else {
                fetched.file_name.clone()
            };
            (
                Input::from_path(fetched.path.clone()).named(&name),
                Some(md5),
            )
        }
        (None, Some(text)) => {
            if method != Method::POST {
                return Err(ApiError::bad(
                    "Upload using base64 source must be done using POST method.",
                    130,
                ));
            }
            match decode_base64(text) {
                Decoded::Invalid => return Err(ApiError::bad("Invalid base64 string", 120)),
                Decoded::Empty => return Err(ApiError::bad("Empty source", 130)),
                Decoded::Bytes(bytes) => {
                    let ext = upstage_core::sniff(&bytes)
                        .map(|f| format!(".{}", f.extension()))
                        .unwrap_or_default();
                    let md5 = md5_hex(&bytes);
                    (
                        Input::from_bytes(format!("{}{ext}", random_hex(6)), bytes),
                        Some(md5),
                    )
                }
            }
        }
        (None, None) => return Err(ApiError::bad("Empty upload source", 130)),
    };
    let now = Utc::now().naive_utc();
    if state.cfg.duplicate_check && !caller.is_admin() {
        // `hash_now` takes it while receiving whenever this check could apply; should that rule
        // ever miss a case, a body in memory is hashed here and any other is an error, never a
        // check against an empty md5.
        let md5 =
            match raw_md5.take() {
                Some(md5) => md5,
                None => md5_hex(input.bytes().ok_or_else(|| {
                    ApiError::internal("an upload kept on disk arrived unhashed")
                })?),
            };
        let since = fmt_date(now - Duration::days(1));
        if state.db.is_duplicate(&md5, ip, &since).await? {
            return Err(ApiError::bad("Duplicated upload", 101));
        }
        raw_md5 = Some(md5);
    }
    flood_check(state, &caller, ip, now).await?;
    let from_library = |e| ApiError::from_library(e, state.limits().max_bytes);
    let opts = resolve(&options::requested(p), &caller, state, now)
        .await
        .map_err(from_library)?;
    let recorded = record_upload(state, input, &opts, &caller, ip, None, raw_md5)
        .await
        .map_err(from_library)?;
    drop((temp_file, held));
    Ok(recorded)
}
