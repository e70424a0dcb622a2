//! The shape of a user key, `chv_<encoded id>_<128 hex>`, checked before anything is looked up
//! or hashed: a malformed key costs a few comparisons.

/// Encoded ids are short base-62 strings; anything longer is not one of ours.
const MAX_ID_LEN: usize = 32;
const SECRET_HEX: usize = 128;

/// The encoded id of a well-formed key.
pub fn key_id(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("chv_")?;
    let (id, secret) = rest.split_once('_')?;
    let id_ok =
        (1..=MAX_ID_LEN).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric());
    let secret_ok = secret.len() == SECRET_HEX && secret.bytes().all(|b| b.is_ascii_hexdigit());
    (id_ok && secret_ok).then_some(id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_well_formed_keys_pass() {
        let hex = "0123456789abcdef".repeat(8);
        let good = format!("chv_AbC9_{hex}");
        assert_eq!(super::key_id(&good), Some("AbC9"));
        let bad = [
            String::new(),
            format!("chv__{hex}"),
            format!("chv_AbC9_{}", &hex[1..]),
            format!("chv_AbC9_{hex}0"),
            format!("chv_AbC9_{}g", &hex[1..]),
            format!("chv_Ab_C9_{hex}"),
            format!("chx_AbC9_{hex}"),
            format!("chv_{}_{hex}", "a".repeat(33)),
            format!("chv_Ab-9_{hex}"),
            "chv_AbC9_anything".into(),
        ];
        for key in bad {
            assert_eq!(super::key_id(&key), None, "{key}");
        }
    }
}
