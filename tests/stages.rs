//! The built-in stages through the real pipeline, on synthetic images with known answers.

mod common;

use std::sync::Arc;

use image::{metadata::Orientation, DynamicImage, ImageFormat, Rgb, RgbImage};
use upstage_core::{Input, Limits, Pipeline, StageSpec};
use upstage_sdk::{
    ErrorCode, Format, ItemContext, Needs, Stage, StageConfig, StageError, StageFactory,
    UploadOptions,
};

/// 64×48, red top-left quadrant, blue elsewhere: which way is up is visible in any thumb.
fn upright() -> RgbImage {
    RgbImage::from_fn(64, 48, |x, y| {
        if x < 32 && y < 24 {
            Rgb([230, 20, 20])
        } else {
            Rgb([20, 20, 230])
        }
    })
}

/// Stored pixels for orientation `o`: what a camera writes so that applying `o` shows `upright()`.
fn stored_for(o: u8) -> RgbImage {
    let inverse = match o {
        6 => 8,
        8 => 6,
        other => other,
    };
    let mut img = DynamicImage::ImageRgb8(upright());
    img.apply_orientation(Orientation::from_exif(inverse).unwrap());
    img.to_rgb8()
}

#[test]
fn orientations_1_to_8_give_upright_derivatives() {
    let mut thumb = serde_json::Map::new();
    thumb.insert("width".into(), 64.into());
    thumb.insert("height".into(), 48.into());
    let p = common::pipeline(&[
        StageSpec::named("exif"),
        StageSpec {
            name: "thumbnail".into(),
            config: thumb.into(),
        },
    ]);
    for o in 1..=8u8 {
        let jpeg = common::with_orientation(
            &common::encode(&stored_for(o), ImageFormat::Jpeg),
            u16::from(o),
        );
        let ctx = p.run(Input::from_bytes("o.jpg", jpeg.clone())).unwrap();
        assert_eq!(ctx.meta.orientation, o);
        assert_eq!(
            ctx.main_size(),
            (64, 48),
            "orientation {o}: reported size is upright"
        );
        assert!(ctx.outputs.main.is_none(), "main file keeps its bytes");
        assert_eq!(ctx.original.len(), jpeg.len());
        let t = image::load_from_memory(&ctx.outputs.thumb.unwrap().bytes)
            .unwrap()
            .to_rgb8();
        assert_eq!(t.dimensions(), (64, 48));
        let tl = t.get_pixel(8, 8);
        let br = t.get_pixel(56, 40);
        assert!(
            tl[0] > 150 && tl[2] < 100,
            "orientation {o}: top-left is {tl:?}"
        );
        assert!(
            br[2] > 150 && br[0] < 100,
            "orientation {o}: bottom-right is {br:?}"
        );
    }
}

fn run_with(opts: UploadOptions, bytes: Vec<u8>) -> Result<ItemContext, upstage_core::ItemError> {
    common::default_pipeline().run(Input::from_bytes("x.png", bytes).with_options(opts))
}

#[test]
fn width_downscales_and_never_upscales() {
    let png = common::encode(&RgbImage::new(1200, 600), ImageFormat::Png);
    let ctx = run_with(
        UploadOptions {
            width: Some(900),
            ..Default::default()
        },
        png.clone(),
    )
    .unwrap();
    let main = ctx.outputs.main.as_ref().unwrap();
    assert_eq!(
        (main.width, main.height, main.format),
        (900, 450, Format::Png)
    );
    // Still wider than 750: a medium is made from the resized size.
    assert_eq!(ctx.outputs.medium.as_ref().unwrap().width, 750);
    let err = run_with(
        UploadOptions {
            width: Some(1300),
            ..Default::default()
        },
        png,
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::WidthTooLarge);
    assert_eq!(err.stage.as_deref(), Some("resize"));
}

#[test]
fn medium_only_when_wider_and_thumb_always() {
    let small = run_with(
        UploadOptions::default(),
        common::encode(&RgbImage::new(700, 100), ImageFormat::Png),
    )
    .unwrap();
    assert!(small.outputs.medium.is_none());
    let t = small.outputs.thumb.as_ref().unwrap();
    assert_eq!(
        (t.width, t.height),
        (320, 320),
        "small images are upscaled into the thumb"
    );
    let wide = run_with(
        UploadOptions::default(),
        common::encode(&RgbImage::new(2000, 1000), ImageFormat::Jpeg),
    )
    .unwrap();
    let m = wide.outputs.medium.as_ref().unwrap();
    assert_eq!((m.width, m.height, m.format), (750, 375, Format::Jpeg));
}

#[test]
fn bmp_is_stored_as_png() {
    let ctx = run_with(
        UploadOptions::default(),
        common::encode(&RgbImage::new(50, 40), ImageFormat::Bmp),
    )
    .unwrap();
    assert_eq!(ctx.format, Format::Bmp);
    assert_eq!(ctx.main_format(), Format::Png);
    let main = ctx.outputs.main.as_ref().unwrap();
    assert_eq!(image::guess_format(&main.bytes).unwrap(), ImageFormat::Png);
    assert_eq!(ctx.outputs.thumb.as_ref().unwrap().format, Format::Png);
}

