//! A plugin built against a (hypothetical) incompatible SDK: its descriptor says ABI version
//! `ABI_VERSION + 1`. The host must refuse it without calling anything but the entry symbol.

use upstage_sdk::abi::{UpPluginDescriptor, UpStr, ABI_VERSION, KIND_STAGE, MAGIC};

static DESCRIPTOR: UpPluginDescriptor = UpPluginDescriptor {
    magic: MAGIC,
    abi_version: ABI_VERSION + 1,
    struct_size: std::mem::size_of::<UpPluginDescriptor>() as u32,
    kind: KIND_STAGE,
    flags: 0,
    name: UpStr::from_static("wrong-abi"),
    version: UpStr::from_static("9.9.9"),
    description: UpStr::from_static("claims a future ABI"),
    sdk_version: UpStr::from_static("99.0.0"),
    create: None,
    destroy: None,
    storage: std::ptr::null(),
    stage: std::ptr::null(),
    build_profile: UpStr::EMPTY,
    create_with_host: None,
};

/// # Safety
/// Returns a pointer to a static.
#[unsafe(no_mangle)]
pub extern "C" fn upstage_plugin_wrong_abi_entry_v1(_host_abi: u32) -> *const UpPluginDescriptor {
    &DESCRIPTOR
}

pub fn plugin_descriptor() -> &'static UpPluginDescriptor {
    &DESCRIPTOR
}
