//! Every shim runs through here: null checks, the poison flag, `catch_unwind`, error reporting.

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Logger, PluginError, PluginErrorKind};
use crate::abi::{status, UpErrorSlot, UpHost, UpStr};

/// What `create` hands the host: the author's value plus the poison flag.
pub(crate) struct Instance<T> {
    pub value: T,
    poisoned: AtomicBool,
}

pub(crate) fn report(err: *const UpErrorSlot, code: i32, message: &str) -> i32 {
    // SAFETY: the host passes a valid slot (or null) for the duration of the call.
    if let Some(slot) = unsafe { err.as_ref() } {
        unsafe { (slot.set)(slot.ctx, code, UpStr::new(message)) };
    }
    code
}

pub(crate) fn report_error(err: *const UpErrorSlot, e: &PluginError) -> i32 {
    report(err, e.kind.code(), &e.message)
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// Run `f` on the instance behind `inst`, catching panics and poisoning the instance on one.
///
/// # Safety
/// `inst` must be null or a pointer returned by [`create`] for the same `T` and not destroyed.
pub(crate) unsafe fn call<T>(
    inst: *mut c_void,
    err: *const UpErrorSlot,
    f: impl FnOnce(&T) -> Result<(), PluginError>,
) -> i32 {
    let Some(inst) = (inst as *const Instance<T>).as_ref() else {
        return report(err, status::INVALID_ARGUMENT, "null plugin instance");
    };
    if inst.poisoned.load(Ordering::Acquire) {
        return report(
            err,
            status::POISONED,
            "plugin instance disabled after an earlier panic",
        );
    }
    match catch_unwind(AssertUnwindSafe(|| f(&inst.value))) {
        Ok(Ok(())) => status::OK,
        Ok(Err(e)) => report_error(err, &e),
        Err(p) => {
            inst.poisoned.store(true, Ordering::Release);
            report(
                err,
                status::PANICKED,
                &format!("plugin panicked: {}", panic_text(&*p)),
            )
        }
    }
}

/// Build an instance from its config text (`host` null when the host offers no services).
///
/// # Safety
/// Pointers as the ABI documents for `create_with_host`.
pub(crate) unsafe fn create<T>(
    config: UpStr,
    host: *const UpHost,
    out: *mut *mut c_void,
    err: *const UpErrorSlot,
    new: fn(&str, Logger) -> Result<T, PluginError>,
) -> i32 {
    if out.is_null() {
        return report(err, status::INVALID_ARGUMENT, "null output pointer");
    }
    let Some(text) = config.to_str() else {
        return report(err, status::CONFIG, "plugin configuration is not UTF-8");
    };
    let log = Logger::from_host(host);
    match catch_unwind(AssertUnwindSafe(|| new(text, log))) {
        Ok(Ok(value)) => {
            let boxed = Box::new(Instance {
                value,
                poisoned: AtomicBool::new(false),
            });
            *out = Box::into_raw(boxed).cast();
            status::OK
        }
        Ok(Err(e)) => report_error(err, &e),
        Err(p) => report(
            err,
            status::PANICKED,
            &format!("plugin panicked while starting: {}", panic_text(&*p)),
        ),
    }
}

/// # Safety
/// `inst` must be null or come from [`create`] for the same `T`, and not be used afterwards.
pub(crate) unsafe fn destroy<T>(inst: *mut c_void) {
    if inst.is_null() {
        return;
    }
    let boxed = Box::from_raw(inst as *mut Instance<T>);
    // A panicking destructor must not unwind into the host.
    let _ = catch_unwind(AssertUnwindSafe(move || drop(boxed)));
}

pub(crate) fn invalid(what: &str) -> PluginError {
    PluginError::new(PluginErrorKind::InvalidArgument, what)
}
