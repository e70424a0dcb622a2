//! `upstage doctor`: is this installation ready? Video tools, the storage backend, every enabled
//! plugin (created with its real configuration) and the pipeline. Exits 1 when something an
//! upload would need is unusable.

use std::process::ExitCode;

use anyhow::Result;
use upstage_plugin_host::ScanMode;

use crate::config::Config;
use crate::plugins::Row;

pub fn run(cfg: &Config) -> Result<ExitCode> {
    let frame = cfg
        .stage_specs()?
        .into_iter()
        .find(|s| s.name == "frame")
        .map(|s| s.config)
        .unwrap_or_default();
    let mut ok = true;
    match upstage_stage_frame::ffmpeg_available(&frame) {
        Ok(v) => crate::outln!("video:   available ({v})"),
        Err(why) => {
            ok = false;
            crate::outln!("video:   NOT available: {why}\n         images still work; videos are refused with a clear error");
        }
    }
    crate::outln!("data:    {}", cfg.data_dir.display());
    // Local storage needs nothing checked (and opening it would create the data dir).
    if cfg.storage.backend != "local" {
        match crate::library::storage(cfg, &cfg.data_dir) {
            Ok(s) => crate::outln!("storage: {} (ok)", s.name()),
            Err(e) => {
                ok = false;
                crate::outln!("storage: {} NOT usable: {e:#}", cfg.storage.backend);
            }
        }
    }
    if !cfg.plugins.is_empty() {
        let (search, rows) = crate::plugins::check(cfg, ScanMode::Enabled)?;
        let enabled: Vec<Row> = rows.into_iter().filter(|r| r.enabled).collect();
        crate::outln!("plugins: search path {}", search.describe());
        super::plugins::print_table(&enabled);
        ok &= !enabled.iter().any(Row::unusable);
    }
    crate::outln!("pipeline: {}", cfg.pipeline.join(" -> "));
    if let Err(e) = crate::library::pipeline(cfg) {
        ok = false;
        crate::outln!("          NOT usable: {e:#}");
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
