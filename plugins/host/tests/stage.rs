//! Stage plugins loaded as real libraries: the watermark's pixels and needs, errors, typed
//! configuration. Panics (`panics.rs`) and logging (`logging.rs`) have their own files.

#[path = "support/dylibs.rs"]
mod dylibs;

use rayon::prelude::*;
use upstage_plugin_host::{load_library, PluginStage, PluginStageFactory};
use upstage_sdk::{
    ErrorCode, Format, ItemContext, Needs, PixelLayout, PixelRequest, Raster, Stage, UploadOptions,
};

fn stage(lib: &str, config: &str) -> PluginStage {
    let lib = load_library(&dylibs::example(lib)).unwrap();
    PluginStageFactory::new(lib, "null".into())
        .unwrap()
        .instance(config)
        .unwrap()
}

/// A PNG item with its decoded pixels, as the pipeline hands it to a stage.
fn item(name: &str, w: u32, h: u32, seed: u32, layout: PixelLayout) -> ItemContext {
    let ch = layout.channels();
    let data: Vec<u8> = (0..w * h * ch as u32)
        .map(|i| ((i / ch as u32) * (seed + 3) % 251) as u8)
        .collect();
    let mut ctx = ItemContext::new(
        name.into(),
        Format::Png,
        UploadOptions::default(),
        vec![1, 2],
    );
    ctx.meta.stored_width = w;
    ctx.meta.stored_height = h;
    ctx.pixels = Raster::new(w, h, layout, data);
    ctx
}

