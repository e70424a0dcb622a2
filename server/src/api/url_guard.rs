//! Address classification for server-side fetches (SSRF guard).
//!
//! Deliberately a deny-by-default shape for IPv6 (only `2000::/3` can be public) and an explicit
//! list for IPv4: an address that some future RFC reserves should fail closed, not open.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` is a globally routable unicast address that a server-side fetch may reach.
///
/// Addresses that embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64 `64:ff9b::/96`,
/// 6to4 `2002::/16`) are judged by the embedded address, because the network stack or a
/// translator on the path may deliver them to it.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let reserved = a == 0 // "this network", includes the unspecified address
        || a == 10
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || a == 127
        || (a == 169 && b == 254) // link-local, includes cloud metadata 169.254.169.254
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments (192.0.0.0/24)
        || (a == 192 && b == 0 && c == 2) // TEST-NET-1
        || (a == 192 && b == 88 && c == 99) // deprecated 6to4 relay anycast
        || (a == 192 && b == 168)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking 198.18/15
        || (a == 198 && b == 51 && c == 100) // TEST-NET-2
        || (a == 203 && b == 0 && c == 113) // TEST-NET-3
        || a >= 224; // multicast 224/4, reserved 240/4, broadcast
    !reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let seg = ip.segments();
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));

    // ::/96 (IPv4-compatible, also :: and ::1) and ::ffff:0:0/96 (IPv4-mapped).
    if seg[..5] == [0; 5] && (seg[5] == 0 || seg[5] == 0xffff) {
        return is_public_v4(embedded(seg[6], seg[7]));
    }
    // NAT64 well-known prefix: the translator connects to the embedded address.
    if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return is_public_v4(embedded(seg[6], seg[7]));
    }
    // 6to4: a relay forwards to the embedded address.
    if seg[0] == 0x2002 {
        return is_public_v4(embedded(seg[1], seg[2]));
    }
    // Everything outside global unicast: ULA fc00::/7, link-local fe80::/10, site-local,
    // multicast ff00::/8, discard 100::/64, local-use NAT64 64:ff9b:1::/48, SRv6 5f00::/16, ...
    if seg[0] & 0xe000 != 0x2000 {
        return false;
    }
    let ietf_special = seg[0] == 0x2001 && seg[1] < 0x0200; // 2001::/23, includes Teredo 2001::/32
    let documentation =
        (seg[0] == 0x2001 && seg[1] == 0x0db8) || (seg[0] == 0x3fff && seg[1] < 0x1000);
    !(ietf_special || documentation)
}
