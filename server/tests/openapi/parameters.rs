//! The parameters: exactly those the server reads (`upstage_server::api::PARAMETERS`, the list
//! its parameter reader is held to), in the GET query, in both POST body types, and the POST
//! query parameters among them.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::{common, fetch, resolve};

fn set<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeSet<&'a str> {
    names.into_iter().collect()
}

/// The names of an operation's parameters in `place` (`query`, `header`).
fn declared<'a>(doc: &'a Value, op: &'a Value, place: &str) -> BTreeSet<&'a str> {
    op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| resolve(doc, p))
        .filter(|p| p["in"] == place)
        .map(|p| p["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn documented_parameters_are_the_ones_read() {
    let s = common::start().await;
    let doc = fetch(&s).await;
    let read = set(upstage_server::api::PARAMETERS);
    let path = &doc["paths"]["/api/1/upload"];
    // GET takes every parameter from the query string.
    assert_eq!(
        declared(&doc, &path["get"], "query"),
        read,
        "GET query parameters"
    );
    // POST: both body types carry every parameter; the query may carry some of them.
    let body = resolve(&doc, &path["post"]["requestBody"]);
    for ct in ["multipart/form-data", "application/x-www-form-urlencoded"] {
        let schema = resolve(&doc, &body["content"][ct]["schema"]);
        let props = schema["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{ct}"));
        assert_eq!(
            set(props.keys().map(String::as_str)),
            read,
            "{ct} properties"
        );
    }
    let query = declared(&doc, &path["post"], "query");
    assert!(
        query.is_subset(&read),
        "POST query parameters not read: {:?}",
        &query - &read
    );
    // The key header, on both operations.
    for m in ["get", "post"] {
        assert_eq!(
            declared(&doc, &path[m], "header"),
            set(["X-API-Key"]),
            "{m} headers"
        );
    }
}
