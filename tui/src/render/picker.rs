//! The file picker: one folder at a time, folders and accepted files only.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState};
use ratatui::Frame;

use super::fmt;
use crate::state::State;

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let t = s.lang.t();
    let p = &s.picker;
    let title = format!(
        " {} · {} · {} {} ",
        t.picker_title,
        p.dir.display(),
        p.selected.len(),
        t.picker_selected
    );
    let items: Vec<ListItem> = match &p.error {
        Some(e) => vec![ListItem::new(e.as_str()).style(Style::default().fg(Color::Red))],
        None => p
            .entries
            .iter()
            .map(|e| {
                if e.is_dir {
                    ListItem::new(format!("  {}/", e.name)).style(Style::default().fg(Color::Blue))
                } else {
                    let mark = if p.selected.contains(&p.dir.join(&e.name)) {
                        "✓"
                    } else {
                        " "
                    };
                    ListItem::new(format!("{mark} {}  {}", e.name, fmt::size(s.lang, e.size)))
                }
            })
            .collect(),
    };
    let mut ls = ListState::default().with_selected((!p.entries.is_empty()).then_some(p.cursor));
    f.render_stateful_widget(
        List::new(items)
            .block(Block::default().borders(Borders::TOP).title(title))
            .highlight_style(Style::default().add_modifier(Modifier::REVERSED)),
        area,
        &mut ls,
    );
}
