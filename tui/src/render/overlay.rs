//! Boxes drawn over the screen: the keys of the current screen (`?`), and the question asked
//! before leaving with files in flight.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::footer;
use crate::state::State;

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [c] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    c
}

/// The footer's keys, one per line.
pub fn help(s: &State, f: &mut Frame) {
    let t = s.lang.t();
    let lines: Vec<Line> = footer::keys(s)
        .split("  ")
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| Line::from(format!(" {k}")))
        .collect();
    let h = lines.len() as u16 + 2;
    let area = centered(f.area(), 44, h);
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", t.help_title))
                .title_bottom(format!(" {} ", t.help_close)),
        ),
        area,
    );
}

pub fn confirm_quit(s: &State, f: &mut Frame) {
    let t = s.lang.t();
    let text = t
        .confirm_quit(s.in_flight())
        .replace("  ·  ", "\n")
        .replacen(".  ", ".\n", 1);
    let area = centered(f.area(), 60, 6);
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .style(Style::default().add_modifier(Modifier::BOLD))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(Style::default().fg(Color::Yellow)),
            ),
        area,
    );
}
