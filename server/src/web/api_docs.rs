//! `/api`: the API documentation, rendered on the server from the OpenAPI document the API
//! serves (`/api/1/openapi.json`), with a curl example. No script, nothing from elsewhere.

use std::sync::LazyLock;

use axum::extract::{OriginalUri, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::Response;
use maud::{html, Markup};
use serde_json::Value;

use super::layout::{self, Ctx, Doc};
use super::page::{self, Kind};
use crate::state::Shared;

static SPEC: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(crate::api::OPENAPI).unwrap_or_default());

static NULL: Value = Value::Null;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// A `$ref` inside the document, followed; anything else as it is.
fn resolve(v: &Value) -> &Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix('#')
            .and_then(|p| SPEC.pointer(p))
            .unwrap_or(v),
        None => v,
    }
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Text with `code` spans, as paragraphs: every piece is escaped by the template.
fn prose(text: &str) -> Markup {
    html! {
        @for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
            p {
                @for (i, piece) in para.split('`').enumerate() {
                    @if i % 2 == 1 { code { (piece) } } @else { (piece) }
                }
            }
        }
    }
}

fn type_of(schema: &Value) -> String {
    let schema = resolve(schema);
    match (s(schema, "type"), s(schema, "format")) {
        ("", _) => "any".into(),
        (t, "") => t.into(),
        (t, f) => format!("{t} ({f})"),
    }
}

fn parameters(op: &Value) -> Markup {
    let params: Vec<&Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(resolve).collect())
        .unwrap_or_default();
    html! {
        @if !params.is_empty() {
            h3 { "Parameters" }
            table {
                thead { tr { th { "name" } th { "in" } th { "type" } th { "description" } } }
                tbody {
                    @for p in params {
                        tr {
                            td { code { (s(p, "name")) } @if p.get("required") == Some(&Value::Bool(true)) { " *" } }
                            td { (s(p, "in")) }
                            td { (p.get("schema").map(type_of).unwrap_or_default()) }
                            td { (prose(s(p, "description"))) }
                        }
                    }
                }
            }
        }
    }
}

fn body_fields(op: &Value) -> Markup {
    let content = op
        .get("requestBody")
        .map(resolve)
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object);
    html! {
        @if let Some(content) = content {
            @for (mime, media) in content {
                @let schema = media.get("schema").map(resolve).unwrap_or(&NULL);
                @if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                    h3 { "Body (" code { (mime) } ")" }
                    table {
                        thead { tr { th { "field" } th { "type" } th { "description" } } }
                        tbody {
                            @for (name, p) in props {
                                tr { td { code { (name) } } td { (type_of(p)) } td { (prose(s(resolve(p), "description"))) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn responses(op: &Value) -> Markup {
    html! {
        @if let Some(r) = op.get("responses").and_then(Value::as_object) {
            h3 { "Responses" }
            table {
                thead { tr { th { "status" } th { "description" } } }
                tbody {
                    @for (code, resp) in r {
                        tr { td { (code) } td { (prose(s(resolve(resp), "description"))) } }
                    }
                }
            }
        }
    }
}

/// `/api`: the documentation for browsers (`Accept: text/html` on a GET), the API's own
/// "No version provided" answer for everything else, as API clients expect.
pub async fn api_root(
    state: State<Shared>,
    uri: OriginalUri,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html && (method == Method::GET || method == Method::HEAD) {
        show(state, uri, headers).await
    } else {
        crate::api::missing_version().await
    }
}

async fn show(
    State(state): State<Shared>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let ctx = Ctx::new(&state, &headers, Some(&uri));
    let info = SPEC.get("info").unwrap_or(&NULL);
    let endpoint = format!("{}/api/1/upload", state.base_url);
    let curl = format!(
        "curl -H \"X-API-Key: YOUR_KEY\" -F \"source=@photo.jpg\" {endpoint}\n\n\
         # an album of your own, with images you uploaded\n\
         curl -H \"X-API-Key: YOUR_KEY\" -d \"name=Holiday\" -d \"images=ID1,ID2\" {}/api/1/albums",
        state.base_url
    );
    let paths = SPEC.get("paths").and_then(Value::as_object);
    let body = html! {
        div.api-docs {
            h1 { (s(info, "title")) }
            p.hint { "Version " (s(info, "version")) " · " a href=(ctx.href("/api/1/openapi.json")) { "openapi.json" } }
            h2 { "Example" }
            // Focusable, so keyboard users can scroll a long line.
            pre tabindex="0" { code { (curl) } }
            (prose(s(info, "description")))
            @if let Some(paths) = paths {
                @for (path, item) in paths {
                    @for m in METHODS {
                        @if let Some(op) = item.get(m) {
                            section {
                                h2 id=(s(op, "operationId")) { code { (m.to_uppercase()) " " (path) } }
                                @if op.get("x-upstage-extension").is_some() {
                                    p { span.badge { "Upstage extension" } }
                                }
                                p { strong { (s(op, "summary")) } }
                                (prose(s(op, "description")))
                                (parameters(op))
                                (body_fields(op))
                                (responses(op))
                            }
                        }
                    }
                }
            }
        }
    };
    let doc = Doc {
        title: ctx.t("api.title"),
        body,
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
