//! The bottom lines: the keys of the current screen (wrapped to fit narrow terminals).

use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::state::{Screen, State};

/// The keys of the current screen.
pub fn keys(s: &State) -> &'static str {
    let t = s.lang.t();
    match s.screen {
        Screen::Queue => t.keys_queue,
        Screen::Options => t.keys_options,
        Screen::Picker => t.keys_picker,
        Screen::Errors => t.keys_errors,
        Screen::Done => t.keys_done,
    }
}

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let keys = keys(s);
    f.render_widget(
        Paragraph::new(keys)
            .style(Style::default().fg(Color::DarkGray))
            .wrap(Wrap { trim: true }),
        area,
    );
}

#[cfg(test)]
mod tests {
    use crate::i18n::Lang;

    /// Lines `text` takes at `width` when wrapped at spaces, as the footer does.
    fn wrapped(text: &str, width: usize) -> usize {
        let (mut lines, mut len) = (1, 0);
        for word in text.split(' ') {
            let w = word.chars().count();
            if len > 0 && len + 1 + w > width {
                lines += 1;
                len = w;
            } else {
                len += if len > 0 { 1 + w } else { w };
            }
        }
        lines
    }

    #[test]
    fn every_screens_keys_fit_two_lines_at_80_columns_in_each_language() {
        for lang in [Lang::En, Lang::Da] {
            let t = lang.t();
            for keys in [
                t.keys_queue,
                t.keys_errors,
                t.keys_done,
                t.keys_options,
                t.keys_picker,
            ] {
                assert!(wrapped(keys, 80) <= 2, "{keys}");
            }
        }
    }
}
