//! Numbers as the interface shows them, in the language's way (Danish: decimal comma).

use upstage_core::format_bytes;

use crate::i18n::Lang;

fn local(lang: Lang, text: String) -> String {
    match lang {
        Lang::Da => text.replace('.', ","),
        Lang::En => text,
    }
}

pub fn size(lang: Lang, n: u64) -> String {
    local(lang, format_bytes(n))
}

pub fn speed(lang: Lang, bytes_per_sec: f64) -> String {
    if bytes_per_sec <= 0.0 {
        return String::new();
    }
    format!("{}/s", size(lang, bytes_per_sec as u64))
}

pub fn decimal(lang: Lang, v: f64, places: usize) -> String {
    local(lang, format!("{v:.places$}"))
}

pub fn duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// A text gauge `width` cells wide for a table cell.
pub fn bar(done: u64, total: u64, width: usize) -> String {
    let frac = if total == 0 {
        0.0
    } else {
        (done as f64 / total as f64).clamp(0.0, 1.0)
    };
    let full = (frac * width as f64).round() as usize;
    let mut s = "█".repeat(full);
    s.push_str(&"░".repeat(width.saturating_sub(full)));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(duration(65), "1:05");
        assert_eq!(duration(3725), "1:02:05");
        assert_eq!(bar(1, 2, 4), "██░░");
        assert_eq!(bar(0, 0, 3), "░░░");
        assert_eq!(speed(Lang::En, 0.0), "");
        assert_eq!(speed(Lang::En, 2_500_000.0), "2.5 MB/s");
        assert_eq!(speed(Lang::Da, 2_500_000.0), "2,5 MB/s");
        assert_eq!(size(Lang::Da, 12_600_000), "12,6 MB");
        assert_eq!(decimal(Lang::Da, 40.04, 1), "40,0");
    }
}
