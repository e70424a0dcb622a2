//! The logging hook: what a plugin logs lands in the host's `tracing` output under its own name.
//! Alone in its test binary: `tracing` caches per call site whether anyone listens, and tests
//! logging without a subscriber on other threads would race with that cache.

#[path = "support/dylibs.rs"]
mod dylibs;

use std::sync::{Arc, Mutex};

use upstage_plugin_host::{load_library, PluginStageFactory};
use upstage_sdk::{Format, ItemContext, Stage, UploadOptions};

/// What a plugin logs lands in the host's `tracing` output under its own name.
#[test]
fn plugin_log_lines_reach_the_host_log_with_the_plugin_name() {
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        let lib = load_library(&dylibs::example("misbehave")).unwrap();
        let s = PluginStageFactory::new(lib, "null".into())
            .unwrap()
            .instance(r#"{"level": 7}"#)
            .unwrap();
        let mut ctx = ItemContext::new(
            "log-this.png".into(),
            Format::Png,
            UploadOptions::default(),
            vec![1],
        );
        s.process(&mut ctx).unwrap();
    });
    let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle:?} in the log:\n{text}"))
            .to_owned()
    };
    let warn = line("misbehave saw log-this.png");
    assert!(
        warn.contains("WARN") && warn.contains("upstage::plugin"),
        "{warn}"
    );
    assert!(warn.contains("plugin=\"misbehave\""), "{warn}");
    assert!(line("ready at level 7").contains("DEBUG"), "{text}");
}
