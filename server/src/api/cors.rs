//! Cross-origin calls to the API from browsers (`server.cors_origins`): only the listed origins
//! get CORS headers, with the methods and headers the upload and album API use. No list, no
//! layer: the API answers exactly as before.

use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::state::Shared;

/// The origins that parse as header values; others are logged and left out.
fn origins(list: &[String]) -> Vec<HeaderValue> {
    list.iter()
        .filter_map(|o| {
            let o = o.trim().trim_end_matches('/');
            match HeaderValue::from_str(o) {
                Ok(v) if !o.is_empty() && o != "*" => Some(v),
                _ => {
                    tracing::error!(
                        origin = o,
                        "cors_origins: not an origin, ignored (wildcards are not allowed)"
                    );
                    None
                }
            }
        })
        .collect()
}

pub fn layer(list: &[String]) -> Option<CorsLayer> {
    let allowed = origins(list);
    if allowed.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(allowed))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([HeaderName::from_static("x-api-key"), header::CONTENT_TYPE])
            .expose_headers([
                HeaderName::from_static("x-request-id"),
                HeaderName::from_static("x-upstage-date-source"),
            ])
            .max_age(std::time::Duration::from_secs(600)),
    )
}

pub fn apply(routes: Router<Shared>, list: &[String]) -> Router<Shared> {
    match layer(list) {
        Some(l) => routes.layer(l),
        None => routes,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_real_origins_count() {
        let list = [
            "https://a.example".to_owned(),
            "*".to_owned(),
            " ".to_owned(),
            "https://b.example/".to_owned(),
        ];
        let got = super::origins(&list);
        assert_eq!(got, ["https://a.example", "https://b.example"]);
        assert!(super::layer(&[]).is_none());
    }
}
