//! Crafted and damaged EXIF blocks: loops, pointers at absurd or overlapping places, truncation
//! and random byte damage. The stage must finish, never panic, and keep the file's length.

mod common;

use exif::{In, Tag};
use upstage_sdk::{Format, ItemContext};

use common::builder::sample_with_gps as sample;
use common::{ifd0_entry, jpeg_with, parse, read_u16, run, tiff_of};

const GPS_POINTER: u16 = 0x8825;

/// Runs a crafted block through the stage: it must not panic and must keep the length.
fn survive(tiff: &[u8]) -> ItemContext {
    let (file, _) = jpeg_with(tiff);
    let ctx = run(Format::Jpeg, file.clone(), true);
    assert_eq!(ctx.original.len(), file.len());
    ctx
}

#[test]
fn crafted_pointers_are_handled() {
    let base = sample(false).build();
    let gps_entry = ifd0_entry(&base, GPS_POINTER, false);

    // GPS pointer at the end of the address space: unlinked, nothing else touched.
    let mut t = base.clone();
    t[gps_entry + 8..gps_entry + 12].copy_from_slice(&u32::MAX.to_le_bytes());
    let ctx = survive(&t);
    assert!(ctx.meta.gps_removed);
    assert_eq!(ctx.meta.camera_make.as_deref(), Some("Canon"));

    // GPS pointer at IFD0 itself: IFD0 must survive (its bytes are protected).
    let mut t = base.clone();
    t[gps_entry + 8..gps_entry + 12].copy_from_slice(&8u32.to_le_bytes());
    let ctx = survive(&t);
    assert_eq!(ctx.meta.orientation, 6);
    let (file, app1) = jpeg_with(&t);
    let after = run(Format::Jpeg, file, true).original;
    let now = parse(&tiff_of(&after, &app1)).unwrap();
    assert!(now.get_field(Tag::Make, In::PRIMARY).is_some());

    // A GPS value claiming the TIFF header's bytes: the header survives (found by fuzzing).
    let mut t = base.clone();
    let gps_ifd = u32::from_le_bytes(t[gps_entry + 8..gps_entry + 12].try_into().unwrap());
    let latitude = gps_ifd as usize + 2 + 12 * 2;
    assert_eq!(read_u16(&t, latitude, false), 0x0002, "GPSLatitude");
    t[latitude + 8..latitude + 12].copy_from_slice(&0u32.to_le_bytes());
    let ctx = survive(&t);
    assert!(ctx.meta.gps_removed);
    let again = run(Format::Jpeg, ctx.original, true);
    assert_eq!(again.meta.camera_make.as_deref(), Some("Canon"));
    assert_eq!(again.meta.orientation, 6);

    // IFD0's next-IFD offset pointing back at IFD0: a loop.
    let mut t = base.clone();
    let n = read_u16(&t, 8, false) as usize;
    t[10 + 12 * n..14 + 12 * n].copy_from_slice(&8u32.to_le_bytes());
    assert!(survive(&t).meta.gps_removed);

    // An IFD0 count far beyond the block: left alone.
    let mut t = base.clone();
    t[8..10].copy_from_slice(&u16::MAX.to_le_bytes());
    let (file, _) = jpeg_with(&t);
    let ctx = run(Format::Jpeg, file.clone(), true);
    assert_eq!(ctx.original, file);
    assert!(!ctx.meta.gps_removed);
}

#[test]
fn truncated_blocks_never_panic() {
    let full = sample(true).build();
    for len in 0..full.len() {
        survive(&full[..len]);
    }
}

#[test]
fn random_damage_never_panics() {
    let base = sample(false).build();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let mut t = base.clone();
        for _ in 0..1 + next() % 6 {
            let pos = (next() % t.len() as u64) as usize;
            t[pos] = match next() % 4 {
                0 => 0xFF,
                1 => 0,
                2 => 8,
                _ => next() as u8,
            };
        }
        survive(&t);
    }
}
