use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Upstage: media upload and processing.
#[derive(Debug, Parser)]
#[command(name = "upstage", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand accepts; they override `upstage.toml` and `UPSTAGE_*` variables.
#[derive(Debug, Args, Default)]
pub struct GlobalArgs {
    /// Configuration file (default: ./upstage.toml when present).
    #[arg(long, global = true, env = "UPSTAGE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Worker threads for processing.
    #[arg(long, global = true)]
    pub workers: Option<usize>,
    /// Largest accepted file in bytes.
    #[arg(long, global = true)]
    pub max_bytes: Option<u64>,
    /// A directory of plugin libraries (repeatable); searched before `UPSTAGE_PLUGIN_PATH` and
    /// `<data_dir>/plugins`.
    #[arg(long = "plugin-dir", global = true)]
    pub plugin_dir: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the pipeline over files and folders and store the results on local disk.
    Process(ProcessArgs),
    /// Measure the pipeline on a folder of photos (optionally against libvips, same run).
    Bench(BenchArgs),
    /// Configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// List the stages the pipeline can be built from.
    Stages,
    /// Check the environment: configuration, data dir, and whether video processing (ffmpeg) works.
    Doctor,
    /// Run the HTTP adapter (Chevereto API V1.1 upload endpoint, viewer, files).
    Serve(ServeArgs),
    /// Manage API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Load-test the upload endpoint: starts its own `upstage serve` on loopback, uploads ~2 MB
    /// JPEGs at each concurrency, reports uploads/s, p50/p99 latency and the server's peak RSS.
    Loadtest(LoadtestArgs),
    /// Import photo folders filed by the date they were taken (EXIF), into the local library or
    /// a remote site (`--to`); re-running skips what was already imported.
    Import(ImportArgs),
    /// Upload files and folders to a site (`--url`/`--key`) or the local library, in parallel,
    /// with retries and a resumable journal; exit code 1 if any file failed.
    Upload(UploadArgs),
    /// The full-screen batch uploader (queue, progress, errors, links).
    Tui(TuiArgs),
    /// Third-party plugins (storage backends and stages loaded from libraries).
    #[command(subcommand)]
    Plugins(PluginsCommand),
    /// Copy every stored file to another storage backend (e.g. local -> s3), verify each copy,
    /// then print the setting to switch; re-running resumes where it stopped.
    MigrateStorage(MigrateStorageArgs),
}

/// Where a batch goes and how it is sent (`upstage upload` and `upstage tui`).
#[derive(Debug, Args, Clone, Default)]
pub struct BatchArgs {
    /// The site's base URL (or its `/api/1/upload` endpoint). Without it (and without
    /// `upload.url` in the config), files go into the local library `upstage serve` uses.
    #[arg(long, env = "UPSTAGE_URL")]
    pub url: Option<String>,
    /// The API key for `--url`.
    #[arg(long, env = "UPSTAGE_KEY", hide_env_values = true)]
    pub key: Option<String>,
    /// Album: the site's encoded album id; in the local library an album name (created if missing).
    #[arg(long)]
    pub album: Option<String>,
    /// Title template: `{name}`, `{ext}` and `{n}` (position in the batch) are replaced.
    #[arg(long)]
    pub title: Option<String>,
    /// Comma-separated tags.
    #[arg(long)]
    pub tags: Option<String>,
    /// Mark every file not safe for work.
    #[arg(long)]
    pub nsfw: bool,
    /// Auto-delete after this long: seconds, or an ISO-8601 duration such as PT5M or P3D.
    #[arg(long)]
    pub expiration: Option<String>,
    /// Downscale images to this width.
    #[arg(long)]
    pub width: Option<u32>,
    /// Files sent at once (default 4, or `upload.concurrency` in the config).
    #[arg(long, short = 'j')]
    pub concurrency: Option<usize>,
    /// Tries per file for network errors and 5xx (4xx are never retried).
    #[arg(long, default_value_t = 4)]
    pub tries: u32,
    /// The batch journal (default: ~/.cache/upstage/upload-<hash of target, files, options>.tsv).
    #[arg(long, conflicts_with = "no_journal")]
    pub journal: Option<PathBuf>,
    /// Do not skip files an earlier run uploaded, and record nothing.
    #[arg(long)]
    pub no_journal: bool,
}

