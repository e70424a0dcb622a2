//! The OpenAPI document (`/api/1/openapi.json`, kept by hand) held to the code: the parameters
//! the server reads, the keys and JSON types of real upload answers, and every message/code pair
//! the server can answer with. Each side fails naming what the other lacks.

#[path = "../common/mod.rs"]
mod common;

mod catalogue;
mod document;
mod parameters;
mod responses;
mod schema;
mod source_scan;

use serde_json::Value;

/// The document as the server serves it.
pub async fn fetch(s: &common::TestServer) -> Value {
    serde_json::from_str(&fetch_text(s).await).expect("the document is JSON")
}

/// The document's text, for key order (`serde_json::Value` sorts keys).
pub async fn fetch_text(s: &common::TestServer) -> String {
    let r = common::table::client()
        .get(format!("{}/api/1/openapi.json", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("application/json"), "{ct}");
    r.text().await.unwrap()
}

/// Follows a local `$ref` (`#/components/...`).
pub fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(
            doc,
            doc.pointer(r.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("dangling $ref {r}")),
        ),
        None => v,
    }
}

/// The upload operations, by method.
pub fn operations(doc: &Value) -> [(&'static str, &Value); 2] {
    let path = &doc["paths"]["/api/1/upload"];
    assert!(path.is_object(), "paths./api/1/upload");
    ["get", "post"].map(|m| (m, &path[m]))
}
