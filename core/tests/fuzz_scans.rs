//! Fuzzing the progressive JPEG scan pruner with mutated real progressive JPEGs. Whatever the
//! input, pruning must not panic; what it returns must be a smaller, marker-bounded subsequence of
//! the input (kept scans are copied byte for byte), pruning it again must find nothing more to
//! drop, and a smaller scale must never keep more. On small inputs it is also decoded:
//! wherever the original decodes at a reduced scale, the pruned stream must decode to the same size.

use std::panic::{catch_unwind, AssertUnwindSafe};

use upstage_core::decode_jpeg_scaled;
use upstage_core::scans::prune;
use upstage_fuzz::{corpus_dir, corpus_seeds, fuzz, regression_seeds, repo_seeds, Seed, Verdict};

/// Decoding is the expensive oracle: only for inputs this small.
const DECODE_BELOW: usize = 256 * 1024;
const DENOMINATORS: [u32; 3] = [8, 4, 2];

/// A frame header says progressive (SOF2) before the first scan.
fn is_progressive(b: &[u8]) -> bool {
    let mut pos = 2;
    while let (Some(0xFF), Some(&marker)) = (b.get(pos), b.get(pos + 1)) {
        match marker {
            0xC2 => return true,
            0xDA | 0xD9 => return false,
            _ => {}
        }
        let Some(len) = b.get(pos + 2..pos + 4) else {
            return false;
        };
        pos += 2 + usize::from(u16::from_be_bytes([len[0], len[1]]));
    }
    false
}

fn seeds() -> Vec<Seed> {
    let mut s = repo_seeds(&["core/tests/fuzz_seeds/harbour-progressive.jpg"]);
    s.extend(
        corpus_seeds(&["jpeg"])
            .into_iter()
            .filter(|s| is_progressive(&s.bytes)),
    );
    s.extend(regression_seeds(&upstage_testenv::package_dir(), "scans"));
    s
}

/// `small` in order inside `big` followed by an EOI marker (which the pruner may append).
fn is_subsequence(small: &[u8], big: &[u8]) -> bool {
    let mut it = big.iter().chain(&[0xFF, 0xD9]);
    small.iter().all(|x| it.any(|y| y == x))
}

/// The size our reduced-scale decode produces; `None` when the decoder refuses (or panics on) it.
fn scaled_size(bytes: &[u8], d: u32) -> Option<(u32, u32)> {
    catch_unwind(AssertUnwindSafe(|| {
        let r = decode_jpeg_scaled(bytes, d).ok()??;
        Some((r.width, r.height))
    }))
    .ok()
    .flatten()
}

fn prune_property(b: &[u8]) -> Verdict {
    if prune(b, 1).is_some() {
        return Err("a full-size decode needs every scan, yet scans were dropped".into());
    }
    let mut last_len = 0;
    for d in DENOMINATORS {
        let Some(out) = prune(b, d) else {
            last_len = b.len();
            continue;
        };
        if out.len() >= b.len() {
            return Err(format!("1/{d}: {} bytes pruned to {}", b.len(), out.len()));
        }
        if !out.starts_with(&[0xFF, 0xD8]) || !out.ends_with(&[0xFF, 0xD9]) {
            return Err(format!("1/{d}: output does not run from SOI to EOI"));
        }
        if !is_subsequence(&out, b) {
            return Err(format!("1/{d}: output is not made of the input's bytes"));
        }
        if let Some(again) = prune(&out, d) {
            return Err(format!(
                "1/{d}: pruning the output again drops more ({} to {} bytes)",
                out.len(),
                again.len()
            ));
        }
        if out.len() < last_len {
            return Err(format!(
                "1/{d}: a larger scale kept less than a smaller one"
            ));
        }
        last_len = out.len();
        if b.len() < DECODE_BELOW {
            if let Some(size) = scaled_size(b, d) {
                let pruned = scaled_size(&out, d);
                if pruned != Some(size) {
                    return Err(format!(
                        "1/{d}: the original decodes to {size:?}, the pruned stream to {pruned:?}"
                    ));
                }
            }
        }
    }
    Ok(())
}

#[test]
fn progressive_scan_pruning() {
    fuzz("scans", &seeds(), 6, 400, prune_property);
}

/// The seeds reach what is fuzzed: every real progressive seed has scans a 1/8 decode can drop.
#[test]
fn real_seeds_are_pruned() {
    let seeds = seeds();
    let real: Vec<&Seed> = seeds
        .iter()
        .filter(|s| !s.name.starts_with("fuzz_regressions/"))
        .collect();
    if corpus_dir(&["jpeg"]).is_some() {
        // 21 of the corpus's photos are progressive.
        assert!(real.len() >= 10, "only {} progressive seeds", real.len());
    }
    for s in real {
        assert!(prune(&s.bytes, 8).is_some(), "{}: nothing pruned", s.name);
    }
}
