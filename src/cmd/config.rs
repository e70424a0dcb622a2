use std::process::ExitCode;

use anyhow::Result;

use crate::cli::ConfigCommand;
use crate::config::Config;

pub fn run(cfg: &Config, cmd: ConfigCommand) -> Result<ExitCode> {
    match cmd {
        ConfigCommand::Show => {
            println!("# in effect: defaults < upstage.toml < UPSTAGE_* < flags");
            print!("{}", toml::to_string_pretty(cfg)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}
