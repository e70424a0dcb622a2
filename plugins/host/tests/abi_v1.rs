//! A plugin built against the descriptor ABI 1 first shipped (`abi-v1`: frozen copies of that
//! layout) still loads now that the descriptor and the storage table have grown: what it does
//! not define reads as absent, and the host falls back where a newer call is missing.

#[path = "support/dylibs.rs"]
mod dylibs;

use upstage_plugin_host::{load_library, validate, PluginKind, PluginStorage};
use upstage_sdk::abi::{UpPluginDescriptor, DESCRIPTOR_V1_SIZE};
use upstage_storage::{PutMode, Storage, StorageErrorKind};

#[test]
fn the_first_layout_still_loads_and_works() {
    let lib = load_library(&dylibs::example("abi_v1")).unwrap();
    let info = &lib.info;
    assert_eq!(
        (info.name.as_str(), info.kind, info.version.as_str()),
        ("abi-v1", PluginKind::Storage, "1.0.0")
    );
    assert_eq!(info.build_profile, "", "unknown to that layout");
    assert!(
        std::mem::size_of::<UpPluginDescriptor>() > DESCRIPTOR_V1_SIZE,
        "the descriptor has grown since, or this test proves nothing"
    );

    // Created through the original `create` (it has no `create_with_host`).
    let s = PluginStorage::new(&lib, "null").unwrap();
    let body: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    let out = s
        .put_bytes(
            "a/b.bin",
            "application/octet-stream",
            &body,
            PutMode::CreateNew,
        )
        .unwrap();
    assert_eq!(out.id, "mem:5000");
    assert_eq!(s.get("a/b.bin").unwrap(), body);
    assert!(s.exists("a/b.bin").unwrap());
    // No `stat` or `get_range` in that table: the host reads the object and measures or cuts.
    assert_eq!(s.size("a/b.bin").unwrap(), 5000);
    assert_eq!(s.get_range("a/b.bin", 4990, 100).unwrap(), &body[4990..]);
    assert_eq!(s.get_range("a/b.bin", 10, 20).unwrap(), &body[10..30]);
    assert_eq!(s.size("nope").unwrap_err().kind, StorageErrorKind::NotFound);
    s.delete("a/b.bin").unwrap();
    assert!(!s.exists("a/b.bin").unwrap());
}

#[test]
fn the_frozen_descriptor_linked_statically_passes_the_same_checks() {
    let lib = unsafe { validate(abi_v1::descriptor_ptr().cast(), None) }.unwrap();
    assert_eq!(lib.info.name, "abi-v1");
    assert_eq!(lib.info.sdk_version, "0.1.0");
}
