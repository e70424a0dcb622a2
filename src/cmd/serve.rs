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
    let opts = crate::library::serve_options(&cfg)?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        // Registered before anything else, so a stop request during start-up is not lost.
        let stop = stop_requested()?;
        let listener = upstage_server::bind(opts.cfg.listen).await?;
        let addr = listener.local_addr()?;
        let state = upstage_server::build_state(opts, addr).await?;
        if let Some(key) = upstage_server::ensure_admin(&state).await? {
            crate::outln!(
                "First start: created user 'admin'. Its API key (shown only now):\n\n    {key}\n"
            );
        }
        crate::outln!(
            "Upstage listening on http://{addr} — upload endpoint {}/api/1/upload (Ctrl-C to stop)",
            state.base_url
        );
        let served = upstage_server::serve(state.clone(), listener, stop).await;
        // Checkpoints the SQLite WAL into the database file, so a stopped site is one file.
        state.db.close().await;
        served
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Completes on SIGTERM (systemd, docker, Kubernetes) or SIGINT (Ctrl-C): both stop the server
/// gracefully. Unhandled, SIGTERM would kill the process with uploads in flight.
fn stop_requested() -> Result<impl std::future::Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        eprintln!("{name} received: no new connections; finishing uploads in flight");
    })
}
