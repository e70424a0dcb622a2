//! The stage on real camera files: goexif's samples (cut after the EXIF segment, named by capture
//! date), its corrupt-EXIF samples, and full photos with Orientation set. Expected values were
//! taken from exiftool once and are written out here; exiftool is not needed to run these.

mod common;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use chrono::{Datelike, NaiveDateTime};
use upstage_sdk::{DateSource, Format};

use common::{corpus, run};

fn jpegs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `2006-08-03-16-29-38-sep-….jpg` → 2006-08-03 16:29:38.
fn date_in_name(name: &str) -> Option<NaiveDateTime> {
    let (stamp, _) = name.split_once("-sep-")?;
    NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d-%H-%M-%S").ok()
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

#[test]
fn every_sample_is_read_and_dates_match_the_file_names() {
    let Some(root) = corpus() else { return };
    let files = jpegs(&root.join("exif"));
    assert!(
        files.len() >= 50,
        "expected the goexif samples, found {}",
        files.len()
    );
    let mut named = 0;
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let ctx = run(Format::Jpeg, read(&path), true);
        if let Some(d) = ctx.meta.date_taken {
            assert!(
                (1900..=2300).contains(&d.local.year()),
                "{name}: implausible {}",
                d.local
            );
        }
        assert!((1..=8).contains(&ctx.meta.orientation), "{name}");
        if let Some(expected) = date_in_name(&name) {
            named += 1;
            let d = ctx
                .meta
                .date_taken
                .unwrap_or_else(|| panic!("{name}: no date"));
            assert_eq!(d.local, expected, "{name}");
            assert_eq!(d.source, DateSource::DateTimeOriginal, "{name}");
        }
    }
    assert!(named >= 40, "only {named} date-named samples");
}

#[test]
fn known_dates_sources_and_cameras() {
    let Some(root) = corpus() else { return };
    // (file, DateTimeOriginal per exiftool or the tag it falls back to, source, make, model)
    let cases = [
        (
            "has-lens-info.jpg",
            "2014-09-01 15:03:47",
            DateSource::DateTimeOriginal,
            "Apple",
            "iPhone 4S",
        ),
        // Make and Model sit in the Exif IFD here (IFD0's Make is three NULs).
        (
            "geodegrees_as_string.jpg",
            "2014-04-26 19:09:19",
            DateSource::DateTimeOriginal,
            "HTC",
            "HTC One_M8",
        ),
        // CreateDate here is 2007:06:17 22:56:38: DateTimeOriginal must win.
        (
            "2007-05-12-08-19-07-sep-2007-05-12-08-19-07a.jpg",
            "2007-05-12 08:19:07",
            DateSource::DateTimeOriginal,
            "CASIO COMPUTER CO.,LTD.",
            "EX-Z70",
        ),
        // Only IFD0 DateTime (ModifyDate) is present.
        (
            "f1-exif.jpg",
            "2012-11-04 05:42:02",
            DateSource::DateTime,
            "",
            "",
        ),
        (
            "f6-exif.jpg",
            "2012-11-04 05:42:32",
            DateSource::DateTime,
            "",
            "",
        ),
    ];
    for (file, date, source, make, model) in cases {
        let ctx = run(Format::Jpeg, read(&root.join("exif").join(file)), true);
        let d = ctx
            .meta
            .date_taken
            .unwrap_or_else(|| panic!("{file}: no date"));
        assert_eq!(
            (d.local, d.source, d.offset),
            (at(date), source, None),
            "{file}"
        );
        let or_none = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        assert_eq!(ctx.meta.camera_make, or_none(make), "{file}");
        assert_eq!(ctx.meta.camera_model, or_none(model), "{file}");
    }
    let ctx = run(
        Format::Jpeg,
        read(&root.join("exif/FailedHash-NoDate-sep-remembory.jpg")),
        true,
    );
    assert_eq!(ctx.meta.date_taken, None);
    assert_eq!(ctx.meta.camera_model.as_deref(), Some("MFC-7840W"));
}

