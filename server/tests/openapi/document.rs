//! The document's own shape: OpenAPI 3.1, the key header scheme, responses with JSON schemas,
//! `source` as a file, base64 or a URL, and no dangling `$ref`.

use serde_json::Value;

use crate::{common, fetch, operations, resolve};

#[tokio::test]
async fn the_document_is_well_formed() {
    let s = common::start().await;
    let doc = fetch(&s).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["info"]["title"].is_string());
    assert!(doc["info"]["version"].is_string());
    // The X-API-Key header scheme, used by the operations (with the key parameter as the other
    // way to authenticate).
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert!(schemes
        .values()
        .any(|s| s["type"] == "apiKey" && s["in"] == "header" && s["name"] == "X-API-Key"));
    for (method, op) in operations(&doc) {
        assert!(op.is_object(), "{method}");
        assert!(op["security"].is_array(), "{method}: security");
        let ok = resolve(&doc, &op["responses"]["200"]);
        let bad = resolve(&doc, &op["responses"]["400"]);
        assert!(ok["content"]["application/json"]["schema"].is_object());
        assert!(
            ok["content"]["text/plain"].is_object(),
            "{method}: format=txt"
        );
        assert!(bad["content"]["application/json"]["schema"].is_object());
        let schema = resolve(&doc, &bad["content"]["application/json"]["schema"]);
        let err = resolve(&doc, &schema["properties"]["error"]);
        assert!(err["properties"]["message"].is_object());
        assert!(err["properties"]["code"].is_object());
    }
    // `source` in a multipart body: a file, base64 text or a URL.
    let post = &doc["paths"]["/api/1/upload"]["post"];
    let body = resolve(&doc, &post["requestBody"]);
    let multipart = resolve(&doc, &body["content"]["multipart/form-data"]["schema"]);
    let source = resolve(&doc, &multipart["properties"]["source"]);
    let kinds: Vec<String> = source["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|alt| {
            let alt = resolve(&doc, alt);
            [&alt["format"], &alt["contentEncoding"]]
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    assert!(kinds.iter().any(|k| k.contains("binary")), "{kinds:?}");
    assert!(kinds.iter().any(|k| k.contains("base64")), "{kinds:?}");
    assert!(kinds.iter().any(|k| k == "uri"), "{kinds:?}");
    walk(&doc, &doc);
}

/// Every `$ref` resolves.
fn walk(doc: &Value, v: &Value) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                let found = doc.pointer(r.trim_start_matches('#'));
                assert!(found.is_some(), "dangling $ref {r}");
            }
            m.values().for_each(|x| walk(doc, x));
        }
        Value::Array(a) => a.iter().for_each(|x| walk(doc, x)),
        _ => {}
    }
}
