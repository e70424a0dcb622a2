use std::process::ExitCode;

use anyhow::Result;

use crate::cli::ServeArgs;
use crate::config::Config;

pub fn run(mut cfg: Config, args: ServeArgs) -> Result<ExitCode> {
    if let Some(l) = args.listen {
        cfg.server.listen = l;
    }
    if let Some(u) = args.public_url {
        cfg.server.public_url = Some(u);
    }
    let opts = cfg.serve_options()?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let listener = upstage_server::bind(opts.cfg.listen).await?;
        let addr = listener.local_addr()?;
        let state = upstage_server::build_state(opts, addr).await?;
        if let Some(key) = upstage_server::ensure_admin(&state).await? {
            println!(
                "First start: created user 'admin'. Its API key (shown only now):\n\n    {key}\n"
            );
        }
        println!(
            "Upstage listening on http://{addr} — upload endpoint {}/api/1/upload (Ctrl-C to stop)",
            state.base_url
        );
        let served = upstage_server::serve(state.clone(), listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
        state.db.close().await;
        served
    })?;
    Ok(ExitCode::SUCCESS)
}
