//! How every HTML page is answered: headers (a strict Content-Security-Policy that allows only
//! same-origin scripts and styles, no framing, no referrer), caching and indexing by kind, and
//! the small "Not found" and error pages.

use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;

use super::layout::{self, Ctx, Doc};
use crate::state::AppState;

/// Scheme, host and port of the public base URL, for the CSP (files may be served from there
/// when the server sits behind a proxy with another name).
fn public_origin(state: &AppState) -> String {
    url::Url::parse(&state.base_url)
        .map(|u| u.origin().ascii_serialization())
        .ok()
        .filter(|o| o != "null")
        .unwrap_or_default()
}

/// `blob:` images are the uploader's previews of local files; scripts and styles come only
/// from this origin, so an injected tag or attribute can run nothing.
fn csp(state: &AppState) -> String {
    let o = public_origin(state);
    format!(
        "default-src 'none'; img-src 'self' {o} blob:; media-src 'self' {o}; style-src 'self'; \
         script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; \
         frame-ancestors 'none'"
    )
}

/// How a page may be cached and indexed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The viewer, albums: revalidated on every view (deletion and view counts show at once).
    Public,
    /// Like `Public`, but not indexed (NSFW content).
    Unlisted,
    /// Delete pages and errors: never stored, never indexed (a delete URL is a secret).
    Private,
}

pub fn html(state: &AppState, status: StatusCode, kind: Kind, doc: String) -> Response {
    let mut resp = (status, doc).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Pages never send their URL on: a delete URL must not leak to the file server's logs.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if let Ok(v) = HeaderValue::from_str(&csp(state)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    let noindex = HeaderName::from_static("x-robots-tag");
    match kind {
        Kind::Public => {
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }
        Kind::Unlisted => {
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            h.insert(noindex, HeaderValue::from_static("noindex, nofollow"));
        }
        Kind::Private => {
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store, private"),
            );
            h.insert(noindex, HeaderValue::from_static("noindex, nofollow"));
        }
    }
    resp
}

/// A page answered with a `lang` cookie when `?lang=` chose the language, so the choice holds
/// on the next pages.
pub fn remember_lang(mut resp: Response, query: Option<&str>) -> Response {
    if let Some(l) = query.and_then(super::i18n::query_lang) {
        let c = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax", l.code());
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    resp
}

/// The small "Not found" page, status 404, with a way home.
pub fn not_found(state: &AppState, headers: &HeaderMap) -> Response {
    notice(state, headers, StatusCode::NOT_FOUND, "notfound")
}

/// Status 429 for an address that failed too many delete-token checks.
pub fn too_many_failures(state: &AppState, headers: &HeaderMap) -> Response {
    notice(state, headers, StatusCode::TOO_MANY_REQUESTS, "throttled")
}

/// A short, unindexed page: `<key>.title` and `<key>.text` from the catalogue, and a way home.
fn notice(state: &AppState, headers: &HeaderMap, status: StatusCode, key: &str) -> Response {
    let ctx = Ctx::new(state, headers, None);
    let title = ctx.t(&format!("{key}.title"));
    let body = html! {
        div.center {
            h1 { (title) }
            p { (ctx.t(&format!("{key}.text"))) }
            p { a href=(ctx.href("/")) { (ctx.t("notfound.home")) } }
        }
    };
    let doc = Doc {
        title,
        body,
        noindex: true,
        ..Doc::default()
    };
    html(state, status, Kind::Private, layout::render(&ctx, doc))
}

/// A generic failure page, status 500. The cause is logged with the request id; the page shows
/// only that id.
pub fn server_error(
    state: &AppState,
    headers: &HeaderMap,
    cause: &dyn std::fmt::Display,
) -> Response {
    let id = request_id(headers);
    tracing::error!(request_id = %id, "page failed: {cause}");
    let ctx = Ctx::new(state, headers, None);
    let body = html! {
        div.center {
            h1 { (ctx.t("error.title")) }
            p { (ctx.t("error.text")) }
            p { small { (ctx.tf("error.reference", &[("id", &id)])) } }
        }
    };
    let doc = Doc {
        title: ctx.t("error.title"),
        body,
        noindex: true,
        ..Doc::default()
    };
    html(
        state,
        StatusCode::INTERNAL_SERVER_ERROR,
        Kind::Private,
        layout::render(&ctx, doc),
    )
}

pub fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned()
}
