//! Downloads an upload given as a URL (`source=https://…`) without opening an SSRF hole.
//!
//! Chevereto fetches whatever the URL names. Here every hop
//! is resolved by us, every resolved address must be public or operator allow-listed, and the
//! connection is pinned to exactly those vetted addresses so a second DNS answer (rebinding)
//! cannot redirect it. Size and time are bounded while streaming, not after.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use percent_encoding::percent_decode_str;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{header::LOCATION, redirect, Client, Response};
use tokio::io::AsyncWriteExt;
use url::{Host, Url};

pub use super::url_guard::is_public;

/// Limits for one URL download.
#[derive(Debug, Clone)]
pub struct UrlPolicy {
    /// Bodies larger than this are aborted while streaming.
    pub max_bytes: u64,
    /// Bound on the whole fetch: DNS, every hop's connect and headers, and the body.
    pub timeout: Duration,
    pub max_redirects: u8,
    /// Addresses in these nets are fetched even if private or loopback.
    pub allow: Vec<IpNet>,
}

impl Default for UrlPolicy {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
            timeout: Duration::from_secs(60),
            max_redirects: 3,
            allow: Vec::new(),
        }
    }
}

/// A finished download. The caller owns `path` and must move or delete it
/// (`tempfile::TempPath::from_path` restores delete-on-drop).
#[derive(Debug)]
pub struct Fetched {
    pub path: PathBuf,
    pub bytes: u64,
    /// md5 of the downloaded bytes, computed while they were written.
    pub md5: String,
    /// Percent-decoded last segment of the final URL's path; may be empty.
    pub file_name: String,
}

/// Why a download failed. Display texts go to API clients, so they never name local paths.
#[derive(Debug, thiserror::Error)]
pub enum UrlError {
    #[error("only http and https URLs can be fetched")]
    NotHttp,
    #[error("the URL is not valid")]
    BadUrl,
    #[error("the URL points to a non-public address ({addr})")]
    Blocked { addr: IpAddr },
    #[error("the URL host could not be resolved")]
    Dns,
    #[error("the remote file is larger than the allowed maximum")]
    TooLarge,
    #[error("the download took too long")]
    Timeout,
    #[error("the URL redirects too many times")]
    TooManyRedirects,
    #[error("the remote server answered with HTTP status {0}")]
    Status(u16),
    #[error("the download failed: {0}")]
    Network(String),
}

/// Downloads `url` into a new temporary file in `temp_dir`. On error nothing is left behind.
pub async fn fetch(url: &str, policy: &UrlPolicy, temp_dir: &Path) -> Result<Fetched, UrlError> {
    // On timeout the inner future is dropped, and with it any NamedTempFile, which deletes it.
    tokio::time::timeout(policy.timeout, fetch_inner(url, policy, temp_dir))
        .await
        .unwrap_or(Err(UrlError::Timeout))
}

async fn fetch_inner(raw: &str, policy: &UrlPolicy, temp_dir: &Path) -> Result<Fetched, UrlError> {
    let mut url = parse(raw)?;
    let mut redirects = 0u8;
    loop {
        let response = request(&url, policy).await?;
        if let Some(next) = redirect_target(&url, &response)? {
            if redirects >= policy.max_redirects {
                return Err(UrlError::TooManyRedirects);
            }
            redirects += 1;
            url = next;
            continue;
        }
        if !response.status().is_success() {
            return Err(UrlError::Status(response.status().as_u16()));
        }
        return download(response, &url, policy.max_bytes, temp_dir).await;
    }
}

fn parse(raw: &str) -> Result<Url, UrlError> {
    match Url::parse(raw) {
        Ok(url) => http_only(url),
        // `ftp://` alone does not parse, yet its scheme is the more useful complaint.
        Err(_) => match raw.trim().split_once(':') {
            Some((scheme, _)) if is_scheme(scheme) && !is_http(scheme) => Err(UrlError::NotHttp),
            _ => Err(UrlError::BadUrl),
        },
    }
}

