use std::process::ExitCode;

use anyhow::Result;

use crate::cli::ConfigCommand;
use crate::config::Config;

pub fn run(cfg: &Config, cmd: ConfigCommand) -> Result<ExitCode> {
    match cmd {
        ConfigCommand::Show => {
            crate::outln!("# in effect: defaults < upstage.toml < UPSTAGE_* < flags");
            crate::outln!("{}", toml::to_string_pretty(cfg)?.trim_end());
        }
    }
    Ok(ExitCode::SUCCESS)
}