#[test]
fn camera_placeholder_descriptions_are_dropped() {
    let Some(root) = corpus() else { return };
    for (file, placeholder) in [
        (
            "2004-01-11-22-45-15-sep-2004-01-11-22-45-15a.jpg",
            "SAMSUNG DIGITAL CAMERA",
        ),
        (
            "2010-09-02-08-43-02-sep-2010-09-02-08-43-02a.jpg",
            "OLYMPUS DIGITAL CAMERA",
        ),
        (
            "2007-06-26-10-13-04-sep-2007-06-26-10-13-04a.jpg",
            "My beautiful picture",
        ),
        (
            "2008-06-17-01-21-30-sep-2008-06-17-01-21-30a.jpg",
            "DCFC1247.JPG",
        ),
        ("2011-05-07-13-02-49-sep-2011-05-07-13-02-49a.jpg", "0"),
    ] {
        let ctx = run(Format::Jpeg, read(&root.join("exif").join(file)), true);
        assert_eq!(ctx.meta.description, None, "{file} has {placeholder:?}");
        assert_eq!(ctx.meta.title, None, "{file}");
    }
}

#[test]
fn real_descriptions_are_kept_and_branded_placeholders_dropped() {
    let Some(root) = corpus() else { return };
    let cups = run(
        Format::Jpeg,
        read(&root.join("jpeg/plasma_ColorfulCups_images_2560x1600.jpg")),
        true,
    );
    let text = cups.meta.description.unwrap_or_default();
    assert!(
        text.starts_with("Colorful cups. Aarhus, Denmark."),
        "{text:?}"
    );
    // "KONICA MINOLTA DIGITAL CAMERA" from a KONICA MINOLTA camera.
    let wood = run(
        Format::Jpeg,
        read(&root.join("jpeg/mate_mate_nature_Wood.jpg")),
        true,
    );
    assert_eq!(wood.meta.description, None);
    assert_eq!(wood.meta.camera_make.as_deref(), Some("KONICA MINOLTA"));
}

#[test]
fn corrupt_exif_finishes_quickly_without_panic() {
    let Some(root) = corpus() else { return };
    let files = jpegs(&root.join("exif/corrupt"));
    assert!(
        files.len() >= 3,
        "expected the corrupt samples, found {}",
        files.len()
    );
    for path in files {
        let bytes = read(&path);
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let ctx = run(Format::Jpeg, bytes.clone(), true);
            let _ = tx.send((ctx.meta.orientation, ctx.original.len() == bytes.len()));
        });
        let outcome = rx.recv_timeout(Duration::from_secs(5));
        let (orientation, same_len) = outcome.unwrap_or_else(|e| {
            panic!("{}: no result in 5 s ({e}): hang or panic", path.display())
        });
        assert!((1..=8).contains(&orientation), "{}", path.display());
        assert!(same_len, "{}: file length changed", path.display());
    }
}

#[test]
fn orientation_of_the_f_samples() {
    let Some(root) = corpus() else { return };
    for n in 1..=8u8 {
        let ctx = run(
            Format::Jpeg,
            read(&root.join(format!("exif/f{n}-exif.jpg"))),
            true,
        );
        assert_eq!(ctx.meta.orientation, n);
    }
}

/// The full photos the corpus script tagged with Orientation 6, 8 and 3, as MANIFEST.tsv lists them.
#[test]
fn orientation_of_rotated_photos() {
    let Some(root) = corpus() else { return };
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let mut seen = Vec::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(file), Some(o)) = (cols.first(), cols.get(10)) else {
            continue;
        };
        let Ok(o) = o.parse::<u8>() else { continue };
        if !file.starts_with("jpeg/") || ![3, 6, 8].contains(&o) {
            continue;
        }
        let ctx = run(Format::Jpeg, read(&root.join(file)), true);
        assert_eq!(ctx.meta.orientation, o, "{file}");
        seen.push(o);
    }
    for o in [3, 6, 8] {
        assert!(seen.contains(&o), "no corpus photo with orientation {o}");
    }
    let ctx = run(
        Format::Jpeg,
        read(&root.join("jpeg/lomiri_Dragonfly_by_Bolly.jpg")),
        true,
    );
    assert_eq!(ctx.meta.orientation, 6);
}
