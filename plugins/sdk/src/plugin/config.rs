//! Typed configuration: the host hands a plugin its table as JSON text; the SDK turns it into
//! the plugin's own `#[derive(Deserialize)]` type, with errors that name the offending key.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::PluginError;

/// Parse a plugin's configuration text into `C`.
///
/// When nothing is configured the host sends `null`; that reads as an empty table first (so a
/// struct whose fields all have defaults just works), then as `null` (so `()` and `Option<_>`
/// work). Errors are [`PluginErrorKind::Config`](super::PluginErrorKind::Config) and start with
/// the path of the key at fault (`amount: invalid type: string "abc", expected f32`).
pub fn parse_config<C: DeserializeOwned>(text: &str) -> Result<C, PluginError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| PluginError::config(format!("configuration is not JSON: {e}")))?;
    if value.is_null() {
        let as_table = typed(Value::Object(Default::default()));
        return as_table.or_else(|first| typed(Value::Null).map_err(|_| first));
    }
    typed(value)
}

fn typed<C: DeserializeOwned>(value: Value) -> Result<C, PluginError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            PluginError::config(format!("configuration: {inner}"))
        } else {
            PluginError::config(format!("{path}: {inner}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::plugin::PluginErrorKind;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Sepia {
        #[serde(default = "one")]
        amount: f32,
        #[serde(default)]
        inner: Inner,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    struct Inner {
        #[serde(default)]
        depth: u8,
    }

    fn one() -> f32 {
        1.0
    }

    #[derive(Debug, Deserialize)]
    struct Store {
        #[allow(dead_code)]
        root: String,
    }

    #[test]
    fn errors_name_the_key_and_defaults_fill_in() {
        let cases: [(&str, Result<Sepia, &str>); 6] = [
            (
                "null",
                Ok(Sepia {
                    amount: 1.0,
                    inner: Inner::default(),
                }),
            ),
            (
                r#"{"amount": 0.5}"#,
                Ok(Sepia {
                    amount: 0.5,
                    inner: Inner::default(),
                }),
            ),
            (r#"{"amount": "abc"}"#, Err("amount: invalid type: string")),
            (
                r#"{"inner": {"depth": 300}}"#,
                Err("inner.depth: invalid value"),
            ),
            (r#"{"colour": 1}"#, Err("colour: unknown field `colour`")),
            ("{", Err("configuration is not JSON")),
        ];
        for (text, want) in cases {
            match (parse_config::<Sepia>(text), want) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{text}"),
                (Err(e), Err(prefix)) => {
                    assert_eq!(e.kind, PluginErrorKind::Config, "{text}");
                    assert!(e.message.starts_with(prefix), "{text}: {}", e.message);
                }
                (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn a_required_key_that_is_missing_is_named() {
        let e = parse_config::<Store>("null").unwrap_err();
        assert!(e.message.contains("missing field `root`"), "{}", e.message);
        parse_config::<()>("null").unwrap();
        assert!(parse_config::<Option<Inner>>("null").unwrap().is_some());
    }
}
