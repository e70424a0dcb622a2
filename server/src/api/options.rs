//! The optional upload parameters of a request, handed to the library as the plain values it
//! applies its rules to.

use upstage_library::options::Requested;

use super::params::Params;

pub(super) fn requested(p: &Params) -> Requested {
    Requested::from_lookup(|name| p.raw(name))
}
