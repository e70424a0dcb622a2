mod bench;
mod config;
mod import;
mod keys;
mod loadtest;
mod migrate_storage;
mod plugins;
mod process;
mod serve;
mod tui;
mod upload;

use std::process::ExitCode;

use anyhow::Result;

pub use upload::UploadSettings;

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
        Command::Import(args) => import::run(cfg, args),
        Command::Upload(args) => upload::run(cfg, args),
        Command::Tui(args) => tui::run(cfg, args),
        Command::Plugins(c) => plugins::run(&cfg, c),
        Command::MigrateStorage(args) => migrate_storage::run(&cfg, args),
        Command::Doctor => {
            let frame = cfg
                .stage_specs()?
                .into_iter()
                .find(|s| s.name == "frame")
                .map(|s| s.config)
                .unwrap_or_default();
            let mut ok = true;
            match upstage_stage_frame::ffmpeg_available(&frame) {
                Ok(v) => println!("video:   available ({v})"),
                Err(why) => {
                    ok = false;
                    println!("video:   NOT available: {why}\n         images still work; videos are refused with a clear error");
                }
            }
            println!("data:    {}", cfg.data_dir.display());
            println!("pipeline: {}", cfg.pipeline.join(" -> "));
            cfg.build_pipeline()?;
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Stages => {
            let mut registry = crate::builtins::registry()?;
            crate::plugins::register_stages(&cfg, &mut registry)?;
            for (name, description) in registry.list() {
                println!("{name:<12} {description}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
