//! The detail pane of the selected file: its full path, state, the server's processing time,
//! the error in plain words with what to do, and every link.

use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::{fmt, queue::state_text};
use crate::i18n::{hint, message};
use crate::state::{Item, LinkFormat, State};

pub fn render(s: &State, item: Option<&Item>, f: &mut Frame, area: Rect) {
    let t = s.lang.t();
    let block = Block::default().borders(Borders::TOP);
    let Some(i) = item else {
        f.render_widget(block, area);
        return;
    };
    let label = |l: &str| Span::styled(format!("{l}: "), Style::default().fg(Color::DarkGray));
    let (state, color) = state_text(t, i);
    let mut lines = vec![
        Line::from(vec![
            label(t.d_path),
            Span::raw(i.path.display().to_string()),
        ]),
        Line::from(vec![
            label(t.d_state),
            Span::styled(state, Style::default().fg(color)),
            Span::raw(format!(" · {}", fmt::size(s.lang, i.size))),
        ]),
    ];
    if let Some(p) = i.processing {
        let secs = fmt::decimal(s.lang, p.as_secs_f64(), 1);
        lines.push(Line::from(vec![
            label(t.d_processing),
            Span::raw(format!("{secs} s")),
        ]));
    }
    if let Some(e) = i.state.error() {
        lines.push(Line::from(vec![
            label(t.d_error),
            Span::styled(
                format!("[{}] {}", e.code(), message(s.lang, e)),
                Style::default().fg(Color::Red),
            ),
        ]));
        lines.push(Line::from(vec![
            label(t.d_todo),
            Span::raw(hint(s.lang, e)),
        ]));
    }
    if let Some(l) = i.state.links() {
        for lf in [
            LinkFormat::Direct,
            LinkFormat::Viewer,
            LinkFormat::Thumb,
            LinkFormat::Delete,
        ] {
            let text = lf.of(l);
            if !text.is_empty() {
                lines.push(Line::from(vec![
                    label(super::done::format_name(t, lf)),
                    Span::raw(text),
                ]));
            }
        }
    }
    let title = format!(" {} ", i.name);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block.title(title)),
        area,
    );
}
