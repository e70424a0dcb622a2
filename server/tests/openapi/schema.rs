//! Whether a real JSON answer fits a schema of the document: JSON types, `const`, `enum`, and for
//! objects the exact keys in the schema's order. `serde_json::Value` sorts keys, so both orders
//! are read from the texts: schemas are addressed by JSON pointer into the document's text.

use serde_json::Value;

use crate::common::keys_in_order;

pub struct Doc {
    pub v: Value,
    pub text: String,
}

fn segments(ptr: &str) -> Vec<String> {
    ptr.split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl Doc {
    /// The pointer of the schema at `ptr`, `$ref`s followed.
    pub fn resolve(&self, ptr: &str) -> String {
        let node = self
            .v
            .pointer(ptr)
            .unwrap_or_else(|| panic!("no schema at {ptr}"));
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => self.resolve(r.trim_start_matches('#')),
            None => ptr.to_owned(),
        }
    }

    /// Checks `v`, found at `path` (object keys) in the answer `raw`, against the schema at
    /// `ptr`. Inside arrays (`path` is `None`) key sets are compared, not their order.
    pub fn fits(
        &self,
        ptr: &str,
        v: &Value,
        raw: &str,
        path: Option<&[String]>,
    ) -> Result<(), String> {
        let at = || path.map_or("(array item)".to_owned(), |p| p.join("."));
        let ptr = self.resolve(ptr);
        let schema = self.v.pointer(&ptr).expect("resolved");
        for combinator in ["oneOf", "anyOf"] {
            if let Some(alts) = schema[combinator].as_array() {
                let tries: Vec<_> = (0..alts.len())
                    .map(|i| self.fits(&format!("{ptr}/{combinator}/{i}"), v, raw, path))
                    .collect();
                if tries.iter().any(Result::is_ok) {
                    return Ok(());
                }
                let why: Vec<String> = tries.into_iter().filter_map(Result::err).collect();
                return Err(format!(
                    "{}: no alternative of {ptr} fits ({})",
                    at(),
                    why.join("; ")
                ));
            }
        }
        let t = json_type(v);
        let types: Vec<&str> = match &schema["type"] {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let type_ok = types.contains(&t) || (t == "integer" && types.contains(&"number"));
        if !types.is_empty() && !type_ok {
            return Err(format!("{}: {t} {v}, {ptr} says {types:?}", at()));
        }
        if schema.get("const").is_some_and(|c| c != v) {
            return Err(format!(
                "{}: {v}, {ptr} has const {}",
                at(),
                schema["const"]
            ));
        }
        if let Some(e) = schema["enum"].as_array() {
            if !e.contains(v) {
                return Err(format!("{}: {v} is not in the enum of {ptr}: {e:?}", at()));
            }
        }
        match v {
            Value::Object(m) if schema["properties"].is_object() => {
                let mut props_path = segments(&ptr);
                props_path.push("properties".into());
                let want = keys_in_order(
                    &self.text,
                    &props_path.iter().map(String::as_str).collect::<Vec<_>>(),
                );
                let mut got: Vec<String> = match path {
                    Some(p) => {
                        keys_in_order(raw, &p.iter().map(String::as_str).collect::<Vec<_>>())
                    }
                    None => m.keys().cloned().collect(),
                };
                // Properties outside `required` may be absent (a schema without `required`
                // requires them all); the rest keep the schema's order.
                let required: Vec<&str> = schema["required"]
                    .as_array()
                    .map_or(want.iter().map(String::as_str).collect(), |r| {
                        r.iter().filter_map(Value::as_str).collect()
                    });
                let mut want_cmp: Vec<String> = want
                    .iter()
                    .filter(|k| required.contains(&k.as_str()) || m.contains_key(*k))
                    .cloned()
                    .collect();
                if path.is_none() {
                    got.sort();
                    want_cmp.sort();
                }
                if got != want_cmp {
                    let extra: Vec<_> = got.iter().filter(|k| !want_cmp.contains(k)).collect();
                    let missing: Vec<_> = want_cmp.iter().filter(|k| !got.contains(k)).collect();
                    let first = got.iter().zip(&want_cmp).position(|(a, b)| a != b);
                    return Err(format!(
                        "{}: keys differ from {ptr}: not in the schema {extra:?}, missing \
                         {missing:?}, first out of order at {first:?}",
                        at()
                    ));
                }
                for k in want.iter().filter(|k| m.contains_key(*k)) {
                    let child = path.map(|p| [p, std::slice::from_ref(k)].concat());
                    let sub = format!(
                        "{ptr}/properties/{}",
                        k.replace('~', "~0").replace('/', "~1")
                    );
                    self.fits(&sub, &m[k], raw, child.as_deref())?;
                }
            }
            Value::Array(items) if schema["items"].is_object() => {
                for item in items {
                    self.fits(&format!("{ptr}/items"), item, raw, None)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}
