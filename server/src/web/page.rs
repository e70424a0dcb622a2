//! The HTML shell shared by the viewer, the delete pages and the error pages: one self-contained
//! document (inline CSS, no script, no external asset) sent with a strict Content-Security-Policy.

use std::sync::LazyLock;

use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::api::html_escape;
use crate::state::AppState;

/// The only stylesheet. The CSP allows exactly this text (by hash), so no `style=` attribute or
/// other inline style can be injected.
const CSS: &str = "\
:root{color-scheme:light dark;--bg:#f6f7f9;--fg:#1d2127;--muted:#5f6b7a;--card:#fff;--line:#d9dee5;--accent:#0b63ce;--danger:#c62828}
@media (prefers-color-scheme:dark){:root{--bg:#14171b;--fg:#e7eaee;--muted:#9aa5b1;--card:#1d2127;--line:#323840;--accent:#5aa2ff;--danger:#ef5350}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif}
main{max-width:960px;margin:0 auto;padding:16px}
a{color:var(--accent)}
h1{font-size:1.5rem;line-height:1.25;margin:16px 0 8px;overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:24px 0 8px}
h3{font-size:.95rem;margin:16px 0 6px;color:var(--muted)}
.media{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px;text-align:center}
.media img,.media video{display:block;margin:0 auto;max-width:100%;height:auto;max-height:80vh}
.desc{overflow-wrap:anywhere}
.meta{display:flex;flex-wrap:wrap;gap:4px 20px;margin:8px 0;padding:0;list-style:none;color:var(--muted);font-size:.9rem}
.tags{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0;padding:0;list-style:none}
.tags li{border:1px solid var(--line);border-radius:999px;padding:0 10px;font-size:.85rem;background:var(--card)}
.badge{display:inline-block;border-radius:4px;padding:0 6px;background:var(--danger);color:#fff;font-size:.8rem}
.embed{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:12px}
.embed label{display:block;font-size:.85rem;color:var(--muted);margin-bottom:2px}
.embed input,.embed textarea{width:100%;font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:6px;border:1px solid var(--line);border-radius:4px;background:var(--card);color:var(--fg);resize:vertical}
.confirm{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px;text-align:center}
.confirm img{max-width:100%;height:auto;border-radius:4px}
button.danger{font:inherit;font-weight:600;color:#fff;background:var(--danger);border:0;border-radius:6px;padding:8px 20px;cursor:pointer}
.center{text-align:center;padding:48px 16px}
";

/// `'sha256-…'` of [`CSS`], as CSP wants it.
static CSS_HASH: LazyLock<String> = LazyLock::new(|| {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS.as_bytes()))
    )
});

/// A whole document. `title` is plain text (escaped here); `head` and `body` are markup that the
/// caller has already escaped.
pub fn document(title: &str, head: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n{head}<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n\
         </body>\n</html>\n",
        html_escape(title)
    )
}

/// Scheme, host and port of the public base URL, for the CSP (files may be served from there
/// when the server sits behind a proxy with another name).
fn public_origin(state: &AppState) -> String {
    url::Url::parse(&state.base_url)
        .map(|u| u.origin().ascii_serialization())
        .ok()
        .filter(|o| o != "null")
        .unwrap_or_default()
}

fn csp(state: &AppState) -> String {
    let o = public_origin(state);
    format!(
        "default-src 'none'; img-src 'self' {o}; media-src 'self' {o}; style-src {}; \
         form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        *CSS_HASH
    )
}

/// How a page may be cached and indexed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The viewer: revalidated on every view (deletion and view counts show at once).
    Public,
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
    match kind {
        Kind::Public => {
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }
        Kind::Private => {
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store, private"),
            );
            h.insert(
                HeaderName::from_static("x-robots-tag"),
                HeaderValue::from_static("noindex, nofollow"),
            );
        }
    }
    resp
}

/// The small "Not found" page, status 404.
pub fn not_found(state: &AppState) -> Response {
    let body = "<div class=\"center\">\n<h1>Not found</h1>\n\
                <p>There is nothing here. It may have been deleted or may have expired.</p>\n</div>\n";
    html(
        state,
        StatusCode::NOT_FOUND,
        Kind::Private,
        document("Not found", "", body),
    )
}

/// Status 429 for an address that failed too many delete-token checks.
pub fn too_many_failures(state: &AppState) -> Response {
    let body = "<div class=\"center\">\n<h1>Too many attempts</h1>\n\
                <p>Too many wrong delete links from this address. Try again in a minute.</p>\n</div>\n";
    html(
        state,
        StatusCode::TOO_MANY_REQUESTS,
        Kind::Private,
        document("Too many attempts", "", body),
    )
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
    let body = format!(
        "<div class=\"center\">\n<h1>Something went wrong</h1>\n\
         <p>Please try again later.</p>\n<p><small>Reference: {}</small></p>\n</div>\n",
        html_escape(&id)
    );
    html(
        state,
        StatusCode::INTERNAL_SERVER_ERROR,
        Kind::Private,
        document("Error", "", &body),
    )
}

pub fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_css_hash_is_a_csp_source() {
        let h = &*super::CSS_HASH;
        assert!(h.starts_with("'sha256-") && h.ends_with("='"), "{h}");
        assert!(
            !super::CSS.contains("</"),
            "the stylesheet must not close its element"
        );
    }
}
