//! `upstage loadtest` end to end, tiny: it must start its server, upload, run `upstage process`
//! on the same files and print every goal row; `--soak` must follow the server's memory. The
//! figures themselves are a benchmark's business (docs/performance.md), not a test's.

use std::process::Command;

fn loadtest(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_upstage"))
        .args(["--workers", "2", "loadtest"])
        .args(args)
        .env("UPSTAGE_LOG", "error")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// The cells of the table row starting with `| {first} |`.
fn row<'a>(text: &'a str, first: &str) -> Vec<&'a str> {
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("| {first} |")))
        .unwrap_or_else(|| panic!("no row {first:?} in\n{text}"));
    line.trim_matches('|').split('|').map(str::trim).collect()
}

#[test]
fn levels_are_measured_against_the_pipeline_in_the_same_run() {
    let text = loadtest(&["--requests", "3", "--concurrency", "1,2"]);
    for conc in ["1", "2"] {
        let cells = row(&text, conc);
        assert_eq!(cells[4], "0", "no errors at c={conc}: {text}");
        assert!(cells[1].parse::<f64>().unwrap() > 0.0, "{text}");
    }
    assert!(text.contains("2 workers"), "{text}");
    for goal in [
        "uploads/s ÷ pipeline img/s at c=2",
        "p99 at c=2",
        "c=1 p99 ÷ pipeline per item",
        "server peak RSS",
    ] {
        let cells = row(&text, goal);
        let figure: f64 = cells[1]
            .split_whitespace()
            .next()
            .and_then(|f| f.parse().ok())
            .unwrap_or_else(|| panic!("{goal}: {text}"));
        assert!(figure > 0.0, "{goal}: {text}");
    }
}

#[test]
fn a_soak_reports_memory_during_and_after_the_load() {
    let text = loadtest(&["--soak", "5", "--idle", "1", "--concurrency", "2"]);
    let summary = text
        .lines()
        .find(|l| l.starts_with("soak: ") && l.contains("uploads ("))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(summary.contains("(0 errors)"), "{summary}");
    for idle in ["0", "1"] {
        let rss: f64 = row(&text, idle)[1].parse().unwrap();
        assert!(rss > 1.0, "{text}");
    }
}
