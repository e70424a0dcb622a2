//! The type comes from the content, never the name.

mod common;

use image::ImageFormat;
use upstage_core::{Input, Limits, Pipeline};
use upstage_sdk::{ErrorCode, Format};

fn pipeline() -> Pipeline {
    Pipeline::new(vec![], Limits::default())
}

#[test]
fn a_png_named_jpg_is_a_png() {
    let png = common::encode(&common::photo_like(40, 30), ImageFormat::Png);
    let ctx = pipeline()
        .run(Input::from_bytes("holiday.jpg", png))
        .unwrap();
    assert_eq!(ctx.format, Format::Png);
    assert_eq!((ctx.meta.stored_width, ctx.meta.stored_height), (40, 30));
}

#[test]
fn html_named_jpg_is_refused() {
    let html = b"<!doctype html><html><head><title>x</title></head><body>hi</body></html>".to_vec();
    let err = pipeline()
        .run(Input::from_bytes("cat.jpg", html))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::UnsupportedFormat);
}

#[test]
fn zero_bytes_are_refused() {
    let err = pipeline()
        .run(Input::from_bytes("empty.jpg", vec![]))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::EmptyFile);
}

#[test]
fn truncated_jpeg_header_is_refused() {
    let jpeg = common::encode(&common::photo_like(64, 64), ImageFormat::Jpeg);
    // Cut inside the headers: the probe cannot even find the frame size.
    let err = pipeline()
        .run(Input::from_bytes("cut.jpg", jpeg[..40].to_vec()))
        .unwrap_err();
    assert!(
        matches!(err.code, ErrorCode::Truncated | ErrorCode::Corrupt),
        "{err}"
    );
}

#[test]
fn every_accepted_image_format_is_recognised() {
    let img = common::photo_like(20, 10);
    for (fmt, expected) in [
        (ImageFormat::Jpeg, Format::Jpeg),
        (ImageFormat::Png, Format::Png),
        (ImageFormat::Gif, Format::Gif),
        (ImageFormat::WebP, Format::Webp),
        (ImageFormat::Bmp, Format::Bmp),
    ] {
        let ctx = pipeline()
            .run(Input::from_bytes("no-extension", common::encode(&img, fmt)))
            .unwrap();
        assert_eq!(ctx.format, expected);
        assert_eq!((ctx.meta.stored_width, ctx.meta.stored_height), (20, 10));
    }
}
