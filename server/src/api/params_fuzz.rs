//! Properties of the urlencoded reader over generated bodies: arbitrary bytes never panic nor grow
//! the map past its cap, and any pairs a client encodes come back with the last value of each name.

use upstage_fuzz::proptest::prelude::*;
use upstage_fuzz::{fuzz_values, Verdict};

use super::{Params, MAX_FIELDS};

fn text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        prop::sample::select(vec!['&', '=', '+', '%', ' ', '[', ']', 'é', '\0']),
        any::<char>(),
    ];
    prop::collection::vec(c, 0..12).prop_map(|v| v.into_iter().collect())
}

fn round_trip(pairs: &Vec<(String, String)>) -> Verdict {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let mut p = Params::default();
    p.merge_pairs(body.as_bytes());
    for (k, _) in pairs {
        let last = pairs
            .iter()
            .rev()
            .find(|(k2, _)| k2 == k)
            .map(|(_, v)| v.as_str());
        if p.value(k) != last {
            return Err(format!(
                "{k:?}: {:?}, expected {last:?} from {body:?}",
                p.value(k)
            ));
        }
    }
    Ok(())
}

#[test]
fn encoded_pairs_round_trip() {
    let pairs = prop::collection::vec((text(), text()), 0..20);
    fuzz_values("urlencoded-pairs", 1000, pairs, round_trip);
}

#[test]
fn any_body_is_read_within_the_cap() {
    let body = prop::collection::vec(
        prop_oneof![prop::sample::select(b"&=%+a0".to_vec()), any::<u8>()],
        0..4000,
    );
    fuzz_values("urlencoded-any", 500, body, |b| {
        let mut p = Params::default();
        p.merge_pairs(b);
        if p.values.len() > MAX_FIELDS {
            return Err(format!("{} names kept", p.values.len()));
        }
        Ok(())
    });
}
