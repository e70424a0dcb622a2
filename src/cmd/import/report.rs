//! Progress (a bar on a terminal, one line per file otherwise, JSON lines with `--json`) and the
//! closing report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::Done;

pub enum Status {
    Imported(Done),
    Duplicate(String),
    Failed(String),
}

pub struct Outcome {
    pub path: PathBuf,
    pub sha256: Option<String>,
    pub status: Status,
}

impl Outcome {
    pub fn failed(path: &Path, sha256: Option<String>, why: String) -> Outcome {
        Outcome {
            path: path.to_path_buf(),
            sha256,
            status: Status::Failed(why),
        }
    }

    fn no_date(&self) -> bool {
        matches!(&self.status, Status::Imported(d)
            if matches!(d.date_used.as_deref(), Some("upload" | "mtime")))
    }
}

pub struct Reporter {
    json: bool,
    bar: ProgressBar,
}

impl Reporter {
    pub fn new(json: bool, total: usize) -> Reporter {
        let bar = if !json && std::io::stderr().is_terminal() {
            let b = ProgressBar::new(total as u64);
            b.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} eta {eta} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        } else {
            ProgressBar::hidden()
        };
        Reporter { json, bar }
    }

    pub fn admin_key(&self, key: &str) {
        let text = format!(
            "New library: created user 'admin'. Its API key (shown only now):\n\n    {key}\n"
        );
        // JSON lines stay machine-readable: the key goes to stderr then.
        self.bar.suspend(|| {
            if self.json {
                eprintln!("{text}");
            } else {
                crate::outln!("{text}");
            }
        });
    }

    pub fn note(&self, text: &str) {
        self.bar.suspend(|| eprintln!("{text}"));
    }

    pub fn file(&self, o: &Outcome) {
        if self.json {
            crate::outln!("{}", file_json(o));
            return;
        }
        if self.bar.is_hidden() {
            crate::outln!("{}", file_line(o));
        } else {
            if matches!(o.status, Status::Failed(_)) {
                self.bar.suspend(|| eprintln!("{}", file_line(o)));
            }
            self.bar.set_message(o.path.display().to_string());
            self.bar.inc(1);
        }
    }

    /// Print the report; true when anything failed.
    pub fn finish(
        &self,
        outcomes: &[Outcome],
        walk_errors: &[(PathBuf, String)],
        not_started: usize,
        journal: &Path,
        elapsed: Duration,
    ) -> bool {
        self.bar.finish_and_clear();
        let count = |f: fn(&Status) -> bool| outcomes.iter().filter(|o| f(&o.status)).count();
        let imported = count(|s| matches!(s, Status::Imported(_)));
        let duplicates = count(|s| matches!(s, Status::Duplicate(_)));
        let failed: Vec<(&Path, &str)> = walk_errors
            .iter()
            .map(|(p, why)| (p.as_path(), why.as_str()))
            .chain(outcomes.iter().filter_map(|o| match &o.status {
                Status::Failed(why) => Some((o.path.as_path(), why.as_str())),
                _ => None,
            }))
            .collect();
        let no_date: Vec<&Path> = outcomes
            .iter()
            .filter(|o| o.no_date())
            .map(|o| o.path.as_path())
            .collect();
        let secs = elapsed.as_secs_f64();
        if self.json {
            let failures: Vec<_> = failed
                .iter()
                .map(|(p, why)| json!({"path": p, "error": why}))
                .collect();
            crate::outln!(
                "{}",
                json!({"summary": {
                    "imported": imported,
                    "duplicates": duplicates,
                    "failed": failed.len(),
                    "failures": failures,
                    "no_date": no_date.len(),
                    "not_started": not_started,
                    "journal": journal,
                    "seconds": secs,
                }})
            );
        } else {
            crate::outln!("\nimported:              {imported}");
            crate::outln!("skipped as duplicate:  {duplicates}");
            crate::outln!("failed:                {}", failed.len());
            for (p, why) in &failed {
                crate::outln!("    {}: {why}", p.display());
            }
            crate::outln!("no date (filed by mtime or upload date): {}", no_date.len());
            for p in no_date.iter().take(20) {
                crate::outln!("    {}", p.display());
            }
            if no_date.len() > 20 {
                crate::outln!("    … and {} more", no_date.len() - 20);
            }
            if not_started > 0 {
                crate::outln!("not started (interrupted): {not_started} — run the same command again to finish");
            }
            let rate = if secs > 0.0 {
                imported as f64 / secs
            } else {
                0.0
            };
            crate::outln!(
                "{secs:.1} s ({rate:.1} imported/s); journal {}",
                journal.display()
            );
        }
        !failed.is_empty()
    }
}

fn file_json(o: &Outcome) -> serde_json::Value {
    let mut v = json!({"path": o.path, "sha256": o.sha256});
    match &o.status {
        Status::Imported(d) => {
            v["status"] = json!("imported");
            v["url"] = json!(d.url);
            v["url_viewer"] = json!(d.url_viewer);
            v["date_gmt"] = json!(d.date_gmt);
            v["date_used"] = json!(d.date_used);
        }
        Status::Duplicate(why) => {
            v["status"] = json!("duplicate");
            v["reason"] = json!(why);
        }
        Status::Failed(why) => {
            v["status"] = json!("failed");
            v["error"] = json!(why);
        }
    }
    v
}

fn file_line(o: &Outcome) -> String {
    let path = o.path.display();
    match &o.status {
        Status::Imported(d) => format!(
            "imported   {path} -> {} ({} UTC, date from {})",
            d.url,
            d.date_gmt.as_deref().unwrap_or("?"),
            d.date_used.as_deref().unwrap_or("unknown")
        ),
        Status::Duplicate(why) => format!("duplicate  {path} ({why})"),
        Status::Failed(why) => format!("FAILED     {path}: {why}"),
    }
}
