//! `run_observed` calls its hook once, after the metadata stages and before the first decode,
//! and never for an item no stage decodes.

use std::sync::{Arc, Mutex};

use upstage_core::{Input, Limits, Pipeline};
use upstage_sdk::{ItemContext, Needs, PixelRequest, Stage, StageError};

/// Records what it saw into a shared log, and needs pixels or not.
struct Step {
    name: &'static str,
    pixels: bool,
    log: Arc<Mutex<Vec<String>>>,
}

impl Stage for Step {
    fn name(&self) -> &str {
        self.name
    }
    fn needs(&self, _ctx: &ItemContext) -> Needs {
        if self.pixels {
            Needs::Pixels(PixelRequest::FULL)
        } else {
            Needs::Metadata
        }
    }
    fn process(&self, ctx: &mut ItemContext) -> Result<(), StageError> {
        let decoded = if ctx.pixels.is_some() {
            "pixels"
        } else {
            "no pixels"
        };
        self.log
            .lock()
            .unwrap()
            .push(format!("{} ({decoded})", self.name));
        if !self.pixels {
            // What a metadata stage does to the original (GPS removal rewrites it in place).
            ctx.original.push(0);
        }
        Ok(())
    }
}

fn pipeline(steps: &[(&'static str, bool)], log: &Arc<Mutex<Vec<String>>>) -> Pipeline {
    let stages = steps
        .iter()
        .map(|&(name, pixels)| {
            Box::new(Step {
                name,
                pixels,
                log: log.clone(),
            }) as Box<dyn Stage>
        })
        .collect();
    Pipeline::new(stages, Limits::default())
}

fn photo() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/harbour-sunset.jpg");
    std::fs::read(path).expect("sample photo")
}

#[test]
fn the_hook_runs_once_between_the_metadata_stages_and_the_first_decode() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let steps = [
        ("exif", false),
        ("medium", true),
        ("late", false),
        ("thumb", true),
    ];
    let bytes = photo();
    let len = bytes.len();
    let hook_log = log.clone();
    let mut seen = Vec::new();
    let ctx = pipeline(&steps, &log)
        .run_observed(Input::from_bytes("p.jpg", bytes), &mut |ctx| {
            hook_log.lock().unwrap().push("hook".into());
            seen.push((ctx.pixels.is_some(), ctx.original.len()));
        })
        .expect("runs");
    assert_eq!(
        *log.lock().unwrap(),
        [
            "exif (no pixels)",
            "hook",
            "medium (pixels)",
            "late (pixels)",
            "thumb (pixels)"
        ]
    );
    // The hook saw the original as the metadata stage left it, before any decode.
    assert_eq!(seen, [(false, len + 1)]);
    assert_eq!(ctx.original.len(), len + 2);
}

#[test]
fn an_item_no_stage_decodes_never_calls_the_hook() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut calls = 0;
    pipeline(&[("exif", false)], &log)
        .run_observed(Input::from_bytes("p.jpg", photo()), &mut |_| calls += 1)
        .expect("runs");
    assert_eq!(calls, 0);
    assert_eq!(*log.lock().unwrap(), ["exif (no pixels)"]);
}
