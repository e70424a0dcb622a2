//! The error report: per failed or refused file, the code and the message (the server's, or
//! the network error), under the uploader's summary line.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use crate::state::State;

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let t = s.lang.t();
    let errors = s.errors();
    let block = Block::default().borders(Borders::TOP).title(format!(
        " {} ({}) ",
        t.errors_title,
        errors.len()
    ));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [summary, table_area] =
        Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
    let line = if errors.is_empty() {
        t.no_errors
    } else {
        t.some_failed
    };
    f.render_widget(
        Paragraph::new(line)
            .style(Style::default().fg(if errors.is_empty() {
                Color::Green
            } else {
                Color::Red
            }))
            .wrap(Wrap { trim: true }),
        summary,
    );
    let rows = errors.iter().filter_map(|i| {
        let e = i.state.error()?;
        Some(Row::new(vec![
            i.name.clone(),
            e.code(),
            e.message().to_owned(),
        ]))
    });
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Length(20),
            Constraint::Fill(3),
        ],
    )
    .header(
        Row::new(vec![t.col_file, t.col_code, t.col_message])
            .style(Style::default().add_modifier(Modifier::BOLD)),
    )
    .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED));
    let mut ts = TableState::default().with_selected((!errors.is_empty()).then_some(s.cursor));
    f.render_stateful_widget(table, table_area, &mut ts);
}
