//! `upstage tui [PATHS…]`: opens the target like `upstage upload`, then hands the terminal to
//! the full-screen uploader.

use std::process::ExitCode;

use anyhow::Result;
use upstage_client::expand;
use upstage_tui::i18n::Lang;

use crate::cli::TuiArgs;
use crate::cmd::upload::target;
use crate::config::Config;

pub fn run(cfg: Config, args: TuiArgs) -> Result<ExitCode> {
    let (files, walk_errors) = expand(&args.paths);
    let lang = Lang::choose(args.lang.as_deref().or(cfg.upload.lang.as_deref()));
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let opened = target::open(&cfg, &args.batch, &files).await?;
        let new_key = opened.new_key.clone();
        let setup = upstage_tui::app::Setup {
            lang,
            files,
            walk_errors,
            target: opened.target,
            target_label: opened.label,
            options: opened.options,
            journal: opened.journal,
            engine: opened.engine,
            albums: opened.albums,
            local: args.batch.url.is_none() && cfg.upload.url.is_none(),
        };
        let summary = upstage_tui::app::run(setup).await;
        // After the full screen is gone, or the key would vanish with it.
        if let Some(key) = new_key {
            eprintln!(
                "New library: created user 'admin'. Its API key (shown only now):\n\n    {key}\n"
            );
        }
        let summary = summary?;
        // What happened stays in the terminal once the full screen is gone.
        eprintln!("{}", summary.text(lang));
        Ok(if summary.failed + summary.refused > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        })
    })
}
