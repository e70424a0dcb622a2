//! `expiration`: seconds, a preset key, or any ISO-8601 duration; clamped to 5 minutes..1 year
//! (as Chevereto reads it, including its quirk that an unparseable value means 5 minutes).

use chrono::{Duration, Months, NaiveDateTime};

const PRESETS: [&str; 23] = [
    "PT5M", "PT15M", "PT30M", "PT1H", "PT3H", "PT6H", "PT12H", "P1D", "P2D", "P3D", "P4D", "P5D",
    "P6D", "P1W", "P2W", "P3W", "P1M", "P2M", "P3M", "P4M", "P5M", "P6M", "P1Y",
];
const MIN: i64 = 300;
const MAX: i64 = 31_536_000;

/// An ISO-8601 duration split into calendar months and exact seconds.
fn parse_iso(s: &str) -> Option<(u32, i64)> {
    let rest = s.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
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
            } else {
                let n: i64 = num.parse().ok()?;
                let (_, s, m) = units.iter().find(|u| u.0 == c)?;
                secs = secs.checked_add(n.checked_mul(*s)?)?;
                months = months.checked_add(u32::try_from(n).ok()?.checked_mul(*m)?)?;
                num.clear();
                any = true;
            }
        }
        num.is_empty().then_some(())
    };
    take(
        date,
        &[
            ('Y', 0, 12),
            ('M', 0, 1),
            ('W', 604_800, 0),
            ('D', 86_400, 0),
        ],
    )?;
    if let Some(t) = time {
        if t.is_empty() {
            return None;
        }
        take(t, &[('H', 3_600, 0), ('M', 60, 0), ('S', 1, 0)])?;
    }
    any.then_some((months, secs))
}

/// The expiration instant (UTC) for the parameter value, or `None` when there is none.
pub fn expiration_date(value: Option<&str>, now: NaiveDateTime) -> Option<NaiveDateTime> {
    let v = value?.trim();
    let at = if PRESETS.contains(&v) {
        // Preset keys use calendar arithmetic and are not clamped.
        let (months, secs) = parse_iso(v)?;
        now.checked_add_months(Months::new(months))? + Duration::seconds(secs)
    } else {
        // `ctype_digit("")` is false: a blank value is unparseable (5 minutes), not a number.
        let secs = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
            v.parse::<i64>().unwrap_or(MAX)
        } else {
            parse_iso(v).map_or(0, |(m, s)| s.saturating_add(i64::from(m) * 2_629_746))
        };
        now + Duration::seconds(secs.clamp(MIN, MAX))
    };
    Some(at.max(now + Duration::seconds(MIN)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2024, 1, 31)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    fn secs(v: &str) -> i64 {
        (expiration_date(Some(v), now()).unwrap() - now()).num_seconds()
    }

    #[test]
    fn reference_cases() {
        assert_eq!(secs("60"), 300, "clamped up to 5 minutes");
        assert_eq!(secs("garbage"), 300, "unparseable means 5 minutes");
        assert_eq!(secs("  "), 300, "blank is unparseable too");
        assert_eq!(secs("P10Y"), 31_536_000, "clamped down to a year");
        assert_eq!(secs("PT5M"), 300);
        assert_eq!(secs("P3D"), 3 * 86_400);
        assert_eq!(secs("PT90M"), 5_400);
        assert_eq!(secs("P1DT2H"), 93_600);
        assert_eq!(secs("3600"), 3_600);
        // P1M is calendar arithmetic from Jan 31: Feb 29 (2024 is a leap year).
        assert_eq!(
            expiration_date(Some("P1M"), now())
                .unwrap()
                .date()
                .to_string(),
            "2024-02-29"
        );
        assert_eq!(expiration_date(None, now()), None);
    }
}

/// Properties over generated values: any text gives an instant within the clamp (never a panic),
/// text without a digit is unparseable (5 minutes), and durations written in any of the accepted
/// forms round-trip to the same number of seconds.
#[cfg(test)]
mod fuzz {
    use super::*;
    use upstage_fuzz::proptest::prelude::*;
    use upstage_fuzz::{fuzz_values, Verdict};

    /// Any instant from 2000 to 2100, to the second.
    fn now() -> impl Strategy<Value = NaiveDateTime> {
        (946_684_800i64..4_102_444_800).prop_map(|s| {
            chrono::DateTime::from_timestamp(s, 0)
                .map(|d| d.naive_utc())
                .unwrap_or_default()
        })
    }

    fn seconds(value: &str, now: NaiveDateTime) -> Result<i64, String> {
        expiration_date(Some(value), now)
            .map(|at| (at - now).num_seconds())
            .ok_or_else(|| format!("{value:?} gave no expiration"))
    }

    /// ISO-8601-looking text: `P`, number-and-unit pieces, a `T`, and stray characters.
    fn iso_like() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            (
                0u64..100_000,
                prop::sample::select(vec!['Y', 'M', 'W', 'D', 'H', 'S'])
            )
                .prop_map(|(n, u)| format!("{n}{u}")),
            "[0-9]{10,25}[YMWDHS]",
            prop::sample::select(vec!["T", "P", "-", ".5", " ", ""]).prop_map(str::to_owned),
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..6).prop_map(|p| format!("P{}", p.concat()))
    }

    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![iso_like(), "[0-9 ]{0,30}", any::<String>()]
    }

    #[test]
    fn any_value_stays_within_the_clamp() {
        fuzz_values("expiration-any", 2000, (any_text(), now()), |(v, now)| {
            let s = seconds(v, *now)?;
            let most = if PRESETS.contains(&v.trim()) {
                366 * 86_400
            } else {
                MAX
            };
            if !(MIN..=most).contains(&s) {
                return Err(format!("{v:?} expires in {s}s"));
            }
            if !v.contains(|c: char| c.is_ascii_digit()) && !PRESETS.contains(&v.trim()) && s != MIN
            {
                return Err(format!(
                    "{v:?} has no number yet expires in {s}s, not 5 minutes"
                ));
            }
            Ok(())
        });
    }

    fn round_trip((total, now): &(i64, NaiveDateTime)) -> Verdict {
        let want = (*total).clamp(MIN, MAX);
        let (d, h, m, s) = (
            total / 86_400,
            total % 86_400 / 3_600,
            total % 3_600 / 60,
            total % 60,
        );
        for form in [
            total.to_string(),
            format!("  {total}\n"),
            format!("PT{total}S"),
            format!("P{d}DT{h}H{m}M{s}S"),
            format!("P{}W{}D", d / 7, d % 7) + &format!("T{}S", total % 86_400),
        ] {
            let got = seconds(&form, *now)?;
            if got != want {
                return Err(format!("{form:?}: {got}s, expected {want}s"));
            }
        }
        Ok(())
    }

    #[test]
    fn durations_round_trip_in_every_form() {
        let totals = prop_oneof![0i64..2 * MAX, Just(MIN), Just(MAX), 0i64..1_000];
        fuzz_values("expiration-roundtrip", 1000, (totals, now()), round_trip);
    }
}
