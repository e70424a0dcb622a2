mod bench;
mod config;
mod doctor;
mod import;
mod keys;
mod loadtest;
mod migrate_storage;
mod plugins;
mod process;
mod serve;
mod stages;
mod tui;
mod upload;

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
        Command::Loadtest(args) => loadtest::run(args, cfg.workers),
        Command::Import(args) => import::run(cfg, args),
        Command::Upload(args) => upload::run(cfg, args),
        Command::Tui(args) => tui::run(cfg, args),
        Command::Plugins(c) => plugins::run(&cfg, c),
        Command::MigrateStorage(args) => migrate_storage::run(&cfg, args),
        Command::Doctor => doctor::run(&cfg),
        Command::Stages => stages::run(&cfg),
    }
}
