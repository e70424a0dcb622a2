//! `Content-Disposition` parameters of a multipart part read from the raw header bytes, for the
//! parts the multipart parser cannot name: a file name that is not UTF-8 (e.g. Latin-1 from old
//! clients) or only given as an RFC 5987 `filename*`.

use axum::http::header::CONTENT_DISPOSITION;
use axum::http::HeaderMap;

/// The file name of a part whose `Content-Disposition` the multipart parser could not read as
/// UTF-8 (e.g. a Latin-1 name) or that only has an RFC 5987 `filename*`.
pub(super) fn raw_file_name(headers: &HeaderMap) -> Option<String> {
    let bytes = headers.get(CONTENT_DISPOSITION)?.as_bytes();
    // Not UTF-8: most likely Latin-1 (old clients), where every byte is its own code point.
    let raw = std::str::from_utf8(bytes).map_or_else(
        |_| bytes.iter().map(|&b| char::from(b)).collect(),
        str::to_owned,
    );
    let params = disposition_params(&raw);
    let find = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.clone())
    };
    find("filename").or_else(|| {
        let ext = find("filename*")?;
        // charset'language'percent-encoded
        let mut it = ext.splitn(3, '\'');
        let (_, _, value) = (it.next()?, it.next()?, it.next()?);
        Some(
            percent_encoding::percent_decode_str(value)
                .decode_utf8_lossy()
                .into_owned(),
        )
    })
}

/// `form-data; name="a"; filename="b;c.jpg"` → `[(name, a), (filename, b;c.jpg)]`.
fn disposition_params(raw: &str) -> Vec<(String, String)> {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in raw.chars() {
        match c {
            _ if escaped => {
                current.push(c);
                escaped = false;
            }
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => segments.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    segments.push(current);
    segments
        .into_iter()
        .skip(1)
        .filter_map(|s| {
            let (k, v) = s.split_once('=')?;
            Some((k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_disposition_parameters() {
        assert_eq!(
            disposition_params(r#"form-data; name="source"; filename="a;\"b\".jpg""#),
            [
                ("name".to_owned(), "source".to_owned()),
                ("filename".to_owned(), "a;\"b\".jpg".to_owned())
            ]
        );
        let mut h = HeaderMap::new();
        h.insert(
            CONTENT_DISPOSITION,
            axum::http::HeaderValue::from_bytes(
                b"form-data; name=\"source\"; filename=\"caf\xe9.jpg\"",
            )
            .unwrap(),
        );
        assert_eq!(raw_file_name(&h).as_deref(), Some("caf\u{e9}.jpg"));
        h.insert(
            CONTENT_DISPOSITION,
            axum::http::HeaderValue::from_static(
                "form-data; name=\"source\"; filename*=UTF-8''caf%C3%A9.jpg",
            ),
        );
        assert_eq!(raw_file_name(&h).as_deref(), Some("caf\u{e9}.jpg"));
    }
}

/// Properties over generated headers: any header value is read without a panic, and a file name
/// written quoted (UTF-8 or Latin-1) or as `filename*` comes back as it was sent.
#[cfg(test)]
mod fuzz {
    use super::*;
    use axum::http::HeaderValue;
    use upstage_fuzz::proptest::prelude::*;
    use upstage_fuzz::{fuzz_values, Verdict};

    /// `None` for bytes no header value can hold (the HTTP layer refuses those first).
    fn read(header: &[u8]) -> Result<Option<String>, String> {
        let Ok(value) = HeaderValue::from_bytes(header) else {
            return Ok(None);
        };
        let mut h = HeaderMap::new();
        h.insert(CONTENT_DISPOSITION, value);
        Ok(raw_file_name(&h))
    }

    fn expect(header: &[u8], want: &str) -> Verdict {
        match read(header)? {
            Some(got) if got == want => Ok(()),
            got => Err(format!(
                "{:?}: {got:?}, expected {want:?}",
                String::from_utf8_lossy(header)
            )),
        }
    }

    /// Names of printable characters, Latin-1 and beyond, quotes, backslashes and separators.
    fn name() -> impl Strategy<Value = String> {
        let c = prop_oneof![
            prop::sample::select(vec!['"', '\\', ';', '=', '\'', ' ', '%', '*', 'é', 'ÿ']),
            any::<char>().prop_filter("printable", |c| !c.is_control()),
        ];
        prop::collection::vec(c, 1..24).prop_map(|v| v.into_iter().collect())
    }

    fn quoted(name: &str) -> String {
        name.replace('\\', "\\\\").replace('"', "\\\"")
    }

    #[test]
    fn any_header_is_read_without_a_panic() {
        let header = prop::collection::vec(
            prop_oneof![
                prop::sample::select(b"\"\\;= '*%fFilenamNAME".to_vec()),
                0x20u8..=0xFF,
            ],
            0..80,
        );
        fuzz_values("disposition-any", 2000, header, |h| {
            let mut v = b"form-data; ".to_vec();
            v.extend_from_slice(h);
            read(&v).map(|_| ())
        });
    }

    #[test]
    fn file_names_round_trip() {
        fuzz_values("disposition-names", 2000, name(), |name| {
            let trimmed = name.trim();
            // Whitespace around a quoted name is not kept (nor sent by any real client).
            let header = format!("form-data; name=\"source\"; filename=\"{}\"", quoted(name));
            if !trimmed.is_empty() {
                expect(header.as_bytes(), trimmed)?;
            }
            let encoded =
                percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
            expect(
                format!("form-data; name=\"source\"; filename*=UTF-8''{encoded}").as_bytes(),
                name,
            )?;
            let latin1: Option<Vec<u8>> = quoted(trimmed)
                .chars()
                .map(|c| u8::try_from(c).ok())
                .collect();
            match latin1 {
                Some(bytes) if !trimmed.is_empty() && std::str::from_utf8(&bytes).is_err() => {
                    let mut h = b"form-data; name=\"source\"; filename=\"".to_vec();
                    h.extend_from_slice(&bytes);
                    h.push(b'"');
                    expect(&h, trimmed)
                }
                _ => Ok(()),
            }
        });
    }
}
