//! The batch options form: album, title template, tags, nsfw, expiration, width.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use crate::state::State;
use upstage_client::Expiry;

/// "expires 2026-11-27 14:05" beside the expiration, from the value as typed.
fn expiry_note(s: &State) -> String {
    let at = Expiry::parse(&s.options.expiration)
        .ok()
        .flatten()
        .zip(s.clock)
        .and_then(|(e, now)| e.date_from(now));
    at.map(|d| {
        s.lang
            .t()
            .expires_at
            .replace("{d}", &d.format("%Y-%m-%d %H:%M").to_string())
    })
    .unwrap_or_default()
}

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
    let [form, check, hint] = Layout::vertical([
        Constraint::Length(fields.len() as u16),
        Constraint::Length(2),
        Constraint::Min(1),
    ])
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
            let note = match n {
                4 => expiry_note(s),
                5 if !o.width.trim().is_empty() => t.width_hint.to_owned(),
                _ => String::new(),
            };
            Line::from(vec![
                Span::raw(format!("{label:>16}: ")),
                Span::styled(format!("{value}{cursor}"), style),
                Span::styled(format!("  {note}"), Style::default().fg(Color::DarkGray)),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), form);
    // The problem that would stop the start, shown as it is typed.
    if let Err(e) = o.validate() {
        f.render_widget(
            Paragraph::new(t.option_error(&e))
                .style(Style::default().fg(Color::Red))
                .wrap(Wrap { trim: true }),
            check,
        );
    }
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
