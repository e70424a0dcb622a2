//! The bottom lines: the keys of the current screen (wrapped to fit narrow terminals).

use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::state::{Screen, State};

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let t = s.lang.t();
    let keys = match s.screen {
        Screen::Queue => t.keys_queue,
        Screen::Options => t.keys_options,
        Screen::Picker => t.keys_picker,
        Screen::Errors => t.keys_errors,
        Screen::Done => t.keys_done,
    };
    f.render_widget(
        Paragraph::new(keys)
            .style(Style::default().fg(Color::DarkGray))
            .wrap(Wrap { trim: true }),
        area,
    );
}
