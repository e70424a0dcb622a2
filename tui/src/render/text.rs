//! Fitting names into columns: cut in the middle so the end (the number that tells two photos
//! apart, and the extension) stays visible.

use ratatui::text::Line;

/// `s` in at most `width` cells; long text keeps its start and its end around a "…".
pub fn middle(s: &str, width: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= width {
        return s.to_owned();
    }
    if width <= 1 {
        return "…".chars().take(width).collect();
    }
    let keep = width - 1;
    let tail = keep.div_ceil(2);
    let head = keep - tail;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// `s` in at most `width` cells, cut at the end with "…".
pub fn end(s: &str, width: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= width {
        return s.to_owned();
    }
    let mut out: String = chars[..width.saturating_sub(1)].iter().collect();
    if width > 0 {
        out.push('…');
    }
    out
}

/// The widest of `lines` in cells (for sizing columns by their words, in any language).
pub fn widest<'a>(words: impl IntoIterator<Item = &'a str>) -> u16 {
    words
        .into_iter()
        .map(|w| Line::from(w).width())
        .max()
        .unwrap_or(0) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_ends() {
        let cases = [
            ("beach.jpg", 20, "beach.jpg"),
            ("IMG_20240612_101530.jpg", 12, "IMG_2…30.jpg"),
            ("IMG_20240612_101531.jpg", 12, "IMG_2…31.jpg"),
            ("abc", 1, "…"),
            ("abc", 0, ""),
        ];
        for (s, w, want) in cases {
            assert_eq!(middle(s, w), want, "{s} in {w}");
            assert!(middle(s, w).chars().count() <= w);
        }
        assert_eq!(end("network error: refused", 9), "network …");
        assert_eq!(widest(["færdig", "prøver igen #2"]), 14);
    }
}
