//! `upstage stages`: the stages a pipeline can name, built-in and from allowed plugins.

use std::process::ExitCode;

use anyhow::Result;

use crate::config::Config;

pub fn run(cfg: &Config) -> Result<ExitCode> {
    for (name, description) in crate::library::registry(cfg)?.list() {
        crate::outln!("{name:<12} {description}");
    }
    Ok(ExitCode::SUCCESS)
}
