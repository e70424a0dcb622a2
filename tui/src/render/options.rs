//! The batch options form: album, title template, tags, nsfw, expiration, width.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use crate::state::State;

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let t = s.lang.t();
    let block = Block::default()
        .borders(Borders::TOP)
        .title(format!(" {} ", t.options_title));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let o = &s.options;
    let nsfw = if o.nsfw { t.yes } else { t.no };
    let fields = [
        (t.opt_album, o.album.as_str()),
        (t.opt_title, o.title.as_str()),
        (t.opt_tags, o.tags.as_str()),
        (t.opt_nsfw, nsfw),
        (t.opt_expiration, o.expiration.as_str()),
        (t.opt_width, o.width.as_str()),
    ];
    let [form, hint] =
        Layout::vertical([Constraint::Length(fields.len() as u16), Constraint::Min(1)])
            .areas(inner);
    let lines: Vec<Line> = fields
        .iter()
        .enumerate()
        .map(|(n, (label, value))| {
            let focus = n == s.field;
            let style = if focus {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            let cursor = if focus && n != 3 { "▏" } else { "" };
            Line::from(vec![
                Span::raw(format!("{label:>16}: ")),
                Span::styled(format!("{value}{cursor}"), style),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), form);
    let hint_text = if s.local {
        let names: Vec<&str> = s.albums.iter().map(|a| a.0.as_str()).collect();
        format!("{}: {}", t.opt_albums_known, names.join(", "))
    } else {
        t.opt_album_hint_remote.to_owned()
    };
    f.render_widget(
        Paragraph::new(hint_text)
            .style(Style::default().fg(Color::DarkGray))
            .wrap(Wrap { trim: true }),
        hint,
    );
}
