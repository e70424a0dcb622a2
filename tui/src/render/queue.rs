//! The queue table: name, size, state, per-file gauge, speed, URL or error.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, Cell, Row, Table, TableState};
use ratatui::Frame;

use super::fmt;
use crate::i18n::Strings;
use crate::state::{Item, ItemState, State};

const GAUGE: usize = 10;

pub fn state_text(t: &Strings, st: &ItemState) -> (String, Color) {
    match st {
        ItemState::Queued => (t.st_queued.to_owned(), Color::Gray),
        ItemState::Uploading { attempt } if *attempt > 1 => {
            (format!("{} #{attempt}", t.st_uploading), Color::Cyan)
        }
        ItemState::Uploading { .. } => (t.st_uploading.to_owned(), Color::Cyan),
        ItemState::Retrying { attempt, .. } => {
            (format!("{} #{}", t.st_retrying, attempt + 1), Color::Yellow)
        }
        ItemState::Done(_) => (t.st_done.to_owned(), Color::Green),
        ItemState::Skipped(_) => (t.st_skipped.to_owned(), Color::Green),
        ItemState::Failed(_) => (t.st_failed.to_owned(), Color::Red),
        ItemState::Refused(_) => (t.st_refused.to_owned(), Color::Red),
        ItemState::Cancelled => (t.st_cancelled.to_owned(), Color::DarkGray),
    }
}

fn result_text(i: &Item) -> String {
    match &i.state {
        ItemState::Done(l) | ItemState::Skipped(l) => l.direct.clone(),
        ItemState::Failed(e) | ItemState::Refused(e) => format!("[{}] {}", e.code(), e.message()),
        ItemState::Retrying { error, .. } => error.to_string(),
        _ => String::new(),
    }
}

fn row<'a>(t: &Strings, i: &'a Item) -> Row<'a> {
    let (state, color) = state_text(t, &i.state);
    let percent = (i.sent.min(i.size) * 100).checked_div(i.size).unwrap_or(0);
    let gauge = format!("{} {percent:>3}%", fmt::bar(i.sent, i.size, GAUGE));
    Row::new(vec![
        Cell::from(i.name.as_str()),
        Cell::from(fmt::size(i.size)),
        Cell::from(state).style(Style::default().fg(color)),
        Cell::from(gauge),
        Cell::from(if i.state.is_active() {
            fmt::speed(i.bytes_per_sec)
        } else {
            String::new()
        }),
        Cell::from(result_text(i)).style(Style::default().fg(if i.state.error().is_some() {
            Color::Red
        } else {
            Color::Reset
        })),
    ])
}

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let t = s.lang.t();
    let header = Row::new(vec![
        t.col_name,
        t.col_size,
        t.col_state,
        t.col_progress,
        t.col_speed,
        t.col_result,
    ])
    .style(Style::default().add_modifier(Modifier::BOLD));
    let widths = [
        Constraint::Min(12),
        Constraint::Length(8),
        Constraint::Length(13),
        Constraint::Length(GAUGE as u16 + 5),
        Constraint::Length(10),
        Constraint::Fill(2),
    ];
    let table = Table::new(s.items.iter().map(|i| row(t, i)), widths)
        .header(header)
        .block(Block::default().borders(Borders::TOP))
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED));
    let mut ts = TableState::default().with_selected((!s.items.is_empty()).then_some(s.cursor));
    f.render_stateful_widget(table, area, &mut ts);
}
