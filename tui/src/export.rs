//! The links as text to copy, and every file of the batch as JSON or CSV to save, in the same
//! record schema `upstage upload --json` prints (`report::FileRecord`).

use std::path::PathBuf;

use crate::report::FileRecord;
use crate::state::{Item, ItemState, LinkFormat, State};

/// One line per uploaded file in the chosen format.
pub fn as_text(state: &State, format: LinkFormat) -> String {
    let mut out = String::new();
    for item in state.uploaded() {
        if let Some(l) = item.state.links() {
            out.push_str(&format.of(l));
            out.push('\n');
        }
    }
    out
}

pub fn record(i: &Item) -> FileRecord {
    match &i.state {
        ItemState::Done(l) => FileRecord::linked(&i.path, l, false, i.processing),
        ItemState::Skipped(l) => FileRecord::linked(&i.path, l, true, None),
        ItemState::Failed(e) => FileRecord::errored(&i.path, e, false),
        ItemState::Refused(e) => FileRecord::errored(&i.path, e, true),
        _ => FileRecord::not_started(&i.path),
    }
}

pub fn as_json(state: &State) -> String {
    let rows: Vec<FileRecord> = state.items.iter().map(record).collect();
    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".to_owned())
}

pub fn as_csv(state: &State) -> String {
    let mut out = format!("{}\n", FileRecord::CSV_HEADER);
    for i in &state.items {
        out.push_str(&record(i).csv_row());
        out.push('\n');
    }
    out
}

/// `upstage-links-20261126-143005.json`: a new name each time, so a second save never takes the
/// delete links of the first batch with it.
pub fn file_name(state: &State, ext: &str) -> PathBuf {
    let stamp = state
        .clock
        .map(|c| c.format("%Y%m%d-%H%M%S").to_string())
        .unwrap_or_else(|| "now".to_owned());
    PathBuf::from(format!("upstage-links-{stamp}.{ext}"))
}

/// The session's end in numbers, for the summary printed after the full screen is gone.
pub fn summary(state: &State, journal: Option<PathBuf>, seconds: f64) -> crate::summary::Summary {
    let mut s = crate::summary::Summary {
        seconds,
        journal,
        links_files: state.links_files.clone(),
        ..Default::default()
    };
    for i in &state.items {
        match &i.state {
            ItemState::Done(_) => {
                s.uploaded += 1;
                s.bytes += i.size;
            }
            ItemState::Skipped(_) => s.skipped += 1,
            ItemState::Failed(e) => {
                s.failed += 1;
                s.failures.push((i.path.clone(), e.clone()));
            }
            ItemState::Refused(e) => {
                s.refused += 1;
                s.failures.push((i.path.clone(), e.clone()));
            }
            _ => s.not_started += 1,
        }
    }
    s
}
