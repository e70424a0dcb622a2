//! The done screen: the summary, then one line per uploaded file in the chosen paste format
//! (←→ switch), copied with one key and saved with another.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

use crate::i18n::Strings;
use crate::state::{LinkFormat, State};
use upstage_client::Links;

pub(super) fn format_name(t: &Strings, f: LinkFormat) -> &'static str {
    match f {
        LinkFormat::Direct => t.link_direct,
        LinkFormat::Viewer => t.link_viewer,
        LinkFormat::Thumb => t.link_thumb,
        LinkFormat::Delete => t.link_delete,
        LinkFormat::Markdown => "Markdown",
        LinkFormat::Html => "HTML",
        LinkFormat::BbCode => "BBCode",
    }
}

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let t = s.lang.t();
    let uploaded = s.uploaded();
    let errors = s.errors().len();
    let block = Block::default().borders(Borders::TOP).title(format!(
        " {} · {} ",
        t.links_title,
        uploaded.len()
    ));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [summary, tabs, list, detail] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(8),
    ])
    .areas(inner);
    let (text, color) = if uploaded.is_empty() {
        (t.nothing_uploaded, Color::Red)
    } else if errors > 0 {
        (t.some_failed, Color::Red)
    } else {
        (t.complete, Color::Green)
    };
    f.render_widget(
        Paragraph::new(text)
            .style(Style::default().fg(color).add_modifier(Modifier::BOLD))
            .wrap(Wrap { trim: true }),
        summary,
    );
    let spans: Vec<Span> = LinkFormat::ALL
        .iter()
        .flat_map(|lf| {
            let style = if *lf == s.link_format {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            // Brackets as well as the style: the choice stays visible without colours.
            let label = if *lf == s.link_format {
                format!("[{}]", format_name(t, *lf))
            } else {
                format!(" {} ", format_name(t, *lf))
            };
            [Span::styled(label, style), Span::raw(" ")]
        })
        .collect();
    f.render_widget(Paragraph::new(Line::from(spans)), tabs);
    let items: Vec<ListItem> = uploaded
        .iter()
        .filter_map(|i| {
            let l = i.state.links()?;
            Some(ListItem::new(Line::from(vec![
                Span::styled(
                    format!("{}: ", i.name),
                    Style::default().fg(Color::DarkGray),
                ),
                Span::raw(s.link_format.of(l)),
            ])))
        })
        .collect();
    let mut ls = ListState::default()
        .with_offset(s.offset)
        .with_selected((!items.is_empty()).then_some(s.cursor));
    f.render_stateful_widget(
        List::new(items)
            .highlight_style(Style::default().add_modifier(Modifier::BOLD))
            .highlight_symbol("▸ "),
        list,
        &mut ls,
    );
    if let Some(item) = uploaded.get(s.cursor) {
        if let Some(l) = item.state.links() {
            render_detail(t, &item.name, l, f, detail);
        }
    }
}

/// Every format of the selected file at once.
fn render_detail(t: &Strings, name: &str, l: &Links, f: &mut Frame, area: Rect) {
    let lines: Vec<Line> = LinkFormat::ALL
        .iter()
        .map(|lf| {
            Line::from(vec![
                Span::styled(
                    format!("{:>10} ", format_name(t, *lf)),
                    Style::default().fg(Color::DarkGray),
                ),
                Span::raw(lf.of(l)),
            ])
        })
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::TOP)
                .title(format!(" {name} ")),
        ),
        area,
    );
}
