//! `/`: the uploader. The page is server-rendered in the visitor's language; `upload.js` adds
//! drag and drop, paste, previews with per-file options, parallel uploads with progress, cancel
//! and retry, and the links. It talks to `/api/1/upload` like any other client.

use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{html, Markup};

use super::layout::{self, Ctx, Doc};
use super::page::{self, Kind};
use crate::state::Shared;

/// The `expiration` presets the uploader offers (a subset of what the API accepts).
pub const EXPIRATIONS: [&str; 6] = ["PT5M", "PT1H", "P1D", "P1W", "P1M", "P1Y"];

pub async fn show(
    State(state): State<Shared>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let ctx = Ctx::new(&state, &headers, Some(&uri));
    let cfg = &state.cfg;
    let data = serde_json::json!({
        "lang": ctx.lang.code(),
        "endpoint": ctx.href("/api/1/upload"),
        "albums": ctx.href("/api/1/albums"),
        "guest": cfg.guest.enabled,
        // The guest key is public by design (the reference shows it to every visitor); the
        // page sends it when the visitor has no key of their own.
        "guestKey": cfg.guest.key.as_deref().filter(|_| cfg.guest.enabled),
        "urlUploads": cfg.url_uploads.enabled,
        "maxBytes": state.limits().max_bytes,
        "strings": serde_json::from_str::<serde_json::Value>(ctx.lang.catalogue_json())
            .unwrap_or_default(),
    });
    let max = state.max_bytes_text();
    let doc = Doc {
        title: ctx.t("home.title"),
        body: body(&ctx, &max, cfg.guest.enabled, cfg.url_uploads.enabled),
        scripts: &["upload-ui.js", "upload.js"],
        data_json: Some(data.to_string()),
        ..Doc::default()
    };
    let resp = page::html(
        &state,
        StatusCode::OK,
        Kind::Public,
        layout::render(&ctx, doc),
    );
    page::remember_lang(resp, uri.query())
}

fn expiration_options(ctx: &Ctx, first: &str) -> Markup {
    html! {
        option value="" { (ctx.t(first)) }
        @for e in EXPIRATIONS { option value=(e) { (ctx.t(&format!("exp.{e}"))) } }
    }
}

fn body(ctx: &Ctx, max: &str, guest: bool, url_uploads: bool) -> Markup {
    html! {
        h1 { (ctx.t("home.title")) }
        noscript { p.errors { (ctx.t("home.noscript")) } }
        section.panel #auth aria-labelledby="auth-title" {
            h2 #auth-title { (ctx.t("auth.title")) }
            p.hint { (ctx.t(if guest { "auth.guest" } else { "auth.hint" })) }
            div.bar {
                label.visually-hidden for="api-key" { (ctx.t("auth.title")) }
                input #api-key type="password" autocomplete="off" spellcheck="false";
                button #key-save type="button" { (ctx.t("auth.save")) }
                button #key-clear type="button" hidden { (ctx.t("auth.clear")) }
            }
            p #key-state .hint aria-live="polite" {}
        }
        div #dropzone .dropzone {
            p { strong { (ctx.t("home.drop")) } " "
                button #browse type="button" { (ctx.t("home.browse")) } }
            p.hint { (ctx.tf("home.formats", &[("max", max)])) }
            input #file-input type="file" multiple hidden
                accept="image/*,video/mp4,video/quicktime,video/webm";
            @if url_uploads {
                div.bar {
                    label for="url-input" { (ctx.t("home.url_label")) }
                    input #url-input type="url" placeholder="https://";
                    button #url-add type="button" { (ctx.t("home.url_add")) }
                }
            }
        }
        p #customize .hint hidden { (ctx.t("home.customize")) }
        ul #queue .queue {}
        section.panel #batch aria-labelledby="batch-title" {
            h2 #batch-title { (ctx.t("batch.title")) }
            label for="batch-album" { (ctx.t("batch.album")) }
            select #batch-album {
                option value="" { (ctx.t("batch.album_none")) }
                option value="new" { (ctx.t("batch.album_new")) }
            }
            div #batch-album-new-row hidden {
                label for="batch-album-new" { (ctx.t("batch.album_new_name")) }
                input #batch-album-new type="text" maxlength="100";
            }
            label for="batch-expiration" { (ctx.t("batch.expiration")) }
            select #batch-expiration { (expiration_options(ctx, "exp.none")) }
            label.check { input #batch-nsfw type="checkbox"; (ctx.t("batch.nsfw")) }
        }
        div.bar {
            button.primary #start type="button" disabled { (ctx.t("upload.start")) }
            button #cancel-all type="button" hidden { (ctx.t("upload.cancel_all")) }
            button #retry-failed type="button" hidden { (ctx.t("upload.retry_failed")) }
            button #clear type="button" hidden { (ctx.t("upload.clear")) }
        }
        div #progress hidden {
            p #progress-text aria-live="polite" {}
            progress #progress-bar max="100" value="0" aria-labelledby="progress-text" {}
            p.hint { (ctx.t("upload.queue_note")) }
        }
        section #errors .errors hidden aria-labelledby="errors-title" {
            h2 #errors-title { (ctx.t("errors.title")) }
            ul #error-list {}
        }
        section #results hidden aria-labelledby="results-title" {
            h2 #results-title { (ctx.t("done.title")) }
            div #batch-links {}
            div #file-links {}
            div.panel #album-create {
                h3 { (ctx.t("album.create")) }
                label for="album-name" { (ctx.t("album.name")) }
                input #album-name type="text" maxlength="100";
                div.bar { button.primary #album-create-btn type="button" { (ctx.t("album.create_button")) } }
                p #album-result aria-live="polite" {}
            }
        }
        dialog #file-dialog aria-labelledby="file-dialog-title" {
            form method="dialog" {
                h2 #file-dialog-title {}
                label for="f-title" { (ctx.t("file.title")) }
                input #f-title type="text" maxlength="100";
                label for="f-description" { (ctx.t("file.description")) }
                textarea #f-description rows="3" {}
                label for="f-expiration" { (ctx.t("batch.expiration")) }
                select #f-expiration { (expiration_options(ctx, "exp.inherit")) }
                label.check { input #f-nsfw type="checkbox"; (ctx.t("file.nsfw")) }
                div.bar { button.primary #f-close value="ok" { (ctx.t("file.close")) } }
            }
        }
    }
}
