//! What `upstage upload` prints: bars on a terminal, one line per file otherwise, JSON lines with
//! `--json` (the schema of `upstage_tui::report`), the URL and path with `--format txt`. File
//! lines come in input order; a closed stdout stops the printing, never the batch.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use upstage_client::{ItemId, Links, UploadError};
use upstage_tui::i18n::Lang;
use upstage_tui::report::FileRecord;
use upstage_tui::summary::Summary;

use super::ordered::Ordered;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Bars,
    Lines,
    Json,
    Txt,
}

impl Mode {
    pub fn pick(json: bool, txt: bool) -> Mode {
        if json {
            Mode::Json
        } else if txt {
            Mode::Txt
        } else if std::io::stderr().is_terminal() {
            Mode::Bars
        } else {
            Mode::Lines
        }
    }
}

pub struct Output {
    mode: Mode,
    multi: MultiProgress,
    overall: ProgressBar,
    bars: HashMap<ItemId, ProgressBar>,
    lines: Ordered,
    pub summary: Summary,
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// stderr that cannot panic: a closed stderr loses the note, not the batch.
fn say(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

impl Output {
    pub fn new(mode: Mode) -> Output {
        let multi = MultiProgress::with_draw_target(if mode == Mode::Bars {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        let overall = multi.add(ProgressBar::new(0));
        overall.set_style(style(
            "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
        ));
        Output {
            mode,
            multi,
            overall,
            bars: HashMap::new(),
            lines: Ordered::new(),
            summary: Summary::default(),
        }
    }

    pub fn note(&self, text: &str) {
        self.multi.suspend(|| say(text));
    }

    pub fn queued(&self, size: u64) {
        self.overall.inc_length(size);
    }

    pub fn started(&mut self, id: ItemId, path: &Path, size: u64) {
        if self.mode != Mode::Bars || self.bars.contains_key(&id) {
            return;
        }
        let b = self.multi.add(ProgressBar::new(size));
        b.set_style(style("  {bar:20} {bytes:>9}/{total_bytes:<9} {msg}"));
        b.set_message(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        self.bars.insert(id, b);
    }

    pub fn progress(&mut self, id: ItemId, sent: u64, delta: u64) {
        if let Some(b) = self.bars.get(&id) {
            b.set_position(sent);
        }
        self.overall.inc(delta);
    }

    /// Undo the bytes of a try that failed (they will be sent again).
    pub fn rewind(&self, bytes: u64) {
        self.overall
            .set_position(self.overall.position().saturating_sub(bytes));
    }

    fn drop_bar(&mut self, id: ItemId) {
        if let Some(b) = self.bars.remove(&id) {
            b.finish_and_clear();
            self.multi.remove(&b);
        }
    }

    fn counts(&self) {
        let s = &self.summary;
        self.overall.set_message(format!(
            "{} ok, {} failed",
            s.uploaded + s.skipped,
            s.failed + s.refused
        ));
    }

    /// The line of a file for stdout; `None` when this mode prints nothing there.
    fn line(&self, rec: &FileRecord) -> Option<String> {
        let url = rec.url.as_deref().unwrap_or_default();
        let status = serde_json::to_value(rec.status).ok()?;
        let status = status.as_str().unwrap_or_default();
        match self.mode {
            Mode::Json => serde_json::to_string(rec).ok(),
            Mode::Txt => rec
                .url
                .as_ref()
                .map(|_| format!("{url}\t{}", rec.path.display())),
            Mode::Lines => Some(match &rec.error {
                Some(e) => format!(
                    "{:<11} {}: [{}] {}",
                    status.to_uppercase(),
                    rec.path.display(),
                    e.code,
                    e.message
                ),
                None if url.is_empty() => format!("{status:<11} {}", rec.path.display()),
                None => format!("{status:<11} {} -> {url}", rec.path.display()),
            }),
            Mode::Bars => None,
        }
    }

    /// A settled file (`id` is `None` for paths that never became a file of the batch).
    fn settle(&mut self, id: Option<ItemId>, rec: &FileRecord) {
        let line = self.line(rec);
        let mut out = std::io::stdout().lock();
        match id {
            Some(id) => self.lines.settle(id, line, &mut out),
            None => {
                if let Some(l) = line {
                    self.lines.print(&l, &mut out);
                }
            }
        }
    }

    pub fn done(&mut self, id: ItemId, path: &Path, links: &Links, skipped: bool, t: Duration) {
        self.drop_bar(id);
        if skipped {
            self.summary.skipped += 1;
        } else {
            self.summary.uploaded += 1;
        }
        self.counts();
        let processing = (!skipped).then_some(t);
        self.settle(
            Some(id),
            &FileRecord::linked(path, links, skipped, processing),
        );
    }

    pub fn failed(&mut self, id: Option<ItemId>, path: &Path, e: &UploadError, refused: bool) {
        if let Some(id) = id {
            self.drop_bar(id);
        }
        if refused {
            self.summary.refused += 1;
        } else {
            self.summary.failed += 1;
        }
        self.summary.failures.push((path.to_path_buf(), e.clone()));
        self.counts();
        if matches!(self.mode, Mode::Txt | Mode::Bars) {
            let line = format!("FAILED {}: [{}] {}", path.display(), e.code(), e.message());
            self.multi.suspend(|| say(&line));
        }
        self.settle(id, &FileRecord::errored(path, e, refused));
    }

    pub fn not_started(&mut self, id: ItemId, path: &Path) {
        self.drop_bar(id);
        self.summary.not_started += 1;
        self.settle(Some(id), &FileRecord::not_started(path));
    }

    pub fn finish(&mut self) {
        self.overall.finish_and_clear();
        if self.mode == Mode::Json {
            let json = self.summary.json().to_string();
            self.lines.print(&json, &mut std::io::stdout().lock());
            return;
        }
        say(&self.summary.text(Lang::En));
    }
}
