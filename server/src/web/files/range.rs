//! The `Range` header of a request for an object of known size (RFC 9110 §14): one byte range
//! is served as 206; several ranges, other units or a malformed header are ignored (the whole
//! object, 200, as the RFC allows); a range that starts past the end is 416.

/// What to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wanted {
    Whole,
    /// Bytes `start..=end` of the object.
    Part {
        start: u64,
        end: u64,
    },
    Unsatisfiable,
}

pub fn parse(header: Option<&str>, size: u64) -> Wanted {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Wanted::Whole;
    };
    if spec.contains(',') {
        return Wanted::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Wanted::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let num = |s: &str| s.parse::<u64>().ok();
    match (first.is_empty(), last.is_empty()) {
        // `bytes=-N`: the last N bytes.
        (true, false) => match num(last) {
            Some(0) => Wanted::Unsatisfiable,
            Some(_) if size == 0 => Wanted::Unsatisfiable,
            Some(n) => Wanted::Part {
                start: size.saturating_sub(n),
                end: size - 1,
            },
            None => Wanted::Whole,
        },
        // `bytes=A-` or `bytes=A-B`.
        (false, _) => {
            let Some(start) = num(first) else {
                return Wanted::Whole;
            };
            let end = if last.is_empty() {
                Some(u64::MAX)
            } else {
                num(last)
            };
            match end {
                None => Wanted::Whole,
                Some(end) if end < start => Wanted::Whole,
                Some(_) if start >= size => Wanted::Unsatisfiable,
                Some(end) => Wanted::Part {
                    start,
                    end: end.min(size - 1),
                },
            }
        }
        (true, true) => Wanted::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_of_a_thousand_bytes() {
        let part = |start, end| Wanted::Part { start, end };
        let cases = [
            (None, Wanted::Whole),
            (Some("bytes=0-99"), part(0, 99)),
            (Some("bytes=900-"), part(900, 999)),
            (Some("bytes=900-5000"), part(900, 999)),
            (Some("bytes=-10"), part(990, 999)),
            (Some("bytes=-5000"), part(0, 999)),
            (Some("bytes=999-999"), part(999, 999)),
            (Some("bytes=1000-"), Wanted::Unsatisfiable),
            (Some("bytes=-0"), Wanted::Unsatisfiable),
            (Some("bytes=0-1,5-6"), Wanted::Whole),
            (Some("bytes=5-1"), Wanted::Whole),
            (Some("items=0-1"), Wanted::Whole),
            (Some("bytes=x-1"), Wanted::Whole),
            (Some("bytes=-"), Wanted::Whole),
        ];
        for (header, want) in cases {
            assert_eq!(parse(header, 1000), want, "{header:?}");
        }
        assert_eq!(parse(Some("bytes=0-"), 0), Wanted::Unsatisfiable);
    }
}
