//! `upstage plugins list`: every library on the search path and what became of it.

use std::process::ExitCode;

use anyhow::Result;
use upstage_plugin_host::{EntryStatus, ScanMode};

use crate::cli::PluginsCommand;
use crate::config::Config;

struct Row {
    name: String,
    version: String,
    kind: String,
    path: String,
    enabled: bool,
    status: &'static str,
    code: Option<&'static str>,
    error: Option<String>,
}

pub fn run(cfg: &Config, cmd: PluginsCommand) -> Result<ExitCode> {
    let PluginsCommand::List { json } = cmd;
    let search = crate::plugins::search_path(cfg);
    // Listing opens every candidate (like gst-inspect), so broken files show up before they are
    // enabled; `serve` and `process` open only what `[plugins]` allows.
    let catalog = crate::plugins::catalog(cfg, ScanMode::All)?;
    let mut rows = Vec::new();
    for e in &catalog.entries {
        let path = e.path.display().to_string();
        let row = match &e.status {
            EntryStatus::Loaded(lib) => Row {
                name: lib.info.name.clone(),
                version: lib.info.version.clone(),
                kind: lib.info.kind.as_str().into(),
                path,
                enabled: e.enabled,
                status: if e.enabled { "loaded" } else { "disabled" },
                code: None,
                error: None,
            },
            EntryStatus::Skipped => Row {
                name: "-".into(),
                version: "-".into(),
                kind: "-".into(),
                path,
                enabled: false,
                status: "disabled",
                code: None,
                error: None,
            },
            EntryStatus::Failed(err) => Row {
                name: "-".into(),
                version: "-".into(),
                kind: "-".into(),
                path,
                enabled: e.enabled,
                status: "error",
                code: Some(err.code()),
                error: Some(err.to_string()),
            },
        };
        rows.push(row);
    }
    for m in &catalog.missing {
        rows.push(Row {
            name: match m {
                upstage_plugin_host::LoadError::Missing { name, .. } => name.clone(),
                _ => "-".into(),
            },
            version: "-".into(),
            kind: "-".into(),
            path: "-".into(),
            enabled: true,
            status: "error",
            code: Some(m.code()),
            error: Some(m.to_string()),
        });
    }
    if json {
        for r in &rows {
            println!(
                "{}",
                serde_json::json!({"name": r.name, "version": r.version, "kind": r.kind,
                    "path": r.path, "enabled": r.enabled, "status": r.status, "code": r.code,
                    "error": r.error})
            );
        }
    } else {
        println!("search path: {}", search.describe());
        println!(
            "{:<16} {:<10} {:<8} {:<9} PATH",
            "NAME", "VERSION", "KIND", "STATUS"
        );
        for r in &rows {
            println!(
                "{:<16} {:<10} {:<8} {:<9} {}",
                r.name, r.version, r.kind, r.status, r.path
            );
            if let Some(e) = &r.error {
                println!("    {e}");
            }
        }
        if rows.is_empty() {
            println!("(no plugin libraries found)");
        }
    }
    let broken = rows.iter().any(|r| r.enabled && r.status == "error");
    Ok(if broken {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
