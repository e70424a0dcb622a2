use super::*;
use md5::Digest;
use upstage_core::Limits;
use upstage_sdk::{Needs, Stage, StageError};

/// Rewrites the original in place, as GPS removal does.
struct Rewrite;

impl Stage for Rewrite {
    fn name(&self) -> &str {
        "rewrite"
    }
    fn needs(&self, _ctx: &ItemContext) -> Needs {
        Needs::Metadata
    }
    fn process(&self, ctx: &mut ItemContext) -> Result<(), StageError> {
        if let Some(last) = ctx.original.last_mut() {
            *last ^= 0xff;
        }
        Ok(())
    }
}

fn photo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/harbour-sunset.jpg")
}

/// The reference md5 (RustCrypto's).
fn oracle(bytes: &[u8]) -> String {
    hex::encode(md5::Md5::digest(bytes))
}

fn rewriting() -> Pipeline {
    Pipeline::new(vec![Box::new(Rewrite)], Limits::default())
}

#[test]
fn an_input_in_memory_is_hashed_as_received_whoever_rewrites_it() {
    let bytes = std::fs::read(photo()).expect("sample photo");
    let received = oracle(&bytes);
    let queue = super::super::md5_queue::Md5Queue::new();
    for (how, queued, beside) in [
        ("idle core", false, Beside::IdleCore),
        ("busy", false, Beside::Busy),
        ("queued, every worker busy", true, Beside::Busy),
        ("queued, then a core idle", true, Beside::IdleCore),
    ] {
        let input = Input::from_bytes("p.jpg", bytes.clone());
        let input = match queue.enqueue(input) {
            Ok(ticket) if queued => Received::Queued(ticket),
            Ok(ticket) => Received::Direct(
                ticket
                    .take_back()
                    .map_err(|_| "taken")
                    .expect("no pass ran"),
                None,
            ),
            Err(_) => unreachable!("an input in memory is queued"),
        };
        let Ran { ctx, md5, .. } = run_and_hash(&rewriting(), input, beside, None);
        let ctx = ctx.expect("pipeline");
        assert_ne!(ctx.original, bytes, "{how}: the stage rewrote it");
        assert_eq!(md5.as_deref(), Some(received.as_str()), "{how}");
    }
}

#[test]
fn a_known_md5_is_kept() {
    let bytes = std::fs::read(photo()).expect("sample photo");
    let known = Some("given".to_owned());
    for beside in [Beside::Busy, Beside::IdleCore] {
        let input = Input::from_bytes("p.jpg", bytes.clone());
        let ran = run_and_hash(
            &rewriting(),
            Received::Direct(input, known.clone()),
            beside,
            None,
        );
        assert!(ran.ctx.is_ok());
        assert_eq!((ran.md5, ran.md5_wait), (known.clone(), Duration::ZERO));
    }
}

#[test]
fn a_path_is_read_once_and_hashed_before_it_is_rewritten() {
    let received = oracle(&std::fs::read(photo()).expect("sample photo"));
    for beside in [Beside::IdleCore, Beside::Busy] {
        let input = Input::from_path(photo());
        let Ran { ctx, md5, .. } =
            run_and_hash(&rewriting(), Received::Direct(input, None), beside, None);
        assert!(ctx.is_ok(), "{beside:?}");
        assert_eq!(md5.as_deref(), Some(received.as_str()), "{beside:?}");
    }
    let missing = Input::from_path("no/such/file.jpg");
    let direct = Received::Direct(missing, None);
    let Ran { ctx, md5, .. } = run_and_hash(&rewriting(), direct, Beside::Busy, None);
    assert!(ctx.is_err());
    assert_eq!(md5, None);
}

#[test]
fn a_failed_item_still_joins_its_hash() {
    let input = Input::from_bytes("x.jpg", b"not an image".to_vec());
    let Ran { ctx, md5, .. } = run_and_hash(
        &rewriting(),
        Received::Direct(input, None),
        Beside::IdleCore,
        None,
    );
    assert!(ctx.is_err());
    assert_eq!(md5, Some(oracle(b"not an image")));
}

/// Needs the pixels, then fails when asked to: the item dies after its original was written
/// ahead.
struct Pixels {
    fail: bool,
}

