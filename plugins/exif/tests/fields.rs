//! Metadata from synthetic EXIF blocks: date sources and their offsets, the fallback order, XP
//! (UTF-16LE) fields, placeholders, orientation, and the factory's config handling.

mod common;

use chrono::NaiveDateTime;
use serde_json::json;
use upstage_sdk::{DateSource, ErrorCode, Format, ItemContext, Needs, StageFactory, UploadOptions};
use upstage_stage_exif::ExifStageFactory;

use common::builder::{utf16le, TiffBuilder, Val};
use common::run_jpeg;

const DATE_TIME: u16 = 0x0132;
const DATE_TIME_ORIGINAL: u16 = 0x9003;
const DATE_TIME_DIGITIZED: u16 = 0x9004;
const OFFSET_TIME: u16 = 0x9010;
const OFFSET_TIME_ORIGINAL: u16 = 0x9011;
const OFFSET_TIME_DIGITIZED: u16 = 0x9012;
const IMAGE_DESCRIPTION: u16 = 0x010E;
const MAKE: u16 = 0x010F;
const MODEL: u16 = 0x0110;
const ORIENTATION: u16 = 0x0112;
const XP_TITLE: u16 = 0x9C9B;
const XP_COMMENT: u16 = 0x9C9C;
const XP_SUBJECT: u16 = 0x9C9F;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

fn with_all_dates() -> TiffBuilder {
    TiffBuilder::little()
        .ifd0(DATE_TIME, Val::Ascii("2021:07:06 09:00:00"))
        .exif(OFFSET_TIME, Val::Ascii("+09:00"))
        .exif(DATE_TIME_ORIGINAL, Val::Ascii("2021:07:04 18:30:00"))
        .exif(OFFSET_TIME_ORIGINAL, Val::Ascii("+02:00"))
        .exif(DATE_TIME_DIGITIZED, Val::Ascii("2021:07:05 12:00:00"))
        .exif(OFFSET_TIME_DIGITIZED, Val::Ascii("-03:00"))
}

#[test]
fn original_date_with_its_offset() {
    let d = run_jpeg(&with_all_dates().build()).meta.date_taken.unwrap();
    assert_eq!(d.source, DateSource::DateTimeOriginal);
    assert_eq!(d.local, at("2021-07-04 18:30:00"));
    assert_eq!(d.offset.map(|o| o.local_minus_utc()), Some(7200));
    assert_eq!(d.utc().unwrap().naive_utc(), at("2021-07-04 16:30:00"));
}

#[test]
fn negative_half_hour_offset() {
    let b = TiffBuilder::big()
        .exif(DATE_TIME_ORIGINAL, Val::Ascii("2020:01:01 00:15:00"))
        .exif(OFFSET_TIME_ORIGINAL, Val::Ascii("-05:30"));
    let d = run_jpeg(&b.build()).meta.date_taken.unwrap();
    assert_eq!(
        d.offset.map(|o| o.local_minus_utc()),
        Some(-(5 * 3600 + 1800))
    );
    assert_eq!(d.utc().unwrap().naive_utc(), at("2020-01-01 05:45:00"));
}

#[test]
fn bad_offset_keeps_the_date_without_one() {
    let b = TiffBuilder::little()
        .exif(DATE_TIME_ORIGINAL, Val::Ascii("2020:01:01 10:00:00"))
        .exif(OFFSET_TIME_ORIGINAL, Val::Ascii("+99:00"));
    let d = run_jpeg(&b.build()).meta.date_taken.unwrap();
    assert_eq!((d.local, d.offset), (at("2020-01-01 10:00:00"), None));
}

#[test]
fn unusable_original_falls_back_to_digitized_with_its_own_offset() {
    let mut b = with_all_dates();
    for (tag, v) in &mut b.exif {
        if *tag == DATE_TIME_ORIGINAL {
            *v = Val::Ascii("0000:00:00 00:00:00");
        }
    }
    let d = run_jpeg(&b.build()).meta.date_taken.unwrap();
    assert_eq!(d.source, DateSource::DateTimeDigitized);
    assert_eq!(d.local, at("2021-07-05 12:00:00"));
    assert_eq!(d.offset.map(|o| o.local_minus_utc()), Some(-3 * 3600));
}

#[test]
fn then_to_ifd0_date_time() {
    let b = TiffBuilder::little()
        .ifd0(
            DATE_TIME,
            Val::AsciiRaw(b"2021-07-06 09:00\0\0\0\0".to_vec()),
        )
        .exif(OFFSET_TIME, Val::Ascii("+09:00"))
        .exif(DATE_TIME_ORIGINAL, Val::Ascii("garbage"))
        .exif(OFFSET_TIME_ORIGINAL, Val::Ascii("+02:00"));
    let d = run_jpeg(&b.build()).meta.date_taken.unwrap();
    assert_eq!(d.source, DateSource::DateTime);
    assert_eq!(d.local, at("2021-07-06 09:00:00"));
    assert_eq!(d.offset.map(|o| o.local_minus_utc()), Some(9 * 3600));
}

