//! The API key checks, in the reference's order (no key, API version, key). A key sent as the
//! `X-API-Key` header is checked before the body is read, so a wrong or missing key costs no
//! disk: the body is read away unstored (or never sent, by a client waiting for `100 Continue`)
//! and the error answered.

use axum::extract::Request;
use axum::http::header::{CONNECTION, EXPECT};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;

use upstage_library::auth::{secrets_equal, Caller};

use super::error::ApiError;
use super::format::ResponseFormat;
use super::spool::{discard, drain_allowance};
use crate::state::AppState;

/// Who `key` belongs to, or the reference's error for it. Failures count against `ip`; an
/// address past its limit is refused before its key is looked up.
pub(super) async fn check(
    state: &AppState,
    version: &str,
    key: &str,
    ip: &str,
) -> Result<Caller, ApiError> {
    if key.is_empty() {
        return Err(ApiError::bad("No key provided", 100));
    }
    if version != "1" {
        return Err(ApiError {
            force_json: true,
            ..ApiError::bad("Invalid API version.", 110)
        });
    }
    if state.failures.blocked(ip) {
        return Err(ApiError::throttled());
    }
    let r = authenticate(state, key).await;
    if matches!(&r, Err(e) if e.status.is_client_error()) {
        state.failures.failed(ip);
    }
    r
}

async fn authenticate(state: &AppState, key: &str) -> Result<Caller, ApiError> {
    if let Some(user) = state.keys.user_for(&state.db, &state.ids, key).await? {
        return Ok(Caller::User(user));
    }
    if !state.cfg.guest.enabled {
        return Err(ApiError::bad("Invalid API key.", 100));
    }
    match state.cfg.guest.key.as_deref().filter(|k| !k.is_empty()) {
        None => Err(ApiError::bad(
            "API V1 public key can't be null. Go to /dashboard and set the Guest API key.",
            0,
        )),
        Some(guest) if secrets_equal(guest, key) => Ok(Caller::Guest),
        Some(_) => Err(ApiError::bad("Invalid API key.", 100)),
    }
}

fn expects_continue(h: &HeaderMap) -> bool {
    h.get(EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"))
}

/// Answer `e` to a request whose body is not wanted. The answer is only the `format` of the
/// query string: the body, where a `format` field could be, is never parsed.
pub(super) async fn refuse(
    req: Request,
    state: &AppState,
    e: ApiError,
    format: ResponseFormat,
) -> Response {
    let read_all =
        !expects_continue(req.headers()) && discard(req.into_body(), drain_allowance(state)).await;
    let mut resp = e.into_response_as(format);
    if !read_all {
        resp.headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    resp
}
