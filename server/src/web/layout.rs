//! The one layout every HTML page is rendered into (maud: text is escaped unless a template says
//! `PreEscaped`): site name, header, footer with the language switch, favicon, and only
//! same-origin stylesheet and scripts.

use axum::http::{HeaderMap, Uri};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::assets;
use super::i18n::Lang;
use crate::state::AppState;

/// What a page knows about its request: the site, the language and the path (for the
/// language links, which point back at the same page).
pub struct Ctx<'a> {
    pub state: &'a AppState,
    pub lang: Lang,
    path: String,
}

impl<'a> Ctx<'a> {
    pub fn new(state: &'a AppState, headers: &HeaderMap, uri: Option<&Uri>) -> Self {
        let lang = Lang::detect(headers, uri.and_then(Uri::query));
        let path = uri.map_or_else(String::new, |u| u.path().to_owned());
        Ctx { state, lang, path }
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.lang.tf(key, args)
    }

    /// A site path (`/album/x.y`) as a link, under the base path when behind a proxy prefix.
    pub fn href(&self, path: &str) -> String {
        format!("{}{path}", self.state.base_path)
    }

    /// The current page, for the language links (empty: the links are query-only).
    fn lang_base(&self) -> String {
        if self.path.is_empty() {
            String::new()
        } else {
            self.href(&self.path)
        }
    }

    pub fn site_name(&self) -> &str {
        &self.state.cfg.site.name
    }
}

/// The parts of one page.
#[derive(Default)]
pub struct Doc<'a> {
    pub title: &'a str,
    /// Extra `<head>` elements (canonical link, Open Graph).
    pub head: Option<Markup>,
    pub body: Markup,
    /// Same-origin scripts under `/static/` (`app.js` is always there).
    pub scripts: &'a [&'a str],
    /// Ask search engines not to index or follow the page.
    pub noindex: bool,
    /// Data for scripts, as a non-executed JSON block (the CSP allows no inline script).
    pub data_json: Option<String>,
}

pub fn render(ctx: &Ctx, doc: Doc) -> String {
    let site = ctx.site_name();
    let full_title = if doc.title.is_empty() || doc.title == site {
        site.to_owned()
    } else {
        format!("{} – {site}", doc.title)
    };
    let markup = html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (full_title) }
                @if doc.noindex { meta name="robots" content="noindex, nofollow"; }
                link rel="icon" type="image/svg+xml" href=(assets::url(ctx, "favicon.svg"));
                link rel="stylesheet" href=(assets::url(ctx, "app.css"));
                meta property="og:site_name" content=(site);
                @if let Some(h) = doc.head { (h) }
                @if let Some(json) = &doc.data_json {
                    // `<` is escaped inside the JSON, so the block cannot be closed early.
                    script type="application/json" id="page-data" { (PreEscaped(json.replace('<', "\\u003c"))) }
                }
                script src=(assets::url(ctx, "app.js")) defer {}
                @for s in doc.scripts { script src=(assets::url(ctx, s)) defer {} }
            }
            body {
                a.skip href="#content" { (ctx.t("nav.skip")) }
                header.site-header {
                    a.brand href=(ctx.href("/")) {
                        img src=(assets::url(ctx, "favicon.svg")) alt="";
                        span { (site) }
                    }
                    nav aria-label="Site" {
                        a href=(ctx.href("/")) { (ctx.t("nav.upload")) }
                        a href=(ctx.href("/api")) { (ctx.t("nav.api")) }
                    }
                }
                main #content { (doc.body) }
                footer.site-footer {
                    p {
                        (ctx.t("footer.powered")) " · "
                        span { (ctx.t("footer.language")) ": " }
                        @for (i, l) in Lang::ALL.iter().enumerate() {
                            @if i > 0 { " · " }
                            @if *l == ctx.lang {
                                strong lang=(l.code()) { (l.t("lang.name")) }
                            } @else {
                                a lang=(l.code()) hreflang=(l.code()) href={(ctx.lang_base()) "?lang=" (l.code())} { (l.t("lang.name")) }
                            }
                        }
                    }
                }
            }
        }
    };
    markup.into_string()
}
