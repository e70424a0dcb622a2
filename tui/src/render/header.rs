//! The top lines: title, target, limits, the overall gauge "N files (P% done)" with ETA, and the
//! batch's state: parallel uploads, speed, ok / failed / left, and a pause, outage or stop.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph};
use ratatui::Frame;

use super::fmt;
use crate::i18n::hint;
use crate::state::State;

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let t = s.lang.t();
    let [title, formats, gauge, status] = Layout::vertical([Constraint::Length(1); 4]).areas(area);
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                format!("{} ", t.uploader),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!("· {}: {}", t.target, s.target)),
        ])),
        title,
    );
    f.render_widget(
        Paragraph::new(format!(
            "JPG JPEG PNG BMP GIF WEBP MOV MP4 WEBM AVIF max {}",
            fmt::size(s.lang, s.max_bytes)
        ))
        .style(Style::default().fg(Color::DarkGray)),
        formats,
    );
    let percent = s.percent();
    let mut label = t.files_done(s.items.len(), percent);
    if let Some(eta) = s.eta_secs().filter(|_| s.outage.is_none() && !s.paused) {
        label.push_str(&format!(" · {} {}", t.eta, fmt::duration(eta)));
    }
    f.render_widget(
        Gauge::default()
            .gauge_style(Style::default().fg(Color::Green).bg(Color::Black))
            .percent(u16::from(percent.min(100)))
            .label(label),
        gauge,
    );
    let mut head = format!("{} {}", s.workers, t.parallel);
    let speed = fmt::speed(s.lang, s.speed());
    if !speed.is_empty() {
        head.push_str(&format!(" · {speed}"));
    }
    head.push_str(&format!(" · {}", t.counters(s.counts())));
    let mut line = vec![Span::raw(head)];
    let warn = Style::default()
        .fg(Color::Yellow)
        .add_modifier(Modifier::BOLD);
    if s.paused {
        line.push(Span::styled(format!(" · {}", t.paused), warn));
    }
    let note = if let Some(msg) = &s.flash {
        Span::raw(msg.clone())
    } else if let Some(e) = &s.stopped {
        Span::styled(
            format!("{}: {}", t.stopped, hint(s.lang, e)),
            warn.fg(Color::Red),
        )
    } else if let Some((secs, _)) = &s.outage {
        Span::styled(t.unreachable(*secs), warn)
    } else if !s.started {
        Span::raw(t.not_started)
    } else if s.idle {
        Span::raw(if s.errors().is_empty() {
            t.complete
        } else {
            t.some_failed
        })
    } else {
        Span::raw(t.in_progress)
    };
    line.push(Span::raw(" · "));
    line.push(note);
    f.render_widget(Paragraph::new(Line::from(line)), status);
}
