//! `upstage`: the one binary. Subcommands live in `cmd/`; configuration in `config/`, what is built from it in `library.rs`.

mod cli;
mod cmd;
mod config;
mod library;
mod local_target;
mod out;
mod plugins;
mod report;

use std::process::ExitCode;

use clap::Parser;

/// A long-running server sees uploads of every size freed on threads other than the ones that
/// allocated them; glibc's per-thread arenas kept hundreds of MB of such holes resident after a
/// soak (docs/performance.md). mimalloc returns freed pages to the system within milliseconds.
/// With its `override` feature the C libraries (libjpeg-turbo, libwebp, SQLite) allocate from
/// it too: under glibc, libjpeg's per-image buffers went back to the system after every image
/// and were faulted in again for the next (~3 ms of kernel time per upload).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("UPSTAGE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    small_pages();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// mimalloc asks for transparent huge pages on its arenas, and gives memory back in 64 KiB
/// pieces. Under a stream of uploads (multi-MB bodies and pixel buffers freed and allocated
/// again) the kernel split huge pages and faulted fresh ones in, zeroing 2 MiB each time: 3 % of
/// the server's CPU. Without them the server used less CPU per upload (47–49 → 43 ms in an
/// alternating A/B at concurrency 8) and ~50 MB less peak memory (docs/performance.md);
/// `upstage process` was unchanged. The flag is the process's own (and its children's), not the
/// machine's. A kernel without it is no error.
#[cfg(target_os = "linux")]
fn small_pages() {
    if let Err(e) = rustix::thread::disable_transparent_huge_pages(true) {
        tracing::debug!("transparent huge pages stay on: {e}");
    }
}

/// Transparent huge pages are a Linux feature.
#[cfg(not(target_os = "linux"))]
fn small_pages() {}
