//! Downloads from storage plugins stream: one plugin call per download whose bytes reach the
//! reader as it reads, through `get_range` (cas-store) or, for a plugin of the first ABI 1
//! layout, through `get` with everything outside the window dropped (abi-v1).

#[path = "support/dylibs.rs"]
mod dylibs;

use std::io::Read;
use std::sync::Arc;

use upstage_plugin_host::{load_library, PluginStorage};
use upstage_storage::{range_reader, PutMode, Storage, StorageErrorKind};

fn stores(root: &std::path::Path) -> Vec<(&'static str, Arc<PluginStorage>)> {
    let cas = load_library(&dylibs::example("cas_store")).unwrap();
    let config = format!(r#"{{"root": {:?}}}"#, root.to_str().unwrap());
    let v1 = load_library(&dylibs::example("abi_v1")).unwrap();
    vec![
        (
            "cas-store",
            Arc::new(PluginStorage::new(&cas, &config).unwrap()),
        ),
        ("abi-v1", Arc::new(PluginStorage::new(&v1, "null").unwrap())),
    ]
}

#[test]
fn ranges_stream_through_both_abi_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let body: Vec<u8> = (0..3_000_017u32).map(|i| (i * 13 % 251) as u8).collect();
    let n = body.len() as u64;
    let all = body.len();
    for (name, s) in stores(dir.path()) {
        s.put_bytes("v/clip.mp4", "video/mp4", &body, PutMode::CreateNew)
            .unwrap();
        assert_eq!(s.stat("v/clip.mp4").unwrap().size, n, "{name}");
        let cases = [
            (0, n, 0..all),
            (0, 10, 0..10),
            (1_048_570, 20, 1_048_570..1_048_590),
            (n - 5, 100, all - 5..all),
            (n + 3, 10, all..all),
        ];
        for (offset, len, want) in cases {
            let mut got = Vec::new();
            let dynamic: Arc<dyn Storage> = s.clone();
            range_reader(dynamic, "v/clip.mp4", offset, len)
                .unwrap()
                .read_to_end(&mut got)
                .unwrap();
            assert!(got == body[want.clone()], "{name} {offset}+{len}");
            let ranged = s.get_range("v/clip.mp4", offset, len).unwrap();
            assert!(ranged == body[want], "{name} get_range {offset}+{len}");
        }
        let e = s.open_range("v/none.mp4", 0, 10).err().expect("missing");
        assert_eq!(e.kind, StorageErrorKind::NotFound, "{name}: {e}");
    }
}

/// Clients that leave after the first bytes stop the plugin call: nothing stays blocked, and
/// the plugin keeps answering.
#[test]
fn abandoned_downloads_release_the_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let body = vec![7u8; 4 * 1024 * 1024];
    for (name, s) in stores(dir.path()) {
        s.put_bytes("v/long.mp4", "video/mp4", &body, PutMode::CreateNew)
            .unwrap();
        for _ in 0..20 {
            let mut r = s.open_range("v/long.mp4", 0, body.len() as u64).unwrap();
            let mut first = [0u8; 1000];
            r.read_exact(&mut first).unwrap();
            assert_eq!(first, [7u8; 1000], "{name}");
        }
        assert_eq!(
            s.get_range("v/long.mp4", 5, 3).unwrap(),
            [7, 7, 7],
            "{name}"
        );
        assert_eq!(s.panics(), 0, "{name}");
    }
}