fn is_scheme(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

fn is_http(scheme: &str) -> bool {
    scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
}

fn http_only(url: Url) -> Result<Url, UrlError> {
    if is_http(url.scheme()) {
        Ok(url)
    } else {
        Err(UrlError::NotHttp)
    }
}

/// Resolves and vets one hop, then sends the request pinned to the vetted addresses.
async fn request(url: &Url, policy: &UrlPolicy) -> Result<Response, UrlError> {
    let port = url.port_or_known_default().ok_or(UrlError::BadUrl)?;
    let addrs: Vec<SocketAddr> = match url.host() {
        Some(Host::Ipv4(ip)) => vec![SocketAddr::new(ip.into(), port)],
        Some(Host::Ipv6(ip)) => vec![SocketAddr::new(ip.into(), port)],
        Some(Host::Domain(name)) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|_| UrlError::Dns)?
            .collect(),
        None => return Err(UrlError::BadUrl),
    };
    if addrs.is_empty() {
        return Err(UrlError::Dns);
    }
    // Every answer is checked, not only the first: the connector may fall back to any of them.
    if let Some(bad) = addrs.iter().find(|a| !permitted(a.ip(), &policy.allow)) {
        return Err(UrlError::Blocked { addr: bad.ip() });
    }
    let client = Client::builder()
        .redirect(redirect::Policy::none())
        // An environment proxy would do its own DNS and bypass the vetting above.
        .no_proxy()
        .dns_resolver(Arc::new(Pinned(addrs)))
        .user_agent(concat!("upstage-server/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(network)?;
    client.get(url.clone()).send().await.map_err(network)
}

fn permitted(ip: IpAddr, allow: &[IpNet]) -> bool {
    // `::ffff:127.0.0.1` reaches 127.0.0.1, so an allow-list of `127.0.0.0/8` should cover it.
    let canonical = ip.to_canonical();
    is_public(ip)
        || allow
            .iter()
            .any(|n| n.contains(&ip) || n.contains(&canonical))
}

/// Resolver that answers every name with the vetted addresses and never asks the system,
/// so a rebinding DNS server gets no second chance between our check and the connect.
struct Pinned(Vec<SocketAddr>);

impl Resolve for Pinned {
    fn resolve(&self, _name: Name) -> Resolving {
        let addrs: Addrs = Box::new(self.0.clone().into_iter());
        Box::pin(std::future::ready(Ok(addrs)))
    }
}

fn redirect_target(current: &Url, response: &Response) -> Result<Option<Url>, UrlError> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return Ok(None);
    }
    // A 3xx without Location is a final answer; the caller reports it as a status.
    let Some(location) = response.headers().get(LOCATION) else {
        return Ok(None);
    };
    let location = location.to_str().map_err(|_| UrlError::BadUrl)?;
    let next = current.join(location).map_err(|_| UrlError::BadUrl)?;
    http_only(next).map(Some)
}

async fn download(
    mut response: Response,
    url: &Url,
    max_bytes: u64,
    temp_dir: &Path,
) -> Result<Fetched, UrlError> {
    // Content-Length is only trusted to fail early; the streamed count below is what binds.
    if response.content_length().is_some_and(|len| len > max_bytes) {
        return Err(UrlError::TooLarge);
    }
    let temp = tempfile::NamedTempFile::new_in(temp_dir).map_err(storage)?;
    let mut out = tokio::fs::File::from_std(temp.as_file().try_clone().map_err(storage)?);
    let mut bytes = 0u64;
    let mut md5 = <md5_many::Md5 as md5_many::Digest>::new();
    while let Some(chunk) = response.chunk().await.map_err(network)? {
        bytes += chunk.len() as u64;
        if bytes > max_bytes {
            return Err(UrlError::TooLarge);
        }
        md5_many::Digest::update(&mut md5, &chunk);
        out.write_all(&chunk).await.map_err(storage)?;
    }
    // tokio's File finishes writes in the background; flush so the caller reads all of it.
    out.flush().await.map_err(storage)?;
    drop(out);
    let path = temp.into_temp_path().keep().map_err(|e| storage(e.error))?;
    Ok(Fetched {
        path,
        bytes,
        md5: hex::encode(md5_many::Digest::finalize(md5)),
        file_name: file_name(url),
    })
}

fn file_name(url: &Url) -> String {
    let last = url
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or("");
    let decoded = percent_decode_str(last).decode_utf8_lossy();
    // `%2F`, `%5C` or `..` must not turn the name into a path when the caller joins it onto one.
    let base = decoded.rsplit(['/', '\\']).next().unwrap_or_default();
    if base == "." || base == ".." {
        return String::new();
    }
    base.chars().filter(|c| !c.is_control()).collect()
}

fn network(err: reqwest::Error) -> UrlError {
    if err.is_timeout() {
        return UrlError::Timeout;
    }
    // reqwest's own text is a generic "error sending request"; the root cause is what helps.
    let err = err.without_url();
    let mut cause: &dyn std::error::Error = &err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    UrlError::Network(cause.to_string())
}

fn storage(err: std::io::Error) -> UrlError {
    // Only the kind: io errors from tempfile carry the local path, which clients must not see.
    UrlError::Network(format!("could not store the download ({})", err.kind()))
}
