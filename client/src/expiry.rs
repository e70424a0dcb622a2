//! The `expiration` option checked before the first byte: the API reads anything it cannot parse
//! as 5 minutes (and deletes the upload then), so a typo must stop the batch, not the photos.
//! Accepted: seconds, ISO-8601 durations (`P3D`, `PT90M`) and the short forms `30m`, `6h`,
//! `1d`, `2w`, `3mo`, `1y`, all between 5 minutes and 1 year; sent as ISO-8601.

use chrono::{Duration, Months, NaiveDateTime};

const MIN_SECS: i64 = 300;
const MAX_SECS: i64 = 31_536_000;
/// A twelfth of the year, so `1y` and `12mo` are in range (calendar arithmetic decides the date).
const MONTH_SECS: i64 = MAX_SECS / 12;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExpiryError {
    #[error(
        "expiration {0:?} is not a duration: use e.g. 30m, 6h, 1d, 2w, 3mo, 1y, P3D or seconds"
    )]
    Unreadable(String),
    #[error("expiration {0:?} is out of range: it must be between 5 minutes and 1 year")]
    OutOfRange(String),
}

/// A checked expiration: what is sent, and the calendar parts that give its date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expiry {
    pub iso: String,
    months: u32,
    secs: i64,
}

impl Expiry {
    /// `None` for an empty value (no expiration).
    pub fn parse(raw: &str) -> Result<Option<Expiry>, ExpiryError> {
        let v = raw.trim();
        if v.is_empty() {
            return Ok(None);
        }
        let bad = || ExpiryError::Unreadable(v.to_owned());
        let (iso, months, secs) = if v.bytes().all(|b| b.is_ascii_digit()) {
            let n: i64 = v.parse().map_err(|_| bad())?;
            (format!("PT{n}S"), 0, n)
        } else if v.starts_with(['P', 'p']) {
            let iso = v.to_ascii_uppercase();
            let (m, s) = parse_iso(&iso).ok_or_else(bad)?;
            (iso, m, s)
        } else {
            short_form(v).ok_or_else(bad)?
        };
        let approx = i64::from(months)
            .saturating_mul(MONTH_SECS)
            .saturating_add(secs);
        if !(MIN_SECS..=MAX_SECS).contains(&approx) {
            return Err(ExpiryError::OutOfRange(v.to_owned()));
        }
        Ok(Some(Expiry { iso, months, secs }))
    }

    /// When files sent at `now` expire (UTC), for the preview beside the field.
    pub fn date_from(&self, now: NaiveDateTime) -> Option<NaiveDateTime> {
        now.checked_add_months(Months::new(self.months))?
            .checked_add_signed(Duration::seconds(self.secs))
    }
}

/// `30m`, `6h`, `1d`, `2w`, `3mo`, `1y` (a space and long unit names allowed).
fn short_form(v: &str) -> Option<(String, u32, i64)> {
    let v = v.to_ascii_lowercase();
    let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
    let n: u32 = digits.parse().ok()?;
    let unit = v[digits.len()..].trim();
    let (iso, months, secs) = match unit {
        "m" | "min" | "mins" | "minute" | "minutes" => ('M', 0, 60),
        "h" | "hour" | "hours" => ('H', 0, 3_600),
        "d" | "day" | "days" => ('D', 0, 86_400),
        "w" | "week" | "weeks" => ('W', 0, 604_800),
        "mo" | "month" | "months" => ('M', 1, 0),
        "y" | "year" | "years" => ('Y', 12, 0),
        _ => return None,
    };
    let text = if matches!(iso, 'M' | 'H') && months == 0 {
        format!("PT{n}{iso}")
    } else {
        format!("P{n}{iso}")
    };
    Some((text, n.checked_mul(months)?, i64::from(n) * secs))
}

/// An ISO-8601 duration as (calendar months, exact seconds), the way the API reads it.
fn parse_iso(s: &str) -> Option<(u32, i64)> {
    let rest = s.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (rest, None),
    };
    let mut months = 0u32;
    let mut secs = 0i64;
    let mut any = false;
    let mut take = |part: &str, units: &[(char, i64, u32)]| -> Option<()> {
        let mut num = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                num.push(c);
                continue;
            }
            let n: i64 = num.parse().ok()?;
            let (_, s, m) = units.iter().find(|u| u.0 == c)?;
            secs = secs.checked_add(n.checked_mul(*s)?)?;
            months = months.checked_add(u32::try_from(n).ok()?.checked_mul(*m)?)?;
            num.clear();
            any = true;
        }
        num.is_empty().then_some(())
    };
    let date_units = [
        ('Y', 0, 12),
        ('M', 0, 1),
        ('W', 604_800, 0),
        ('D', 86_400, 0),
    ];
    take(date, &date_units)?;
    if let Some(t) = time {
        take(t, &[('H', 3_600, 0), ('M', 60, 0), ('S', 1, 0)])?;
    }
    any.then_some((months, secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(v: &str) -> Result<Option<String>, ExpiryError> {
        Expiry::parse(v).map(|e| e.map(|e| e.iso))
    }

    #[test]
    fn accepted_forms_become_iso() {
        let cases = [
            ("", None),
            ("1d", Some("P1D")),
            ("1 day", Some("P1D")),
            ("30m", Some("PT30M")),
            ("6H", Some("PT6H")),
            ("2w", Some("P2W")),
            ("3mo", Some("P3M")),
            ("1y", Some("P1Y")),
            ("p3d", Some("P3D")),
            ("PT90M", Some("PT90M")),
            ("P1DT2H", Some("P1DT2H")),
            ("3600", Some("PT3600S")),
        ];
        for (input, want) in cases {
            assert_eq!(iso(input), Ok(want.map(str::to_owned)), "{input:?}");
        }
    }

    #[test]
    fn typos_and_out_of_range_values_are_refused() {
        for v in ["tomorrow", "1x", "P", "PT", "P1DT", "d1", "1.5d", "-1d"] {
            assert_eq!(iso(v), Err(ExpiryError::Unreadable(v.into())), "{v:?}");
        }
        for v in ["60", "PT4M", "2y", "P13M", "400d"] {
            assert_eq!(iso(v), Err(ExpiryError::OutOfRange(v.into())), "{v:?}");
        }
    }

    #[test]
    fn the_preview_uses_calendar_months() {
        let now = chrono::NaiveDate::from_ymd_opt(2024, 1, 31)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .expect("date");
        let at = |v: &str| {
            Expiry::parse(v)
                .expect("valid")
                .and_then(|e| e.date_from(now))
                .map(|d| d.to_string())
        };
        assert_eq!(at("1mo").as_deref(), Some("2024-02-29 12:00:00"));
        assert_eq!(at("1d").as_deref(), Some("2024-02-01 12:00:00"));
        assert_eq!(at("PT90M").as_deref(), Some("2024-01-31 13:30:00"));
    }
}