#[test]
fn animated_gif_is_detected_and_width_is_ignored() {
    use image::codecs::gif::GifEncoder;
    use image::{Delay, Frame, RgbaImage};
    let mut gif = Vec::new();
    {
        let mut enc = GifEncoder::new(&mut gif);
        for i in 0..3u8 {
            let f = RgbaImage::from_pixel(100, 50, image::Rgba([i * 80, 0, 0, 255]));
            enc.encode_frame(Frame::from_parts(
                f,
                0,
                0,
                Delay::from_numer_denom_ms(50, 1),
            ))
            .unwrap();
        }
    }
    let ctx = run_with(
        UploadOptions {
            width: Some(50),
            ..Default::default()
        },
        gif,
    )
    .unwrap();
    assert!(ctx.meta.is_animated);
    assert_eq!(ctx.meta.frames, 3);
    assert!(
        ctx.outputs.main.is_none(),
        "animated images keep their frames"
    );
    let m = ctx
        .outputs
        .medium
        .as_ref()
        .expect("animated images always get a medium");
    assert_eq!((m.width, m.format), (100, Format::Gif));
    assert_eq!(ctx.outputs.thumb.as_ref().unwrap().format, Format::Gif);
}

/// A third-party-style stage that panics on items named `boom*`.
struct Boom;
impl Stage for Boom {
    fn name(&self) -> &str {
        "boom"
    }
    fn needs(&self, _: &ItemContext) -> Needs {
        Needs::Metadata
    }
    fn process(&self, ctx: &mut ItemContext) -> Result<(), StageError> {
        assert!(!ctx.client_name.starts_with("boom"), "deliberate crash");
        Ok(())
    }
}
struct BoomFactory;
impl StageFactory for BoomFactory {
    fn name(&self) -> &str {
        "boom"
    }
    fn description(&self) -> &str {
        "crashes on purpose"
    }
    fn create(&self, _: &StageConfig) -> Result<Box<dyn Stage>, StageError> {
        Ok(Box::new(Boom))
    }
}

#[test]
fn a_registered_stage_runs_anywhere_and_its_panic_fails_one_item() {
    let mut registry = common::registry();
    registry.register(Arc::new(BoomFactory)).unwrap();
    let specs = ["exif", "boom", "thumbnail"].map(StageSpec::named);
    let p = Pipeline::new(registry.build(&specs).unwrap(), Limits::default());
    let png = common::encode(&RgbImage::new(10, 10), ImageFormat::Png);
    let err = p
        .run(Input::from_bytes("boom.png", png.clone()))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::StagePanicked);
    assert_eq!(err.stage.as_deref(), Some("boom"));
    assert!(p.run(Input::from_bytes("fine.png", png)).is_ok());
    let unknown = registry.build(&[StageSpec::named("nope")]).err().unwrap();
    assert!(
        unknown.message.contains("unknown stage 'nope'"),
        "{}",
        unknown.message
    );
}

#[test]
fn a_truncated_jpeg_fails_with_a_code() {
    let jpeg = common::encode(&RgbImage::new(400, 300), ImageFormat::Jpeg);
    let cut = jpeg[..jpeg.len() * 2 / 3].to_vec();
    let err = run_with(UploadOptions::default(), cut).unwrap_err();
    assert_eq!(err.code, ErrorCode::Truncated);
}

/// libjpeg cannot turn CMYK into RGB: such JPEGs (print workflows) take the full-size fallback
/// decoder and still get a medium and a thumb showing the same picture.
#[test]
fn cmyk_jpegs_are_decoded_by_the_fallback() {
    // 1600×800: red (no cyan, full magenta and yellow) on the left, blue on the right.
    let (w, h) = (1600u16, 800u16);
    let mut cmyk = Vec::with_capacity(usize::from(w) * usize::from(h) * 4);
    for _ in 0..h {
        for x in 0..w {
            cmyk.extend(if x < w / 2 {
                [0, 255, 255, 0]
            } else {
                [255, 255, 0, 0]
            });
        }
    }
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 90)
        .encode(&cmyk, w, h, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    let ctx = common::default_pipeline()
        .run(Input::from_bytes("print.jpg", jpeg))
        .unwrap();
    let medium = ctx.outputs.medium.as_ref().unwrap();
    assert_eq!((medium.width, medium.height), (750, 375));
    let t = image::load_from_memory(&ctx.outputs.thumb.unwrap().bytes)
        .unwrap()
        .to_rgb8();
    let (left, right) = (t.get_pixel(40, 160), t.get_pixel(280, 160));
    assert!(left[0] > 150 && left[2] < 100, "left is {left:?}");
    assert!(right[2] > 150 && right[0] < 100, "right is {right:?}");
}
