//! The page languages: one string catalogue per language (`server/static/i18n/*.json`, shared
//! with the uploader script), chosen from `?lang=`, then the `lang` cookie, then
//! `Accept-Language`, English by default.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::{header, HeaderMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Da,
}

pub const EN_JSON: &str = include_str!("../../static/i18n/en.json");
pub const DA_JSON: &str = include_str!("../../static/i18n/da.json");

type Catalogue = HashMap<String, String>;

/// A catalogue that does not parse is a build mistake the `catalogues_match` test catches; at
/// run time it degrades to keys rather than taking the site down.
fn parse(json: &str) -> Catalogue {
    serde_json::from_str(json).unwrap_or_default()
}

static EN: LazyLock<Catalogue> = LazyLock::new(|| parse(EN_JSON));
static DA: LazyLock<Catalogue> = LazyLock::new(|| parse(DA_JSON));

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Da];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Da => "da",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.trim();
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "da" => Some(Lang::Da),
            _ => None,
        }
    }

    pub fn catalogue_json(self) -> &'static str {
        match self {
            Lang::En => EN_JSON,
            Lang::Da => DA_JSON,
        }
    }

    /// The string for `key`, falling back to English, then to the key itself.
    pub fn t(self, key: &str) -> &'static str {
        let own = match self {
            Lang::En => &*EN,
            Lang::Da => &*DA,
        };
        own.get(key)
            .or_else(|| EN.get(key))
            .map_or("", String::as_str)
    }

    /// `t` with `{name}` placeholders filled in.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_owned();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// `?lang=` (when given), then the `lang` cookie, then `Accept-Language`.
    pub fn detect(headers: &HeaderMap, query: Option<&str>) -> Lang {
        query
            .and_then(query_lang)
            .or_else(|| cookie_lang(headers))
            .or_else(|| accept_language(headers))
            .unwrap_or(Lang::En)
    }
}

/// The `lang` parameter of a query string, when it names a language we have.
pub fn query_lang(query: &str) -> Option<Lang> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::from_code(&v))
}

fn cookie_lang(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix("lang="))
        .find_map(Lang::from_code)
}

/// The supported language with the highest `q` (RFC 9110 §12.5.4); order breaks ties.
fn accept_language(headers: &HeaderMap) -> Option<Lang> {
    let v = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut best: Option<(f32, Lang)> = None;
    for item in v.split(',') {
        let mut parts = item.split(';');
        let Some(lang) = parts.next().and_then(Lang::from_code) else {
            continue;
        };
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn catalogues_match() {
        assert!(!EN.is_empty() && !DA.is_empty(), "catalogues parse");
        let mut en: Vec<_> = EN.keys().collect();
        let mut da: Vec<_> = DA.keys().collect();
        en.sort();
        da.sort();
        assert_eq!(en, da, "both languages have the same keys");
    }

    #[test]
    fn negotiation() {
        let cases: &[(&str, Option<&str>, Option<&str>, Lang)] = &[
            ("da", None, None, Lang::Da),
            ("da-DK,da;q=0.9,en;q=0.8", None, None, Lang::Da),
            ("fr, en;q=0.5, da;q=0.7", None, None, Lang::Da),
            ("fr", None, None, Lang::En),
            ("da;q=0", None, None, Lang::En),
            ("da", Some("lang=en"), None, Lang::En),
            ("en", None, Some("theme=x; lang=da"), Lang::Da),
            ("en", Some("lang=da"), Some("lang=en"), Lang::Da),
            ("da", Some("lang=xx"), None, Lang::Da),
        ];
        for (accept, query, cookie, want) in cases {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static(accept));
            if let Some(c) = cookie {
                h.insert(header::COOKIE, HeaderValue::from_static(c));
            }
            assert_eq!(
                Lang::detect(&h, *query),
                *want,
                "{accept} {query:?} {cookie:?}"
            );
        }
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            Lang::Da.tf("upload.progress", &[("n", "3"), ("pct", "40")]),
            "Uploader 3 files (40% færdig)"
        );
        assert_eq!(Lang::En.t("no.such.key"), "");
    }
}
