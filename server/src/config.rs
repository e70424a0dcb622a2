//! Settings of the HTTP adapter (the `[server]` table of `upstage.toml`). Defaults follow the
//! reference installer's, except where docs/compatibility.md says we differ.

use std::net::SocketAddr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};
pub use upstage_library::RouteConfig;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// Base of every URL in responses; default `http://<listen>`.
    pub public_url: Option<String>,
    /// `sqlite://…` (default: `<data_dir>/upstage.db`) or `postgres://…`.
    pub database_url: Option<String>,
    /// Connections each instance keeps to the database (default: 4 for SQLite, 16 for
    /// PostgreSQL). With N instances PostgreSQL sees up to N times this many.
    pub database_max_connections: Option<u32>,
    /// Site time zone for `date` (IANA name); `date_gmt` is always UTC.
    pub timezone: String,
    /// Id padding for new sites (the salt is generated once and kept in the database).
    pub id_padding: u64,
    pub guest: GuestConfig,
    /// Failed API key and delete token checks allowed per client address and minute; past it
    /// the address is answered 429 until its minute is over (0: no limit).
    pub auth_failures_per_minute: u32,
    /// Duplicate detection: same md5 from the same IP within 24 h (non-admin keys).
    pub duplicate_check: bool,
    pub flood: FloodConfig,
    pub url_uploads: UrlUploadConfig,
    pub processing: ProcessingConfig,
    pub routes: RouteConfig,
    /// Put the title in viewer URLs (`/image/my-title.AbC`).
    pub seo_urls: bool,
    /// Behind a reverse proxy: the header carrying the client address (e.g. `X-Forwarded-For`),
    /// believed only when the connection comes from one of `trusted_proxies`.
    pub client_ip_header: Option<String>,
    pub trusted_proxies: Vec<IpNet>,
    /// Expired images are deleted by this many per sweep, every `sweep_seconds`.
    pub sweep_seconds: u64,
    pub sweep_batch: i64,
    /// On SIGTERM/SIGINT, uploads in flight get this long to finish; what is still arriving
    /// after it is answered `503` and the server exits.
    pub shutdown_grace_seconds: u64,
    /// A client must send a request's headers within this time, and an idle keep-alive
    /// connection is closed after it (nginx: `client_header_timeout`).
    pub header_timeout_seconds: u64,
    /// Longest pause allowed between two reads of a body (nginx: `client_body_timeout`).
    pub body_idle_timeout_seconds: u64,
    /// A whole body must have arrived within this time of its headers, however steadily it
    /// trickles in.
    pub request_timeout_seconds: u64,
    /// Upload bodies are kept in memory, up to this many MiB for all requests together (one
    /// body at most a quarter of it), when the request says its length; other bodies go to temp
    /// files under `<data_dir>/tmp`. 0: always temp files.
    pub body_memory_mib: u64,
    /// Connections served at once; further ones wait in the listen backlog. Default: what the
    /// descriptor limit allows (see `http::limits`).
    pub max_connections: Option<usize>,
    /// Leftovers of interrupted uploads are removed at start and every `reconcile_seconds`.
    pub reconcile_seconds: u64,
    /// Only leftovers older than this are touched: it must exceed the longest time an upload
    /// takes to write its files, on any instance sharing the storage.
    pub reconcile_grace_seconds: u64,
    /// Walk the storage for orphans at start (one database lookup per stored file: turn off
    /// for very large buckets once a walk came back clean).
    pub reconcile_orphan_walk: bool,
    /// Web origins (`https://app.example.com`) whose pages may call the upload and album API
    /// from a browser (CORS). Empty: none, browsers keep cross-origin pages out.
    pub cors_origins: Vec<String>,
    /// The `[site]` table (read at the top level of `upstage.toml`, carried here so every way
    /// of opening the server has it).
    #[serde(skip)]
    pub site: SiteConfig,
}

/// The `[site]` table: what the pages call the site.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteConfig {
    /// Shown in every page's header and title.
    pub name: String,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            name: "Upstage".into(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            database_url: None,
            database_max_connections: None,
            timezone: "UTC".into(),
            id_padding: 999,
            guest: GuestConfig::default(),
            auth_failures_per_minute: 20,
            duplicate_check: true,
            flood: FloodConfig::default(),
            url_uploads: UrlUploadConfig::default(),
            processing: ProcessingConfig::default(),
            routes: RouteConfig::default(),
            seo_urls: true,
            client_ip_header: None,
            trusted_proxies: Vec::new(),
            sweep_seconds: 60,
            sweep_batch: 50,
            shutdown_grace_seconds: 30,
            header_timeout_seconds: 30,
            body_idle_timeout_seconds: 30,
            request_timeout_seconds: 600,
            body_memory_mib: 64,
            max_connections: None,
            reconcile_seconds: 300,
            reconcile_grace_seconds: 900,
            reconcile_orphan_walk: true,
            cors_origins: Vec::new(),
            site: SiteConfig::default(),
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct GuestConfig {
    /// Guest uploads with the public key (off by default, as in the reference).
    pub enabled: bool,
    pub key: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct FloodConfig {
    pub enabled: bool,
    pub per_minute: i64,
    pub per_hour: i64,
    pub per_day: i64,
    pub per_week: i64,
    pub per_month: i64,
    /// Admin keys are not counted (the reference counts them; a batch importer must not stall).
    pub exempt_admins: bool,
}

impl Default for FloodConfig {
    fn default() -> Self {
        FloodConfig {
            enabled: true,
            per_minute: 50,
            per_hour: 500,
            per_day: 1000,
            per_week: 5000,
            per_month: 10000,
            exempt_admins: true,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct UrlUploadConfig {
    /// URL sources (admin keys only) — off by default like the reference.
    pub enabled: bool,
    pub timeout_seconds: u64,
    pub max_redirects: u8,
    /// Networks URL sources may reach although they are not public (e.g. an intranet CDN).
    pub allow: Vec<IpNet>,
}

impl Default for UrlUploadConfig {
    fn default() -> Self {
        UrlUploadConfig {
            enabled: false,
            timeout_seconds: 30,
            max_redirects: 3,
            allow: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct ProcessingConfig {
    /// Uploads processed at once (CPU-bound; default: number of CPUs).
    pub workers: usize,
    /// Uploads allowed to wait for a worker; beyond that new uploads are refused at once.
    pub queue: usize,
    /// How long a waiting upload waits for a worker before it is refused.
    pub wait_seconds: u64,
}

impl Default for ProcessingConfig {
    fn default() -> Self {
        ProcessingConfig {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            queue: 64,
            wait_seconds: 30,
        }
    }
}
