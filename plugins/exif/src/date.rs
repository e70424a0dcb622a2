//! EXIF date and offset strings as cameras really write them. The standard says
//! `"YYYY:MM:DD HH:MM:SS"` padded with a NUL, but real files carry blanks for "unknown", dashes,
//! missing seconds and trailing junk. Anything we cannot read with confidence is `None`, so the
//! caller falls through to the next date tag instead of filing a photo under a made-up day.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};

/// The largest UTC offset in use anywhere (Line Islands, +14:00); beyond it a value is junk.
const MAX_OFFSET_HOURS: u32 = 14;

/// Parses a date-time tag. Some writers append a UTC offset to the value itself; it is returned
/// so it can stand in when the matching `OffsetTime*` tag is absent.
pub(crate) fn parse_datetime(raw: &[u8]) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
    let text = clean(raw);
    if is_placeholder(text) {
        return None;
    }
    let mut c = Cursor { s: text, pos: 0 };
    let year = c.digits(4, 4)?;
    c.one_of(b":-/.")?;
    let month = c.digits(1, 2)?;
    c.one_of(b":-/.")?;
    let day = c.digits(1, 2)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;

    // A date alone still files the photo under the right day.
    if c.skip_separators() == 0 {
        return c.at_end().then(|| (date.and_time(NaiveTime::MIN), None));
    }
    let hour = c.digits(1, 2)?;
    c.one_of(b":")?;
    let minute = c.digits(2, 2)?;
    let second = if c.one_of(b":").is_some() {
        c.digits(1, 2)?
    } else {
        0
    };
    if c.one_of(b".,").is_some() {
        // Sub-second digits: accepted, not kept (SubSecTime* is where they belong).
        c.digits(1, 9)?;
    }
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    c.skip_separators();
    let offset = if c.at_end() {
        None
    } else {
        Some(parse_offset(&text[c.pos..])?)
    };
    Some((date.and_time(time), offset))
}

/// Parses an `OffsetTime*` value: `"+02:00"`, `"-05:30"`, also `"+0200"`, `"+02"` and `"Z"`.
pub(crate) fn parse_offset(raw: &[u8]) -> Option<FixedOffset> {
    let text = clean(raw);
    if text == b"Z" || text == b"z" {
        return FixedOffset::east_opt(0);
    }
    let mut c = Cursor { s: text, pos: 0 };
    let sign: i32 = match c.one_of(b"+-")? {
        b'-' => -1,
        _ => 1,
    };
    let hours = c.digits(2, 2)?;
    let minutes = if c.at_end() {
        0
    } else {
        c.one_of(b":");
        c.digits(2, 2)?
    };
    if !c.at_end() || hours > MAX_OFFSET_HOURS || minutes >= 60 {
        return None;
    }
    let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
    FixedOffset::east_opt(sign * seconds)
}

/// The value up to its first NUL, without surrounding spaces.
fn clean(raw: &[u8]) -> &[u8] {
    let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
    raw[..end].trim_ascii()
}

