mod bench;
mod config;
mod keys;
mod loadtest;
mod process;
mod serve;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::config::Config;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let cfg = Config::load(&cli.global)?;
    match cli.command {
        Command::Process(args) => process::run(&cfg, args),
        Command::Bench(args) => bench::run(&cfg, args),
        Command::Config(c) => config::run(&cfg, c),
        Command::Serve(args) => serve::run(cfg, args),
        Command::Keys(k) => keys::run(&cfg, k),
        Command::Loadtest(args) => loadtest::run(args),
        Command::Stages => {
            for (name, description) in crate::builtins::registry()?.list() {
                println!("{name:<12} {description}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
