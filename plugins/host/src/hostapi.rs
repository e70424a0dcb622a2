//! The services the host lends plugins (`UpHost`): for now the logging hook, which puts a
//! plugin's lines into the host's `tracing` output under target `upstage::plugin`, with the
//! plugin's name as a field.

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};

use upstage_sdk::abi::{log_level, UpHost, UpStr};

/// A host table for the plugin `name`, valid for the life of the process (leaked on purpose:
/// instances may keep it for as long as they live, and libraries are never unloaded).
pub(crate) fn host_for(name: &str) -> &'static UpHost {
    let ctx: &'static String = Box::leak(Box::new(name.to_owned()));
    Box::leak(Box::new(UpHost {
        struct_size: std::mem::size_of::<UpHost>() as u32,
        ctx: (ctx as *const String).cast_mut().cast(),
        log: Some(log),
    }))
}

unsafe extern "C" fn log(ctx: *mut c_void, level: u32, message: UpStr) {
    let plugin = (ctx as *const String).as_ref().map_or("?", String::as_str);
    let text = String::from_utf8_lossy(message.as_bytes());
    // Nothing may unwind into the plugin: a subscriber that panics is its own problem.
    let _ = catch_unwind(AssertUnwindSafe(|| match level {
        log_level::ERROR => tracing::error!(target: "upstage::plugin", plugin, "{text}"),
        log_level::WARN => tracing::warn!(target: "upstage::plugin", plugin, "{text}"),
        log_level::DEBUG => tracing::debug!(target: "upstage::plugin", plugin, "{text}"),
        log_level::TRACE => tracing::trace!(target: "upstage::plugin", plugin, "{text}"),
        _ => tracing::info!(target: "upstage::plugin", plugin, "{text}"),
    }));
}
