//! The queue table: name (as wide as the terminal allows, cut in the middle), size, state,
//! per-file gauge, speed (wide terminals), URL or error; the detail pane under it on Enter.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, Cell, Row, Table, TableState};
use ratatui::Frame;

use super::{detail, fmt, layout, text};
use crate::i18n::{message, Strings};
use crate::state::{Item, ItemState, State};

/// Terminals at least this wide get the speed column and a longer gauge.
const WIDE: u16 = 110;

pub fn state_text(t: &Strings, i: &Item) -> (String, Color) {
    match &i.state {
        ItemState::Queued => (t.st_queued.to_owned(), Color::Gray),
        ItemState::Uploading { .. } if i.processing_now() => {
            (t.st_processing.to_owned(), Color::Magenta)
        }
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

fn result_text(s: &State, i: &Item) -> String {
    match &i.state {
        ItemState::Done(l) | ItemState::Skipped(l) => l.direct.clone(),
        ItemState::Failed(e) | ItemState::Refused(e) => {
            format!("[{}] {}", e.code(), message(s.lang, e))
        }
        ItemState::Retrying { error, .. } => message(s.lang, error),
        _ => String::new(),
    }
}

/// The widest state word in this language ("prøver igen #10" included).
fn state_width(t: &Strings) -> u16 {
    let retry = format!("{} #10", t.st_retrying);
    let words = [
        t.st_queued,
        t.st_processing,
        t.st_done,
        t.st_skipped,
        t.st_failed,
        t.st_refused,
        t.st_cancelled,
        t.col_state,
        &retry,
    ];
    text::widest(words)
}

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let t = s.lang.t();
    let (table_area, detail_area) = if s.detail {
        let [a, b] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(layout::DETAIL)]).areas(area);
        (a, Some(b))
    } else {
        (area, None)
    };
    let wide = area.width >= WIDE;
    let gauge = if wide { 10 } else { 5 };
    let size_w = text::widest([t.col_size, "999.9 MB"]);
    let mut widths = vec![
        Constraint::Fill(2),
        Constraint::Length(size_w),
        Constraint::Length(state_width(t)),
        Constraint::Length(gauge as u16 + 5),
    ];
    let mut header = vec![t.col_name, t.col_size, t.col_state, t.col_progress];
    if wide {
        widths.push(Constraint::Length(text::widest([
            t.col_speed,
            "999.9 MB/s",
        ])));
        header.push(t.col_speed);
    }
    widths.push(Constraint::Fill(3));
    header.push(t.col_result);
    // The name column's real width, so names are cut to fit with their ends kept.
    let cols = Layout::horizontal(widths.clone())
        .spacing(1)
        .split(table_area);
    let name_w = cols.first().map_or(10, |c| usize::from(c.width));
    let rows = s.items.iter().map(|i| {
        let (state, color) = state_text(t, i);
        let percent = (i.sent.min(i.size) * 100).checked_div(i.size).unwrap_or(0);
        let mut cells = vec![
            Cell::from(text::middle(&i.name, name_w)),
            Cell::from(fmt::size(s.lang, i.size)),
            Cell::from(state).style(Style::default().fg(color)),
            Cell::from(format!("{} {percent:>3}%", fmt::bar(i.sent, i.size, gauge))),
        ];
        if wide {
            let speed = if i.state.is_active() {
                fmt::speed(s.lang, i.bytes_per_sec)
            } else {
                String::new()
            };
            cells.push(Cell::from(speed));
        }
        let red = i.state.error().is_some();
        cells.push(
            Cell::from(result_text(s, i)).style(Style::default().fg(if red {
                Color::Red
            } else {
                Color::Reset
            })),
        );
        Row::new(cells)
    });
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::default().add_modifier(Modifier::BOLD)))
        .block(Block::default().borders(Borders::TOP))
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED));
    let mut ts = TableState::default()
        .with_offset(s.offset)
        .with_selected((!s.items.is_empty()).then_some(s.cursor));
    f.render_stateful_widget(table, table_area, &mut ts);
    if let Some(d) = detail_area {
        detail::render(s, s.items.get(s.cursor), f, d);
    }
}