#[test]
fn no_usable_date_at_all() {
    let b = TiffBuilder::little()
        .ifd0(DATE_TIME, Val::Ascii("    :  :     :  :  "))
        .exif(DATE_TIME_ORIGINAL, Val::Ascii("2021:02:30 10:00:00"));
    assert_eq!(run_jpeg(&b.build()).meta.date_taken, None);
}

#[test]
fn xp_title_and_comment_are_utf16le() {
    let b = TiffBuilder::little()
        .ifd0(IMAGE_DESCRIPTION, Val::Ascii("OLYMPUS DIGITAL CAMERA"))
        .ifd0(XP_TITLE, Val::Byte(utf16le("  Zürich ✓ \u{1F30D}")))
        .ifd0(XP_COMMENT, Val::Byte(utf16le("Seen from the Üetliberg")))
        .ifd0(XP_SUBJECT, Val::Byte(utf16le("unused")));
    let m = run_jpeg(&b.build()).meta;
    assert_eq!(m.title.as_deref(), Some("Zürich ✓ \u{1F30D}"));
    assert_eq!(m.description.as_deref(), Some("Seen from the Üetliberg"));
}

#[test]
fn description_order_is_image_description_then_comment_then_subject() {
    let b = TiffBuilder::big()
        .ifd0(IMAGE_DESCRIPTION, Val::Ascii("  Harbour at dusk  "))
        .ifd0(XP_COMMENT, Val::Byte(utf16le("comment")));
    assert_eq!(
        run_jpeg(&b.build()).meta.description.as_deref(),
        Some("Harbour at dusk")
    );

    let b = TiffBuilder::little()
        .ifd0(IMAGE_DESCRIPTION, Val::Ascii("   "))
        .ifd0(XP_SUBJECT, Val::Byte(utf16le("subject")));
    let m = run_jpeg(&b.build()).meta;
    assert_eq!(m.description.as_deref(), Some("subject"));
    assert_eq!(m.title, None);
}

#[test]
fn camera_fields_are_trimmed() {
    let b = TiffBuilder::little()
        .ifd0(MAKE, Val::AsciiRaw(b"Canon  \0\0".to_vec()))
        .ifd0(MODEL, Val::Ascii(" Canon EOS 70D "))
        .ifd0(IMAGE_DESCRIPTION, Val::Ascii("Canon EOS 70D"));
    let m = run_jpeg(&b.build()).meta;
    assert_eq!(m.camera_make.as_deref(), Some("Canon"));
    assert_eq!(m.camera_model.as_deref(), Some("Canon EOS 70D"));
    assert_eq!(m.description, None, "a repeated model is not a description");
}

#[test]
fn orientation_outside_1_to_8_is_upright() {
    for (stored, expected) in [(6, 6), (8, 8), (0, 1), (9, 1), (0xFFFF, 1)] {
        let b = TiffBuilder::little().ifd0(ORIENTATION, Val::Short(stored));
        assert_eq!(run_jpeg(&b.build()).meta.orientation, expected, "{stored}");
    }
}

#[test]
fn no_exif_changes_nothing() {
    let file = vec![0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9];
    let ctx = common::run(Format::Jpeg, file.clone(), true);
    assert_eq!(ctx.original, file);
    assert_eq!(ctx.meta.date_taken, None);
    assert_eq!(ctx.meta.orientation, 1);
    assert!(!ctx.meta.gps_removed);
}

#[test]
fn factory_reads_its_config_and_refuses_typos() {
    let f = ExifStageFactory;
    assert_eq!(f.name(), "exif");
    for ok in [
        json!(null),
        json!({}),
        json!({"strip_gps": false}),
        json!({"strip_gps": true}),
    ] {
        let stage = f.create(&ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert_eq!(stage.name(), "exif");
        let ctx = ItemContext::new("x".into(), Format::Png, UploadOptions::default(), vec![]);
        assert_eq!(stage.needs(&ctx), Needs::Metadata);
    }
    for bad in [
        json!({"strip-gps": false}),
        json!({"strip_gps": "no"}),
        json!(true),
    ] {
        let err = f
            .create(&bad)
            .err()
            .unwrap_or_else(|| panic!("{bad} accepted"));
        assert_eq!(err.code, ErrorCode::Config, "{bad}");
    }
}
