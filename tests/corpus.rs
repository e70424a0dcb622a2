//! Real photographs (`scripts/corpus`): every file of every format processes,
//! orientation-tagged photos report upright sizes, and outputs are valid images.

mod common;

use std::path::Path;

use upstage_core::{collect_inputs, run_batch};
use upstage_sdk::{Format, OutputKind};

fn manifest(corpus: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(corpus.join("MANIFEST.tsv"))
        .expect("MANIFEST.tsv")
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

#[test]
fn every_corpus_image_processes_with_valid_outputs() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dirs = ["jpeg", "png", "webp", "gif"]
        .map(|d| corpus.join(d))
        .to_vec();
    let (inputs, errors) = collect_inputs(&dirs);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(inputs.len() >= 70, "only {} corpus files", inputs.len());
    // A few wallpapers are above the 10 MB upload default.
    let limits = upstage_core::Limits {
        max_bytes: 64_000_000,
        ..Default::default()
    };
    let p = upstage_core::Pipeline::new(
        common::registry()
            .build(&["exif", "resize", "medium", "thumbnail"].map(upstage_core::StageSpec::named))
            .unwrap(),
        limits,
    );
    let report = run_batch(
        &p,
        inputs,
        2,
        |ctx| {
            let mut checked = Vec::new();
            for kind in [OutputKind::Thumb, OutputKind::Medium] {
                if let Some(o) = ctx.outputs.get(kind) {
                    let img = image::load_from_memory(&o.bytes).map_err(|e| {
                        upstage_core::ItemError::new(upstage_sdk::ErrorCode::Corrupt, e.to_string())
                    })?;
                    checked.push((kind, img.width(), img.height(), o.format));
                }
            }
            Ok((ctx.main_size(), ctx.meta.orientation, checked))
        },
        |_| {},
    )
    .unwrap();
    for item in &report.items {
        let (size, _, outputs) = item
            .result
            .as_ref()
            .unwrap_or_else(|e| panic!("{}: {e}", item.client_name));
        let thumb = outputs
            .iter()
            .find(|o| o.0 == OutputKind::Thumb)
            .expect("thumb");
        assert_eq!((thumb.1, thumb.2), (320, 320), "{}", item.client_name);
        if size.0 > 750 {
            let md = outputs
                .iter()
                .find(|o| o.0 == OutputKind::Medium)
                .expect("medium");
            assert_eq!(md.1, 750, "{}", item.client_name);
            let expected_h = (f64::from(size.1) * 750.0 / f64::from(size.0)).round() as i64;
            assert!(
                (i64::from(md.2) - expected_h).abs() <= 1,
                "{}: medium {}x{} for {size:?}",
                item.client_name,
                md.1,
                md.2
            );
        }
        if item.client_name.ends_with(".jpg") {
            assert_eq!(thumb.3, Format::Jpeg);
        }
    }
}

#[test]
fn orientation_tagged_photos_report_upright_sizes() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let p = common::default_pipeline();
    let mut seen = 0;
    for row in manifest(&corpus) {
        let (file, w, h, orientation) = (
            &row[0],
            &row[2],
            &row[3],
            row.get(10).map(String::as_str).unwrap_or(""),
        );
        if !file.starts_with("jpeg/") || !matches!(orientation, "6" | "8" | "3") {
            continue;
        }
        let bytes = std::fs::read(corpus.join(file)).unwrap();
        let mut limits_ok = upstage_core::Input::from_bytes(file.clone(), bytes);
        limits_ok.options.width = None;
        let ctx = match p.run(limits_ok) {
            Ok(c) => c,
            Err(e) if e.code == upstage_sdk::ErrorCode::TooLarge => continue,
            Err(e) => panic!("{file}: {e}"),
        };
        let (w, h): (u32, u32) = (w.parse().unwrap(), h.parse().unwrap());
        let expected = if orientation == "3" { (w, h) } else { (h, w) };
        assert_eq!(ctx.main_size(), expected, "{file}");
        let md = ctx.outputs.medium.as_ref().unwrap();
        assert_eq!(md.width, 750);
        assert_eq!(
            md.width > md.height,
            expected.0 > expected.1,
            "{file}: medium is upright"
        );
        seen += 1;
    }
    assert!(seen >= 4, "only {seen} orientation-tagged photos checked");
}