/// Empty, all-zero (`"0000:00:00 00:00:00"`) and all-blank (`"    :  :     :  :  "`) values are
/// the standard's way of saying "unknown".
fn is_placeholder(text: &[u8]) -> bool {
    text.iter()
        .all(|b| matches!(b, b'0' | b':' | b' ' | b'-' | b'/' | b'.'))
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    fn one_of(&mut self, set: &[u8]) -> Option<u8> {
        let b = *self.s.get(self.pos)?;
        set.contains(&b).then(|| {
            self.pos += 1;
            b
        })
    }

    /// Between `min` and `max` ASCII digits (at most 9, so the value fits a `u32`).
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let run = self.s[self.pos..]
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if run < min {
            return None;
        }
        let value = self.s[self.pos..self.pos + run]
            .iter()
            .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
        self.pos += run;
        Some(value)
    }

    /// Skips the date/time separator (spaces or an ISO `T`); returns how many bytes it skipped.
    fn skip_separators(&mut self) -> usize {
        let start = self.pos;
        while self.one_of(b" T").is_some() {}
        self.pos - start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> Option<String> {
        parse_datetime(s.as_bytes()).map(|(d, _)| d.format("%Y-%m-%d %H:%M:%S").to_string())
    }

    fn off(s: &str) -> Option<i32> {
        parse_offset(s.as_bytes()).map(|o| o.local_minus_utc())
    }

    #[test]
    fn standard_form() {
        assert_eq!(
            dt("2014:09:01 15:03:47").as_deref(),
            Some("2014-09-01 15:03:47")
        );
    }

    #[test]
    fn trailing_nuls_and_spaces_are_ignored() {
        assert_eq!(
            dt("2014:09:01 15:03:47\0").as_deref(),
            Some("2014-09-01 15:03:47")
        );
        assert_eq!(
            dt("2014:09:01 15:03:47  \0\0").as_deref(),
            Some("2014-09-01 15:03:47")
        );
        assert_eq!(
            dt("2014:09:01 15:03:47\0garbage").as_deref(),
            Some("2014-09-01 15:03:47")
        );
    }

    #[test]
    fn zero_and_blank_dates_are_absent() {
        assert_eq!(dt("0000:00:00 00:00:00"), None);
        assert_eq!(dt("    :  :     :  :  "), None);
        assert_eq!(dt(""), None);
        assert_eq!(dt("\0\0\0"), None);
    }

    #[test]
    fn dashes_and_slashes_in_the_date() {
        assert_eq!(
            dt("2014-09-01 15:03:47").as_deref(),
            Some("2014-09-01 15:03:47")
        );
        assert_eq!(
            dt("2014/09/01 15:03:47").as_deref(),
            Some("2014-09-01 15:03:47")
        );
        assert_eq!(
            dt("2014-09-01T15:03:47").as_deref(),
            Some("2014-09-01 15:03:47")
        );
    }

    #[test]
    fn missing_seconds_and_single_digits() {
        assert_eq!(
            dt("2014:09:01 15:03").as_deref(),
            Some("2014-09-01 15:03:00")
        );
        assert_eq!(
            dt("2014:9:1 5:03:07").as_deref(),
            Some("2014-09-01 05:03:07")
        );
    }

    #[test]
    fn date_only_is_midnight() {
        assert_eq!(dt("2014:09:01").as_deref(), Some("2014-09-01 00:00:00"));
    }

    #[test]
    fn fractional_seconds_are_dropped() {
        assert_eq!(
            dt("2014:09:01 15:03:47.123").as_deref(),
            Some("2014-09-01 15:03:47")
        );
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert_eq!(dt("2014:02:30 10:00:00"), None);
        assert_eq!(dt("2014:13:01 10:00:00"), None);
        assert_eq!(dt("2014:00:01 10:00:00"), None);
        assert_eq!(dt("2014:01:01 24:00:00"), None);
        assert_eq!(dt("2014:01:01 10:61:00"), None);
        assert_eq!(dt("14:01:01 10:00:00"), None);
        assert_eq!(dt("2014:01:01 10:00:00 PM"), None);
        assert_eq!(dt("yesterday"), None);
    }

    #[test]
    fn embedded_offset_is_returned() {
        let (_, o) = parse_datetime(b"2014:09:01 15:03:47+02:00").unwrap();
        assert_eq!(o.map(|o| o.local_minus_utc()), Some(7200));
        let (_, o) = parse_datetime(b"2014-09-01T15:03:47Z").unwrap();
        assert_eq!(o.map(|o| o.local_minus_utc()), Some(0));
    }

    #[test]
    fn offsets() {
        assert_eq!(off("+02:00"), Some(7200));
        assert_eq!(off("-05:30"), Some(-19800));
        assert_eq!(off("+00:00"), Some(0));
        assert_eq!(off("+0530"), Some(19800));
        assert_eq!(off("-08"), Some(-28800));
        assert_eq!(off("Z"), Some(0));
        assert_eq!(off("+14:00\0"), Some(50400));
    }

    #[test]
    fn invalid_offsets_are_none() {
        assert_eq!(off("   :  "), None);
        assert_eq!(off(""), None);
        assert_eq!(off("02:00"), None);
        assert_eq!(off("+25:00"), None);
        assert_eq!(off("+15:00"), None);
        assert_eq!(off("+02:75"), None);
        assert_eq!(off("+2:00"), None);
        assert_eq!(off("+02:00 CET"), None);
    }
}
