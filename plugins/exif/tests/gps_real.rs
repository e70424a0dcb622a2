//! GPS removal on real files: phones' and cameras' own EXIF layouts in both byte orders, full photos
//! and the corrupt samples. Everything outside the EXIF segment and the XMP packets (which lose
//! their GPS copies too) must stay byte-identical.

mod common;

use std::path::{Path, PathBuf};

use exif::{Context, Exif, In, Tag, Value};
use upstage_sdk::Format;

use common::xmp::{count, xmp_packets};
use common::{app1_exif, corpus, gps_fields, non_gps_fields, parse, run, tiff_of};

fn all_jpegs(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["exif", "exif/corrupt", "jpeg"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "jpg") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// Out-of-line GPS values (rationals) as they are stored, to prove their bytes are gone.
fn stored_gps_rationals(exif: &Exif) -> Vec<Vec<u8>> {
    let le = exif.little_endian();
    let u32b = |v: u32| if le { v.to_le_bytes() } else { v.to_be_bytes() };
    exif.fields()
        .filter(|f| f.tag.context() == Context::Gps)
        .filter_map(|f| match &f.value {
            Value::Rational(r) if r.len() >= 2 => Some(
                r.iter()
                    .flat_map(|q| [u32b(q.num), u32b(q.denom)])
                    .flatten()
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

#[test]
fn gps_is_removed_and_nothing_else_changes() {
    let Some(root) = corpus() else { return };
    let mut stripped = Vec::new();
    for path in all_jpegs(&root) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let original = std::fs::read(&path).unwrap();
        let ctx = run(Format::Jpeg, original.clone(), true);
        let after = &ctx.original;
        assert_eq!(after.len(), original.len(), "{name}: length changed");
        let Some(app1) = app1_exif(&original) else {
            assert_eq!(after, &original, "{name}: no EXIF, yet changed");
            continue;
        };
        // Outside the EXIF segment only XMP packets may change, and only to spaces.
        let xmp = xmp_packets(&original);
        for (i, (a, o)) in after.iter().zip(&original).enumerate() {
            let in_xmp = || xmp.iter().any(|p| p.contains(&i));
            if a != o && !app1.contains(&i) {
                assert!(*a == b' ' && in_xmp(), "{name}: byte {i} outside metadata");
            }
        }
        for p in xmp {
            assert_eq!(count(&after[p], "GPS"), 0, "{name}: GPS left in XMP");
        }
        if !ctx.meta.gps_removed {
            assert_eq!(after, &original, "{name}: changed without removing GPS");
        }
        let Some(before) = parse(&tiff_of(&original, &app1)) else {
            continue;
        };
        let now =
            parse(&tiff_of(after, &app1)).unwrap_or_else(|| panic!("{name}: unreadable after"));
        assert_eq!(gps_fields(&now), 0, "{name}: GPS fields left");
        assert_eq!(
            non_gps_fields(&now),
            non_gps_fields(&before),
            "{name}: other fields changed"
        );
        if gps_fields(&before) > 0 {
            assert!(
                ctx.meta.gps_removed,
                "{name}: GPS present but not reported removed"
            );
            // In the crafted samples GPS values point into the Exif IFD, which must stay.
            let crafted = path.parent().is_some_and(|d| d.ends_with("corrupt"));
            let block = tiff_of(after, &app1);
            for value in stored_gps_rationals(&before)
                .into_iter()
                .filter(|_| !crafted)
            {
                let left = block.windows(value.len()).any(|w| w == value.as_slice());
                assert!(!left, "{name}: GPS value bytes still in the block");
            }
            stripped.push(name);
        }
    }
    for expected in [
        "has-lens-info.jpg",
        "geodegrees_as_string.jpg",
        "plasma_ColorfulCups_images_2560x1600.jpg",
    ] {
        assert!(
            stripped.iter().any(|n| n == expected),
            "{expected} not stripped: {stripped:?}"
        );
    }
}

/// The two reference cases by byte order: an iPhone file (big-endian) and a full Sony photo
/// (little-endian). Date, make and orientation must survive exactly.
#[test]
fn key_fields_survive_in_both_byte_orders() {
    let Some(root) = corpus() else { return };
    for (file, little_endian) in [
        ("exif/has-lens-info.jpg", false),
        ("jpeg/plasma_ColorfulCups_images_2560x1600.jpg", true),
    ] {
        let original = std::fs::read(root.join(file)).unwrap();
        let app1 = app1_exif(&original).unwrap();
        let before = parse(&tiff_of(&original, &app1)).unwrap();
        assert_eq!(before.little_endian(), little_endian, "{file}");
        assert!(gps_fields(&before) > 0, "{file} should have GPS");

        let ctx = run(Format::Jpeg, original.clone(), true);
        assert!(ctx.meta.gps_removed);
        let after = parse(&tiff_of(&ctx.original, &app1)).unwrap();
        assert_eq!(gps_fields(&after), 0);
        for tag in [Tag::DateTimeOriginal, Tag::Make, Tag::Orientation] {
            let show = |e: &Exif| {
                e.get_field(tag, In::PRIMARY)
                    .map(|f| format!("{:?}", f.value))
            };
            assert!(show(&before).is_some(), "{file}: {tag} missing");
            assert_eq!(show(&after), show(&before), "{file}: {tag}");
        }
    }
}

#[test]
fn keeping_gps_leaves_the_file_untouched() {
    let Some(root) = corpus() else { return };
    let original = std::fs::read(root.join("exif/has-lens-info.jpg")).unwrap();
    let ctx = run(Format::Jpeg, original.clone(), false);
    assert!(!ctx.meta.gps_removed);
    assert_eq!(ctx.original, original);
    assert_eq!(ctx.meta.orientation, 6, "metadata is still read");
}
