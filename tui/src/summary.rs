//! The end of a batch in words: counts, where the links are, and every failure with its reason.
//! `upstage upload` prints it when done; `upstage tui` prints it on the normal screen on leaving.

use std::path::PathBuf;

use serde_json::json;

use crate::i18n::{hint, message, Lang};
use upstage_client::UploadError;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub uploaded: usize,
    pub skipped: usize,
    pub failed: usize,
    pub refused: usize,
    pub not_started: usize,
    pub seconds: f64,
    pub bytes: u64,
    pub journal: Option<PathBuf>,
    /// Links saved during the session (the TUI's `w`/`v`).
    pub links_files: Vec<PathBuf>,
    /// Failed and refused files, in input order.
    pub failures: Vec<(PathBuf, UploadError)>,
}

impl Summary {
    pub fn text(&self, lang: Lang) -> String {
        let da = lang == Lang::Da;
        let secs = crate::render::fmt::decimal(lang, self.seconds, 1);
        let mut out = if da {
            format!(
                "{} uploadet, {} allerede uploadet (sprunget over), {} fejlet, {} afvist på {secs} s",
                self.uploaded, self.skipped, self.failed, self.refused
            )
        } else {
            format!(
                "{} uploaded, {} already uploaded (skipped), {} failed, {} refused in {secs} s",
                self.uploaded, self.skipped, self.failed, self.refused
            )
        };
        if self.not_started > 0 {
            out.push('\n');
            out.push_str(&if da {
                format!(
                    "ikke startet: {} — kør den samme kommando igen for at gøre det færdigt",
                    self.not_started
                )
            } else {
                format!(
                    "not started: {} — run the same command again to finish",
                    self.not_started
                )
            });
        }
        for (path, e) in &self.failures {
            out.push_str(&format!(
                "\n  {}: [{}] {} — {}",
                path.display(),
                e.code(),
                message(lang, e),
                hint(lang, e)
            ));
        }
        for f in &self.links_files {
            out.push_str(&format!("\nlinks: {}", f.display()));
        }
        if let Some(j) = &self.journal {
            let label = if da {
                "journal (alle links, også slet-links)"
            } else {
                "journal (every link, delete links too)"
            };
            out.push_str(&format!("\n{label}: {}", j.display()));
        }
        out
    }

    pub fn json(&self) -> serde_json::Value {
        json!({"summary": {
            "uploaded": self.uploaded,
            "skipped": self.skipped,
            "failed": self.failed,
            "refused": self.refused,
            "not_started": self.not_started,
            "journal": self.journal,
            "seconds": self.seconds,
            "bytes": self.bytes,
        }})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_failures_and_where_the_links_are() {
        let s = Summary {
            uploaded: 3,
            failed: 1,
            not_started: 2,
            seconds: 4.26,
            journal: Some("/j.tsv".into()),
            failures: vec![("/p/a.jpg".into(), UploadError::network("reset"))],
            ..Summary::default()
        };
        let en = s.text(Lang::En);
        assert!(
            en.starts_with(
                "3 uploaded, 0 already uploaded (skipped), 1 failed, 0 refused in 4.3 s"
            ),
            "{en}"
        );
        assert!(en.contains("not started: 2"), "{en}");
        assert!(
            en.contains("/p/a.jpg: [network] reset — The connection broke"),
            "{en}"
        );
        assert!(
            en.ends_with("journal (every link, delete links too): /j.tsv"),
            "{en}"
        );
        let da = s.text(Lang::Da);
        assert!(da.contains("på 4,3 s"), "{da}");
        assert!(
            da.contains("netværksfejl: reset — Forbindelsen blev afbrudt"),
            "{da}"
        );
    }
}