#[derive(Debug, Args)]
pub struct UploadArgs {
    /// Files and folders (folders are walked recursively, keeping the accepted formats).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub batch: BatchArgs,
    /// One JSON object per file on stdout, then a summary object.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// `txt`: print only the URL of each uploaded file (errors go to stderr).
    #[arg(long, value_enum)]
    pub format: Option<UploadFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UploadFormat {
    Txt,
}

#[derive(Debug, Args)]
pub struct TuiArgs {
    /// Files and folders to queue (more can be added with the file picker).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Interface language: `en` or `da` (default: from LC_ALL / LANG).
    #[arg(long)]
    pub lang: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PluginsCommand {
    /// Every library on the plugin search path: name, version, kind, SDK version, build profile,
    /// path and status; every enabled plugin is started with its configuration. Exits 1 when an
    /// enabled plugin is unusable.
    List {
        /// One JSON object per library.
        #[arg(long)]
        json: bool,
    },
    /// Check a plugin library and install it by atomic rename (running processes keep the copy
    /// they loaded; the new one is used from their next start).
    Install {
        /// The library (e.g. target/release/libsepia.so); its file name is kept.
        file: PathBuf,
        /// Plugin directory to install into (default: `<data_dir>/plugins`).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct MigrateStorageArgs {
    /// Backend the files are in now: "local" or "s3" (settings from `[storage.s3]`).
    #[arg(long)]
    pub from: String,
    /// Backend to copy them to.
    #[arg(long)]
    pub to: String,
    /// Files copied at once.
    #[arg(long, default_value_t = 8)]
    pub jobs: usize,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files and folders to import (folders are walked recursively; hidden files, symlinks and
    /// non-upload formats are skipped).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Remote mode: the site's base URL (or its `/api/1/upload` endpoint). Without it, files go
    /// into the local library `upstage serve` uses.
    #[arg(long, env = "UPSTAGE_URL")]
    pub to: Option<String>,
    /// Remote mode: an admin API key (needed for the site to honour `use_file_date`).
    #[arg(long, env = "UPSTAGE_KEY", hide_env_values = true)]
    pub key: Option<String>,
    /// Remote mode: tries per file for connection errors, 5xx and 429 (with jittered backoff,
    /// or the server's Retry-After); other 4xx answers are never retried.
    #[arg(long, default_value_t = 4)]
    pub tries: u32,
    /// Album to put every file in. Local mode: an album name (created if missing). Remote mode:
    /// an encoded album id of the site, sent as `album_id`.
    #[arg(long, conflicts_with = "albums_by_folder")]
    pub album: Option<String>,
    /// Local mode: one album per source folder, named by the folder's path relative to the
    /// argument (files at its root go into an album named like the argument itself).
    #[arg(long)]
    pub albums_by_folder: bool,
    /// Local mode: file items with no EXIF date by their modification time instead of today.
    #[arg(long)]
    pub use_mtime_fallback: bool,
    /// Print the date each file would get, and where it comes from, plus a histogram per
    /// month; writes nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// One JSON object per file on stdout, then a summary object.
    #[arg(long)]
    pub json: bool,
    /// The journal of imported files (default: <data_dir>/import-journal.tsv locally,
    /// ~/.cache/upstage/import-<hash of the URL>.tsv in remote mode).
    #[arg(long)]
    pub journal: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LoadtestArgs {
    /// Uploads per concurrency level.
    #[arg(long, default_value_t = 100)]
    pub requests: usize,
    /// Concurrency levels to run, in order.
    #[arg(long, value_delimiter = ',', default_value = "1,8")]
    pub concurrency: Vec<usize>,
    /// A server setup to measure, `label;KEY=VALUE;…` (environment of the server child);
    /// repeat to compare setups in one run (ratios against the first are printed at the end).
    #[arg(long)]
    pub setup: Vec<String>,
    /// Skip the `upstage process` run on the same files (and the goals measured against it).
    #[arg(long)]
    pub no_pipeline: bool,
    /// Instead of levels: upload distinct photos for this many seconds at the last
    /// `--concurrency`, printing the server's RSS over time and while idle afterwards.
    #[arg(long, value_name = "SECONDS")]
    pub soak: Option<u64>,
    /// Soak: how long to watch the idle server after the load.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub idle: u64,
    /// Soak: base photos (the JPEGs of this folder, e.g. the corpus) instead of generated ones.
    #[arg(long, value_name = "DIR")]
    pub photos: Option<std::path::PathBuf>,
    /// The `upstage` binary to run as the server (default: this one), e.g. an older build for
    /// before/after figures in one run.
    #[arg(long, value_name = "PATH")]
    pub server_exe: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long)]
    pub listen: Option<std::net::SocketAddr>,
    /// Base of the URLs in responses (default http://<listen>).
    #[arg(long)]
    pub public_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key (and the account if new); the key is printed once.
    Create {
        #[arg(long)]
        user: String,
        /// Make a new user an admin.
        #[arg(long)]
        admin: bool,
        /// A label for the key.
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// List keys (ids, users, dates; never the keys themselves).
    List,
    /// Revoke a key by its id (as shown by `keys list`).
    Revoke { id: i64 },
}

#[derive(Debug, Args)]
pub struct ProcessArgs {
    /// Files and folders (folders are walked recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output root (default: the configured data dir).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// One JSON object per item on stdout, then a summary object.
    #[arg(long)]
    pub json: bool,
    /// File items by the date they were taken (EXIF) instead of today.
    #[arg(long)]
    pub use_file_date: bool,
    /// Downscale stored images to this width.
    #[arg(long)]
    pub width: Option<u32>,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The corpus folder (`jpeg/`, `webp/`, `png/` inside, as scripts/corpus makes it), or one
    /// folder holding the files.
    pub dir: PathBuf,
    /// File sets to measure, in order.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [BenchSet::Jpeg, BenchSet::Baseline, BenchSet::Webp])]
    pub sets: Vec<BenchSet>,
    /// Copies of the generated baseline JPEG in the `baseline` set.
    #[arg(long, default_value_t = 50)]
    pub copies: usize,
    /// Also time this reference in the same run.
    #[arg(long, value_enum, default_value_t = Reference::Vips)]
    pub reference: Reference,
    /// Passes over the folder (the best is reported).
    #[arg(long, default_value_t = 2)]
    pub passes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchSet {
    /// The corpus JPEGs (`DIR/jpeg`).
    Jpeg,
    /// `--copies` copies of one baseline 1920x1280 q100 JPEG made from the most detailed large corpus JPEG.
    Baseline,
    /// The corpus WebPs (`DIR/webp`), with the SSIM of both mediums.
    Webp,
    /// The corpus PNGs (`DIR/png`).
    Png,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Reference {
    /// `vipsthumbnail`: medium from one decode, thumb chained from the medium.
    Vips,
    None,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the configuration in effect (defaults, file, environment and flags merged) as TOML.
    Show,
}
