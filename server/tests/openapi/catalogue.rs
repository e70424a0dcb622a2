//! Every message/code pair the server can answer with, read from its source (each place an
//! `ApiError` is made), against the error examples of the document, both ways. A way of making an
//! error this reader does not understand fails the test rather than going unchecked.

use serde_json::Value;

use crate::source_scan::{scan, sources};
use crate::{common, fetch, resolve};

/// Errors whose message comes from elsewhere (a pipeline stage): the argument as written, the
/// code, and what the document's example for it must look like.
const PASS_THROUGH: [(&str, i64, &str); 4] = [
    ("e.message.clone()", 400, "{}"),
    ("e.message.clone()", 613, "{}"),
    ("e.message.clone()", 400, "{}"),
    ("m", 100, "Invalid video file provided: {}"),
];

/// Whether `message` is `template` with each `{}` filled by at least one character.
fn fills(template: &str, message: &str) -> bool {
    let mut pieces = template.split("{}");
    let Some(mut rest) = message.strip_prefix(pieces.next().unwrap_or_default()) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    for (i, piece) in pieces.iter().enumerate() {
        let Some(first) = rest.chars().next() else {
            return false;
        };
        let after = &rest[first.len_utf8()..];
        let at = if i + 1 == pieces.len() {
            after
                .len()
                .checked_sub(piece.len())
                .filter(|_| after.ends_with(piece))
        } else {
            after.find(piece)
        };
        let Some(at) = at else {
            return false;
        };
        rest = &after[at + piece.len()..];
    }
    rest.is_empty()
}

/// The documented error examples: `(status, message, code)` of every JSON example of every
/// non-2xx response of every operation (the upload endpoint and the album extension), each
/// checked for the error body's own shape.
fn documented(doc: &Value) -> Vec<(u16, String, i64)> {
    let mut out = Vec::new();
    let all = doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .flat_map(|path| path.as_object().into_iter().flat_map(|ops| ops.iter()));
    for (method, op) in all {
        for (status, response) in op["responses"].as_object().unwrap() {
            let status: u16 = status.parse().unwrap();
            if status < 400 {
                continue;
            }
            let content = &resolve(doc, response)["content"]["application/json"];
            let examples = content["examples"]
                .as_object()
                .into_iter()
                .flat_map(|m| m.values());
            for example in examples {
                let v = &resolve(doc, example)["value"];
                let reason = reqwest::StatusCode::from_u16(status)
                    .unwrap()
                    .canonical_reason();
                assert_eq!(v["status_code"], status, "{method} {status}: {v}");
                assert_eq!(v["status_txt"].as_str(), reason, "{method} {status}: {v}");
                let message = v["error"]["message"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{v}"));
                out.push((
                    status,
                    message.to_owned(),
                    v["error"]["code"].as_i64().unwrap(),
                ));
            }
        }
    }
    out
}

#[tokio::test]
async fn every_error_is_documented_and_every_documented_error_exists() {
    let mut files = Vec::new();
    sources(&upstage_testenv::package_dir().join("src"), &mut files);
    let (mut pairs, mut other) = (Vec::new(), Vec::new());
    for f in &files {
        scan(&std::fs::read_to_string(f).unwrap(), &mut pairs, &mut other);
    }
    assert!(
        pairs.len() >= 20,
        "the reader found too few errors: {pairs:?}"
    );
    let mut want: Vec<(String, i64)> = PASS_THROUGH
        .iter()
        .map(|(a, c, _)| (a.to_string(), *c))
        .collect();
    want.sort();
    other.sort();
    assert_eq!(
        other, want,
        "errors with a message made elsewhere: update PASS_THROUGH"
    );
    let s = common::start().await;
    let doc = fetch(&s).await;
    let examples = documented(&doc);
    let mut missing: Vec<String> = pairs
        .iter()
        .filter(|p| {
            !examples
                .iter()
                .any(|(st, m, c)| *st == p.status && *c == p.code && fills(&p.message, m))
        })
        .map(|p| format!("{} {:?} {}", p.status, p.message, p.code))
        .collect();
    for (arg, code, template) in PASS_THROUGH {
        if !examples
            .iter()
            .any(|(st, m, c)| *st == 400 && *c == code && fills(template, m))
        {
            missing.push(format!("400 {template:?} {code} (from {arg})"));
        }
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "errors the document has no example of:\n{}",
        missing.join("\n")
    );
    let unknown: Vec<String> = examples
        .iter()
        .filter(|(st, m, c)| {
            let made = pairs
                .iter()
                .any(|p| p.status == *st && p.code == *c && fills(&p.message, m));
            let passed = PASS_THROUGH
                .iter()
                .any(|(_, code, t)| *st == 400 && code == c && fills(t, m));
            !made && !passed
        })
        .map(|(st, m, c)| format!("{st} {m:?} {c}"))
        .collect();
    assert!(
        unknown.is_empty(),
        "documented errors the server never makes:\n{}",
        unknown.join("\n")
    );
}
