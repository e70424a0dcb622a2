//! Fuzzing the header probes that decide frame counts and animation before any decode (GIF block
//! walk, WebP chunk walk) with mutated real GIFs and WebPs. The probe must never panic, must
//! honour its frame cap exactly, and must never count fewer frames than a full decode finds:
//! an undercount would let a many-frame animation past the frame limit.

use std::io::Cursor;

use image::codecs::gif::GifDecoder;
use image::codecs::webp::WebPDecoder;
use image::AnimationDecoder;
use upstage_core::{probe, sniff};
use upstage_fuzz::{corpus_seeds, fuzz, regression_seeds, repo_seeds, Seed, Verdict};
use upstage_sdk::Format;

/// Decoding every frame is the expensive oracle: only for inputs this small.
const DECODE_BELOW: usize = 256 * 1024;
const CAPS: [u32; 4] = [0, 1, 2, 5];

/// Real GIFs and WebPs: the committed samples and the corpus.
fn real_seeds() -> Vec<Seed> {
    let mut s = repo_seeds(&["samples/bouncing.gif", "samples/sticker.webp"]);
    s.extend(corpus_seeds(&["gif", "webp"]));
    s
}

/// Frames a full decode yields, when it decodes the whole animation without an error.
fn decoded_frames(format: Format, bytes: &[u8]) -> Option<u32> {
    if bytes.len() >= DECODE_BELOW {
        return None;
    }
    let count = |frames: image::Frames| {
        let mut n = 0u32;
        for f in frames {
            f.ok()?;
            n += 1;
        }
        Some(n)
    };
    match format {
        Format::Gif => count(GifDecoder::new(Cursor::new(bytes)).ok()?.into_frames()),
        Format::Webp => {
            let d = WebPDecoder::new(Cursor::new(bytes)).ok()?;
            if d.has_animation() {
                count(d.into_frames())
            } else {
                image::DynamicImage::from_decoder(d).ok().map(|_| 1)
            }
        }
        _ => None,
    }
}

fn probe_property(bytes: &[u8]) -> Verdict {
    let Ok(format) = sniff(bytes) else {
        return Ok(()); // the magic bytes were mutated away: nothing is probed
    };
    let Ok(full) = probe(format, bytes, u32::MAX) else {
        return Ok(()); // refused: safe whatever the file is
    };
    if full.width == 0 || full.height == 0 || full.frames == 0 {
        return Err(format!("{format:?} probed as {full:?}"));
    }
    for cap in CAPS {
        let capped = probe(format, bytes, cap).map_err(|e| format!("cap {cap}: {e}"))?;
        let want = full.frames.min(cap + 1);
        if capped.frames != want {
            return Err(format!(
                "cap {cap}: {} frames, expected {want} of {}",
                capped.frames, full.frames
            ));
        }
    }
    if let Some(n) = decoded_frames(format, bytes) {
        if full.frames < n {
            return Err(format!(
                "probe counts {} frames, a full decode finds {n}",
                full.frames
            ));
        }
    }
    Ok(())
}

#[test]
fn gif_and_webp_probes() {
    let mut seeds = real_seeds();
    seeds.extend(regression_seeds(&upstage_testenv::package_dir(), "probe"));
    fuzz("probe", &seeds, 6, 600, probe_property);
}

/// The probe's count on every seed as it is must be exactly what a full decode finds.
#[test]
fn seed_frame_counts_match_a_full_decode() {
    for seed in real_seeds() {
        let format = sniff(&seed.bytes).expect("seed is an image");
        let p = probe(format, &seed.bytes, u32::MAX).expect("seed probes");
        let expected = match format {
            Format::Gif => GifDecoder::new(Cursor::new(&seed.bytes))
                .expect("GIF seed decodes")
                .into_frames()
                .count(),
            Format::Webp => {
                let d = WebPDecoder::new(Cursor::new(&seed.bytes)).expect("WebP seed decodes");
                if d.has_animation() {
                    d.into_frames().count()
                } else {
                    1
                }
            }
            other => panic!("{}: unexpected {other:?} seed", seed.name),
        };
        assert_eq!(p.frames as usize, expected, "{}", seed.name);
    }
}
