//! What `upstage upload` prints: bars on a terminal, one line per file otherwise, JSON lines with
//! `--json`, only URLs with `--format txt`.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use upstage_tui::engine::{ItemId, Links, UploadError};

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
    pub uploaded: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Not started because of Ctrl-C.
    pub cancelled: usize,
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
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
            uploaded: 0,
            skipped: 0,
            failed: 0,
            cancelled: 0,
        }
    }

    pub fn note(&self, text: &str) {
        self.multi.suspend(|| eprintln!("{text}"));
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
        b.set_message(name(path));
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

    pub fn done(&mut self, id: ItemId, path: &Path, links: &Links, skipped: bool) {
        self.drop_bar(id);
        if skipped {
            self.skipped += 1;
        } else {
            self.uploaded += 1;
        }
        self.overall.set_message(format!(
            "{} ok, {} failed",
            self.uploaded + self.skipped,
            self.failed
        ));
        let status = if skipped { "skipped" } else { "uploaded" };
        match self.mode {
            Mode::Json => println!("{}", done_json(path, links, status)),
            Mode::Txt => println!("{}", links.direct),
            Mode::Lines => println!("{status:<9} {} -> {}", path.display(), links.direct),
            Mode::Bars => {}
        }
    }

    pub fn failed(&mut self, id: Option<ItemId>, path: &Path, e: &UploadError) {
        if let Some(id) = id {
            self.drop_bar(id);
        }
        self.failed += 1;
        match self.mode {
            Mode::Json => println!(
                "{}",
                json!({"path": path, "status": "failed", "error": {
                    "code": e.code(), "message": e.message(), "detail": e}})
            ),
            Mode::Lines => println!(
                "FAILED    {}: [{}] {}",
                path.display(),
                e.code(),
                e.message()
            ),
            Mode::Txt | Mode::Bars => {
                let line = format!("FAILED {}: [{}] {}", path.display(), e.code(), e.message());
                self.multi.suspend(|| eprintln!("{line}"));
            }
        }
    }

    pub fn finish(&self, journal: Option<&PathBuf>, elapsed: Duration, bytes: u64) {
        self.overall.finish_and_clear();
        let secs = elapsed.as_secs_f64();
        if self.mode == Mode::Json {
            println!(
                "{}",
                json!({"summary": {
                    "uploaded": self.uploaded,
                    "skipped": self.skipped,
                    "failed": self.failed,
                    "not_started": self.cancelled,
                    "journal": journal,
                    "seconds": secs,
                    "bytes": bytes,
                }})
            );
            return;
        }
        let mut text = format!(
            "{} uploaded, {} already uploaded (skipped), {} failed in {secs:.1} s",
            self.uploaded, self.skipped, self.failed
        );
        if self.cancelled > 0 {
            text.push_str(&format!(
                "\nnot started (interrupted): {} — run the same command again to finish",
                self.cancelled
            ));
        }
        if self.failed > 0 {
            text.push_str("\nSome files couldn't be uploaded — see the errors above");
        }
        if let Some(j) = journal {
            text.push_str(&format!("\njournal: {}", j.display()));
        }
        eprintln!("{text}");
    }
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn done_json(path: &Path, l: &Links, status: &str) -> serde_json::Value {
    json!({
        "path": path,
        "status": status,
        "url": l.direct,
        "url_viewer": l.viewer,
        "thumb": l.thumb,
        "delete_url": l.delete,
        "markdown": l.markdown(),
        "html": l.html(),
        "bbcode": l.bbcode(),
    })
}
