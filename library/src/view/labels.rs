//! The derived display values of the image object, as the reference words and rounds them.

use serde_json::{json, Value};

/// `width / height`, an integer when exact (PHP int division semantics).
pub(super) fn ratio(w: i64, h: i64) -> Value {
    if h == 0 {
        return json!(0);
    }
    if w % h == 0 {
        json!(w / h)
    } else {
        json!(w as f64 / h as f64)
    }
}

pub(super) fn duration_time(secs: i64) -> String {
    if secs <= 0 {
        String::new()
    } else {
        format!("{:02}:{:02}", secs / 60, secs % 60)
    }
}

pub(super) fn truncate_title(t: &str) -> String {
    if t.chars().count() <= 28 {
        t.to_owned()
    } else {
        format!("{}...", t.chars().take(25).collect::<String>().trim())
    }
}

pub(super) fn how_long_ago(date_gmt: &str) -> String {
    let Some(then) = crate::db::parse_date(date_gmt) else {
        return "moments ago".into();
    };
    let secs = (chrono::Utc::now().naive_utc() - then).num_seconds().max(0);
    let (n, unit) = match secs {
        s if s < 60 => return "moments ago".into(),
        s if s < 3_600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3_600, "hour"),
        s if s < 2_592_000 => (s / 86_400, "day"),
        s if s < 31_536_000 => (s / 2_592_000, "month"),
        s => (s / 31_536_000, "year"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::format_bytes;

    #[test]
    fn formatting_helpers() {
        assert_eq!(format_bytes(3_011_299), "3 MB");
        assert_eq!(format_bytes(53_240), "53.2 KB");
        assert_eq!(format_bytes(999), "999 B");
        assert_eq!(format_bytes(10_000_000), "10 MB");
        assert_eq!(ratio(496, 360), json!(1.3777777777777778));
        assert_eq!(ratio(640, 320), json!(2));
        assert_eq!(duration_time(73), "01:13");
        assert_eq!(duration_time(3700), "61:40");
        assert_eq!(duration_time(0), "");
        assert_eq!(
            truncate_title("Badgers animated music video MrWeebl"),
            "Badgers animated music vi..."
        );
        assert_eq!(truncate_title("short"), "short");
    }
}
