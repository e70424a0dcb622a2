//! How many connections the server takes at once. Each costs a socket and, while its body is
//! spooled, a temp file; running out of descriptors stops `accept` for everyone, health checks
//! included, so the limit is kept well below the descriptor limit.

use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};

/// Descriptors kept for everything that is not a connection: the database pool, the listener,
/// stored files being written, plugin libraries, logs.
const RESERVED: u64 = 128;
/// A connection spooling a body holds two descriptors: its socket and the temp file.
const PER_CONNECTION: u64 = 2;
const FLOOR: u64 = 16;
const CEILING: u64 = 65_536;
/// Linux refuses an infinite descriptor limit; this is its default ceiling (`fs.nr_open`).
const NR_OPEN: u64 = 1 << 20;

/// Raise the soft descriptor limit to the hard one (allowed without privileges), and return the
/// limit then in force. Services often start with a soft limit of 1,024 and a far higher hard
/// limit.
pub fn raise_descriptor_limit() -> u64 {
    let before = getrlimit(Resource::Nofile);
    let hard = before.maximum.unwrap_or(NR_OPEN);
    if before.current.is_some_and(|soft| soft < hard) {
        let raised = Rlimit {
            current: Some(hard),
            maximum: before.maximum,
        };
        if let Err(e) = setrlimit(Resource::Nofile, raised) {
            tracing::warn!("could not raise the descriptor limit to {hard}: {e}");
        }
    }
    getrlimit(Resource::Nofile).current.unwrap_or(NR_OPEN)
}

/// The connection limit a descriptor limit allows.
pub fn connections_for(descriptors: u64) -> usize {
    let n = (descriptors.saturating_sub(RESERVED) / PER_CONNECTION).clamp(FLOOR, CEILING);
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The configured limit, or what the descriptors allow; a configured limit beyond that is kept
/// (the operator may know better) but warned about.
pub fn max_connections(configured: Option<usize>) -> usize {
    let descriptors = raise_descriptor_limit();
    let allowed = connections_for(descriptors);
    match configured {
        Some(n) if n > allowed => {
            tracing::warn!(
                "max_connections = {n} is more than {allowed}, what {descriptors} descriptors \
                 allow: uploads may fail with \"too many open files\""
            );
            n.max(1)
        }
        Some(n) => n.max(1),
        None => allowed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_follows_descriptors() {
        for (descriptors, want) in [
            (0, 16),
            (256, 64),
            (1024, 448),
            (65_536, 32_704),
            (1 << 20, 65_536),
        ] {
            assert_eq!(connections_for(descriptors), want, "{descriptors}");
        }
    }

    #[test]
    fn soft_limit_is_raised_to_hard() {
        let limit = raise_descriptor_limit();
        let now = getrlimit(Resource::Nofile);
        assert_eq!(now.current, now.maximum.or(Some(limit)));
        assert_eq!(max_connections(Some(3)), 3);
        assert_eq!(max_connections(None), connections_for(limit));
    }
}
