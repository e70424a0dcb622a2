//! `upstage plugins list` (every library on the search path and what became of it) and
//! `upstage plugins install FILE`.

use std::process::ExitCode;

use anyhow::Result;
use upstage_plugin_host::ScanMode;

use crate::cli::PluginsCommand;
use crate::config::Config;
use crate::plugins::Row;

pub fn run(cfg: &Config, cmd: PluginsCommand) -> Result<ExitCode> {
    match cmd {
        PluginsCommand::List { json } => list(cfg, json),
        PluginsCommand::Install { file, dir } => {
            let dir = dir.unwrap_or_else(|| cfg.data_dir.join("plugins"));
            let (info, dest) = crate::plugins::install(&file, &dir)?;
            crate::outln!(
                "installed {} {} ({}, sdk {}, {}) as {}",
                info.name,
                info.version,
                info.kind.as_str(),
                info.sdk_version,
                if info.build_profile.is_empty() {
                    "-"
                } else {
                    &info.build_profile
                },
                dest.display()
            );
            if !cfg.plugins.contains_key(&info.name) {
                crate::outln!(
                    "note: add [plugins.{}] to upstage.toml to enable it",
                    info.name
                );
            }
            crate::outln!(
                "running upstage processes keep the copy they loaded: restart them to use it"
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn list(cfg: &Config, json: bool) -> Result<ExitCode> {
    // Listing opens every candidate (like gst-inspect), so broken files show up before they are
    // enabled; `serve` and `process` open only what `[plugins]` allows.
    let (search, rows) = crate::plugins::check(cfg, ScanMode::All)?;
    if json {
        for r in &rows {
            crate::outln!("{}", serde_json::to_string(r)?);
        }
    } else {
        crate::outln!("search path: {}", search.describe());
        print_table(&rows);
        if rows.is_empty() {
            crate::outln!("(no plugin libraries found)");
        }
    }
    Ok(if rows.iter().any(Row::unusable) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The human table, also used by `doctor`.
pub fn print_table(rows: &[Row]) {
    if rows.is_empty() {
        return;
    }
    crate::outln!(
        "{:<16} {:<10} {:<8} {:<8} {:<8} {:<9} PATH",
        "NAME",
        "VERSION",
        "KIND",
        "SDK",
        "PROFILE",
        "STATUS"
    );
    for r in rows {
        crate::outln!(
            "{:<16} {:<10} {:<8} {:<8} {:<8} {:<9} {}",
            r.name,
            r.version,
            r.kind,
            r.sdk_version,
            r.profile,
            r.status,
            r.path
        );
        if let Some(e) = &r.error {
            crate::outln!("    {e}");
        }
    }
}
