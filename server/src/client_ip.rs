//! The uploader's address for flood and duplicate checks. Behind a reverse proxy every client
//! would share the proxy's address, so a configured header is used — but only when the connection
//! comes from a trusted proxy, or anyone could claim any address.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use axum::Extension;

use crate::config::ServerConfig;

/// The connection's address as a handler extracts it: present when the server was started with
/// connection info (tests that drive the router directly have none).
pub type Peer = Option<Extension<ConnectInfo<SocketAddr>>>;

/// [`client_ip`] for a handler's [`Peer`].
pub fn of_peer(cfg: &ServerConfig, peer: Peer, headers: &HeaderMap) -> String {
    client_ip(cfg, peer.map(|p| p.0 .0.ip()), headers)
}

pub fn client_ip(cfg: &ServerConfig, peer: Option<IpAddr>, headers: &HeaderMap) -> String {
    let Some(peer) = peer else {
        return "unknown".into();
    };
    let trusted = |ip: &IpAddr| cfg.trusted_proxies.iter().any(|n| n.contains(ip));
    let Some(name) = cfg.client_ip_header.as_deref().filter(|_| trusted(&peer)) else {
        return peer.to_string();
    };
    // X-Forwarded-For style lists grow to the right: the nearest untrusted hop is the client.
    let hops: Vec<IpAddr> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|h| h.trim().parse().ok())
        .collect();
    hops.iter()
        .rev()
        .find(|ip| !trusted(ip))
        .copied()
        .unwrap_or(peer)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ServerConfig {
        ServerConfig {
            client_ip_header: Some("x-forwarded-for".into()),
            trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
            ..ServerConfig::default()
        }
    }

    fn headers(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", v.parse().unwrap());
        h
    }

    #[test]
    fn header_believed_only_from_trusted_proxies() {
        let c = cfg();
        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(
            client_ip(&c, Some(proxy), &headers("198.51.100.7")),
            "198.51.100.7"
        );
        assert_eq!(
            client_ip(&c, Some(stranger), &headers("198.51.100.7")),
            "203.0.113.9"
        );
        // A client-supplied first entry is ignored: the right-most untrusted hop wins.
        assert_eq!(
            client_ip(&c, Some(proxy), &headers("1.2.3.4, 198.51.100.7, 10.0.0.5")),
            "198.51.100.7"
        );
        assert_eq!(client_ip(&c, Some(proxy), &HeaderMap::new()), "10.1.2.3");
        assert_eq!(
            client_ip(&ServerConfig::default(), Some(proxy), &headers("1.2.3.4")),
            "10.1.2.3"
        );
    }
}