impl Stage for Pixels {
    fn name(&self) -> &str {
        "pixels"
    }
    fn needs(&self, _ctx: &ItemContext) -> Needs {
        Needs::Pixels(upstage_sdk::PixelRequest::FULL)
    }
    fn process(&self, _ctx: &mut ItemContext) -> Result<(), StageError> {
        match self.fail {
            true => Err(StageError::new(upstage_sdk::ErrorCode::Corrupt, "failed")),
            false => Ok(()),
        }
    }
}

/// Rewrites the original's JFIF density units, leaving it a valid JPEG.
struct Retag;

impl Stage for Retag {
    fn name(&self) -> &str {
        "retag"
    }
    fn needs(&self, _ctx: &ItemContext) -> Needs {
        Needs::Metadata
    }
    fn process(&self, ctx: &mut ItemContext) -> Result<(), StageError> {
        if let Some(units) = ctx.original.get_mut(13) {
            *units ^= 1;
        }
        Ok(())
    }
}

fn rewriting_then_pixels(fail: bool) -> Pipeline {
    let stages: Vec<Box<dyn Stage>> = vec![Box::new(Retag), Box::new(Pixels { fail })];
    Pipeline::new(stages, Limits::default())
}

/// The files under `root`, with their bytes.
fn files(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(root)
        .expect("root")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy().into();
            (name, std::fs::read(&p).expect("readable"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn with_a_core_idle_the_original_is_written_ahead_as_the_pixel_work_starts() {
    let bytes = std::fs::read(photo()).expect("sample photo");
    for (how, beside, width, written) in [
        ("idle core", Beside::IdleCore, None, true),
        ("busy", Beside::Busy, None, false),
        ("asks a width", Beside::IdleCore, Some(200), false),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let storage = upstage_storage_local::LocalStorage::new(dir.path()).expect("storage");
        let mut input = Input::from_bytes("p.jpg", bytes.clone());
        input.options.width = width;
        let direct = Received::Direct(input, None);
        let to = AheadTo {
            storage: &storage,
            folder: "",
        };
        let ran = run_and_hash(&rewriting_then_pixels(false), direct, beside, Some(to));
        let ctx = ran.ctx.expect("pipeline");
        assert_ne!(ctx.original, bytes, "the stage rewrote it");
        assert_eq!(ran.ahead.is_some(), written, "{how}");
        let on_disk = files(dir.path());
        if written {
            // As the metadata stages left it, synced under a temp name, not yet stored.
            assert_eq!(on_disk.len(), 1, "{how}");
            assert!(on_disk[0].0.starts_with(upstage_storage_local::TEMP_PREFIX));
            assert_eq!(on_disk[0].1, ctx.original, "{how}");
        } else {
            assert_eq!(on_disk, [], "{how}");
        }
        drop(ran.ahead);
        assert_eq!(files(dir.path()), [], "{how}: dropped, nothing is left");
    }
}

#[test]
fn an_item_that_fails_after_writing_ahead_leaves_nothing() {
    let bytes = std::fs::read(photo()).expect("sample photo");
    let dir = tempfile::tempdir().expect("tempdir");
    let storage = upstage_storage_local::LocalStorage::new(dir.path()).expect("storage");
    let direct = Received::Direct(Input::from_bytes("p.jpg", bytes), None);
    let to = AheadTo {
        storage: &storage,
        folder: "",
    };
    let ran = run_and_hash(
        &rewriting_then_pixels(true),
        direct,
        Beside::IdleCore,
        Some(to),
    );
    assert!(ran.ctx.is_err());
    assert!(ran.ahead.is_some(), "written while the pixels were made");
    drop(ran);
    assert_eq!(files(dir.path()), []);
}

#[test]
fn an_original_that_cannot_be_written_ahead_is_left_to_the_store() {
    // The backend refuses to stage (here a folder outside its root; a full disk alike): the
    // item is made all the same, and its original is written when stored.
    let bytes = std::fs::read(photo()).expect("sample photo");
    let dir = tempfile::tempdir().expect("tempdir");
    let storage = upstage_storage_local::LocalStorage::new(dir.path().join("root")).expect("root");
    let to = AheadTo {
        storage: &storage,
        folder: "../elsewhere/",
    };
    let direct = Received::Direct(Input::from_bytes("p.jpg", bytes), None);
    let ran = run_and_hash(
        &rewriting_then_pixels(false),
        direct,
        Beside::IdleCore,
        Some(to),
    );
    assert!(ran.ctx.is_ok());
    assert!(ran.ahead.is_none());
    assert_eq!(files(&dir.path().join("root")), []);
    assert!(!dir.path().join("elsewhere").exists());
}
