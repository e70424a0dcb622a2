//! The error report: per failed or refused file, the code and the message (the server's as
//! sent, ours in the interface's language) with what it means, and the selected one in full
//! in the pane below.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use super::{detail, layout, text};
use crate::i18n::{hint, message};
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
    let [summary, table_area, detail_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(layout::DETAIL),
    ])
    .areas(inner);
    let (line, color) = if errors.is_empty() {
        (t.no_errors, Color::Green)
    } else {
        (t.some_failed, Color::Red)
    };
    f.render_widget(
        Paragraph::new(line)
            .style(Style::default().fg(color))
            .wrap(Wrap { trim: true }),
        summary,
    );
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(text::widest([t.col_code, "unsupported_format"])),
        Constraint::Fill(3),
    ];
    let cols = Layout::horizontal(widths).spacing(1).split(table_area);
    let name_w = cols.first().map_or(10, |c| usize::from(c.width));
    let rows = errors.iter().filter_map(|i| {
        let e = i.state.error()?;
        Some(Row::new(vec![
            text::middle(&i.name, name_w),
            e.code(),
            format!("{} — {}", message(s.lang, e), hint(s.lang, e)),
        ]))
    });
    let table = Table::new(rows, widths)
        .header(
            Row::new(vec![t.col_file, t.col_code, t.col_message])
                .style(Style::default().add_modifier(Modifier::BOLD)),
        )
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED));
    let mut ts = TableState::default()
        .with_offset(s.offset)
        .with_selected((!errors.is_empty()).then_some(s.cursor));
    f.render_stateful_widget(table, table_area, &mut ts);
    detail::render(s, errors.get(s.cursor).copied(), f, detail_area);
}
