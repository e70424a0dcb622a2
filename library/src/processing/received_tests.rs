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
        let (ctx, md5, _) = run_and_hash(&rewriting(), input, beside);
        let ctx = ctx.expect("pipeline");
        assert_ne!(ctx.original, bytes, "{how}: the stage rewrote it");
        assert_eq!(md5.as_deref(), Some(received.as_str()), "{how}");
    }
}

#[test]
fn a_known_md5_is_kept() {
    let bytes = std::fs::read(photo()).expect("sample photo");
    let known = Some("given".to_owned());
    let input = Input::from_bytes("p.jpg", bytes);
    let (ctx, md5, waited) = run_and_hash(
        &rewriting(),
        Received::Direct(input, known.clone()),
        Beside::Busy,
    );
    assert!(ctx.is_ok());
    assert_eq!((md5, waited), (known, Duration::ZERO));
}

#[test]
fn a_path_is_read_once_and_hashed_before_it_is_rewritten() {
    let received = oracle(&std::fs::read(photo()).expect("sample photo"));
    for beside in [Beside::IdleCore, Beside::Busy] {
        let input = Input::from_path(photo());
        let (ctx, md5, _) = run_and_hash(&rewriting(), Received::Direct(input, None), beside);
        assert!(ctx.is_ok(), "{beside:?}");
        assert_eq!(md5.as_deref(), Some(received.as_str()), "{beside:?}");
    }
    let missing = Input::from_path("no/such/file.jpg");
    let (ctx, md5, _) = run_and_hash(&rewriting(), Received::Direct(missing, None), Beside::Busy);
    assert!(ctx.is_err());
    assert_eq!(md5, None);
}

#[test]
fn a_failed_item_still_joins_its_hash() {
    let input = Input::from_bytes("x.jpg", b"not an image".to_vec());
    let (ctx, md5, _) = run_and_hash(
        &rewriting(),
        Received::Direct(input, None),
        Beside::IdleCore,
    );
    assert!(ctx.is_err());
    assert_eq!(md5, Some(oracle(b"not an image")));
}