fn rgba_of(r: &Raster) -> Vec<u8> {
    match r.layout {
        PixelLayout::Rgba8 => r.data.clone(),
        PixelLayout::Rgb8 => r
            .data
            .chunks(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
    }
}

#[test]
fn the_watermark_asks_for_full_pixels_and_skips_videos() {
    let s = stage("watermark", "null");
    let ctx = item("a.png", 300, 200, 1, PixelLayout::Rgba8);
    assert_eq!(s.needs(&ctx), Needs::Pixels(PixelRequest::FULL));
    let mut video = ItemContext::new(
        "v.mp4".into(),
        Format::Mp4,
        UploadOptions::default(),
        vec![],
    );
    video.meta.frames = 1;
    assert_eq!(s.needs(&video), Needs::Metadata);
    let mut gif = item("a.gif", 300, 200, 1, PixelLayout::Rgba8);
    gif.format = Format::Gif;
    gif.meta.is_animated = true;
    assert_eq!(s.needs(&gif), Needs::Metadata);
}

/// 64 images through one instance at once: every raster and main file equals the reference
/// drawing of the plugin's own code, and nothing of one item lands in another.
#[test]
fn sixty_four_images_in_parallel_through_one_instance() {
    let config =
        r#"{"text": "UPSTAGE 64", "corner": "top-left", "scale": 3, "color": [255, 0, 0, 255]}"#;
    let s = stage("watermark", config);
    let opts = watermark::Options::from_json(config).unwrap();
    let results: Vec<(ItemContext, Vec<u8>)> = (0..64u32)
        .into_par_iter()
        .map(|n| {
            let layout = if n % 2 == 0 {
                PixelLayout::Rgb8
            } else {
                PixelLayout::Rgba8
            };
            let mut ctx = item(&format!("{n}.png"), 320 + n * 3, 120 + n, n, layout);
            let px = ctx.pixels.as_ref().unwrap();
            let mut want = rgba_of(px);
            assert!(watermark::draw(&mut want, px.width, px.height, &opts));
            s.process(&mut ctx).unwrap();
            (ctx, want)
        })
        .collect();
    for (n, (ctx, want)) in results.iter().enumerate() {
        let px = ctx.pixels.as_ref().unwrap();
        assert_eq!(
            px.layout,
            if n % 2 == 0 {
                PixelLayout::Rgb8
            } else {
                PixelLayout::Rgba8
            }
        );
        assert_eq!(rgba_of(px), *want, "pixels of item {n}");
        // The main file is the marked image, encoded losslessly as PNG by the host.
        let main = ctx
            .outputs
            .main
            .as_ref()
            .expect("main file from the pixels");
        assert_eq!(
            (main.format, main.width, main.height),
            (Format::Png, px.width, px.height)
        );
        let decoded = image::load_from_memory(&main.bytes).unwrap().to_rgba8();
        assert_eq!(decoded.into_raw(), *want, "main file of item {n}");
        // Opaque red text in the top-left box, nothing red outside it.
        let (bx, by, bw, bh) = watermark::text_box(px.width, px.height, &opts).unwrap();
        assert_eq!((bx, by), (8, 8));
        let mut red = 0;
        for (i, p) in want.chunks(4).enumerate() {
            let (x, y) = (i as u32 % px.width, i as u32 / px.width);
            if p[..3] == [255, 0, 0] && (x, y) != (0, 0) {
                assert!(
                    x >= bx && x < bx + bw && y >= by && y < by + bh,
                    "red at {x},{y}"
                );
                red += 1;
            }
        }
        assert!(red > 500, "only {red} watermark pixels in item {n}");
    }
}

#[test]
fn a_stage_error_fails_its_item_only() {
    let s = stage("misbehave", "{}");
    let mut ok = item("fine.png", 4, 4, 0, PixelLayout::Rgb8);
    s.process(&mut ok).unwrap();
    assert_eq!(ok.meta.title.as_deref(), Some(misbehave::CHECKED));

    let mut bad = item("please-fail.png", 4, 4, 0, PixelLayout::Rgb8);
    let e = s.process(&mut bad).unwrap_err();
    assert_eq!(e.code, ErrorCode::StageFailed);
    assert!(
        e.message
            .contains("deliberate failure on please-fail.png (2 bytes)"),
        "{e}"
    );
    assert_eq!(bad.meta.title, None, "nothing of a failed call is applied");
    let mut again = item("fine-again.png", 4, 4, 0, PixelLayout::Rgb8);
    s.process(&mut again).unwrap();
    assert_eq!(s.panics(), 0);
}

/// Configuration is the plugin's own typed struct: errors name the key, say `config` once.
#[test]
fn configuration_errors_name_the_key_once() {
    let lib = load_library(&dylibs::example("misbehave")).unwrap();
    let f = PluginStageFactory::new(lib, "null".into()).unwrap();
    let cases = [
        (serde_json::json!({"refuse": true}), "refusing to start"),
        (
            serde_json::json!({"level": "abc"}),
            "level: invalid type: string \"abc\"",
        ),
        (serde_json::json!({"colour": 1}), "unknown field `colour`"),
    ];
    for (config, want) in cases {
        let e = upstage_sdk::StageFactory::create(&f, &config)
            .err()
            .unwrap();
        assert_eq!(e.code, ErrorCode::Config);
        assert!(e.message.contains(want), "{config}: {e}");
        let text = e.to_string();
        assert_eq!(text.matches("[config]").count(), 1, "{text}");
        assert!(
            text.contains("plugin 'misbehave' could not start"),
            "{text}"
        );
    }
    // Nothing configured at all: the plugin's defaults.
    assert!(upstage_sdk::StageFactory::create(&f, &serde_json::Value::Null).is_ok());
}

/// Cost of one pass-through plugin stage call (needs + process, metadata JSON, error slot).
/// `cargo test -p upstage-plugin-host --test stage -- --ignored --nocapture`
#[test]
#[ignore = "measurement"]
fn measure_call_overhead() {
    let s = stage("misbehave", "{}");
    let mut ctx = item("fine.png", 64, 64, 1, PixelLayout::Rgb8);
    let n = 100_000;
    let t = std::time::Instant::now();
    for _ in 0..n {
        s.process(&mut ctx).unwrap();
    }
    let per = t.elapsed() / n;
    println!("pass-through plugin stage call: {per:?}");
    let w = stage("watermark", "null");
    let mut big = item("big.png", 4000, 3000, 1, PixelLayout::Rgb8);
    let t = std::time::Instant::now();
    w.process(&mut big).unwrap();
    println!(
        "watermark on 4000x3000 RGB (widen, draw, narrow, PNG encode): {:?}",
        t.elapsed()
    );
}
