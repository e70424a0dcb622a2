//! The instance calls go to, and what happens when one panics.
//!
//! A panic poisons the instance for good (the SDK refuses every later call on it). Failing every
//! later item with it would turn one bad input into an outage, so:
//! - the panicking call fails (its item fails), the panic is counted, and the instance is replaced
//!   by a fresh one made from the same configuration;
//! - a call that meets an instance another thread has poisoned (it returns `POISONED` before
//!   running anything) retries on the fresh instance, so it never fails for someone else's panic;
//! - after [`PANIC_LIMIT`] panics in one process the plugin is disabled: every later call fails
//!   at once, until restart. The limit counts panics, whatever the number of calls or threads.
//!
//! Retired instances are leaked on purpose: after a panic their state is unknown, so not even
//! their destructor runs, and a thread may still be inside one.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use upstage_sdk::plugin::PluginErrorKind;

use crate::instance::Instance;
use crate::{CallError, LoadError, PluginLibrary};

/// Panics a plugin may have in one process: the one that reaches it disables the plugin (so
/// `PANIC_LIMIT - 1` panics are each followed by a fresh instance).
pub const PANIC_LIMIT: u32 = 16;

/// An error of one call, and whether it was the plugin reporting a panic or poison.
pub(crate) trait Reported {
    fn plugin_kind(&self) -> Option<PluginErrorKind>;
}

impl Reported for CallError {
    fn plugin_kind(&self) -> Option<PluginErrorKind> {
        Some(self.kind)
    }
}

/// Why a call through [`Live::run`] failed.
pub(crate) enum Failure<E> {
    /// The call failed. `note` says what became of the instance when it panicked.
    Call { error: E, note: String },
    /// The plugin is disabled; nothing was called.
    Disabled(String),
}

struct State {
    current: Arc<Instance>,
    panics: u32,
    disabled: Option<String>,
}

pub(crate) struct Live {
    lib: PluginLibrary,
    config_json: String,
    state: Mutex<State>,
    /// Calls that met an instance poisoned by another call and were retried.
    retries: AtomicU32,
}

impl Live {
    pub(crate) fn create(lib: &PluginLibrary, config_json: &str) -> Result<Live, LoadError> {
        let first = Instance::create(lib, config_json)?;
        Ok(Live {
            lib: lib.clone(),
            config_json: config_json.to_owned(),
            state: Mutex::new(State {
                current: Arc::new(first),
                panics: 0,
                disabled: None,
            }),
            retries: AtomicU32::new(0),
        })
    }

    pub(crate) fn name(&self) -> &str {
        &self.lib.info.name
    }

    /// Panics so far (for tests and diagnostics).
    pub(crate) fn panics(&self) -> u32 {
        self.lock().panics
    }

    /// Calls retried on a fresh instance after meeting one poisoned by another call.
    pub(crate) fn retries(&self) -> u32 {
        self.retries.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every critical section leaves the state consistent, even if it unwinds.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Call `f` with the current instance, replacing instances as described above.
    pub(crate) fn run<R, E: Reported>(
        &self,
        mut f: impl FnMut(&Instance) -> Result<R, E>,
    ) -> Result<R, Failure<E>> {
        // Each retry follows a replacement, and replacements follow panics, so this bound is
        // never reached by a plugin that reports poison honestly.
        for _ in 0..=PANIC_LIMIT + 1 {
            let inst = {
                let s = self.lock();
                if let Some(why) = &s.disabled {
                    return Err(Failure::Disabled(why.clone()));
                }
                s.current.clone()
            };
            match f(&inst) {
                Err(e) if e.plugin_kind() == Some(PluginErrorKind::Poisoned) => {
                    self.retries.fetch_add(1, Ordering::Relaxed);
                    self.replace(&inst);
                }
                Err(e) if e.plugin_kind() == Some(PluginErrorKind::Panicked) => {
                    let note = self.panicked(&inst);
                    return Err(Failure::Call { error: e, note });
                }
                Err(e) => {
                    return Err(Failure::Call {
                        error: e,
                        note: String::new(),
                    })
                }
                Ok(r) => return Ok(r),
            }
        }
        Err(Failure::Disabled(
            "refusing every instance it makes (poisoned without a panic)".into(),
        ))
    }

    /// `used` panicked: count it, then disable the plugin or make sure a fresh instance is
    /// current. Returns a note for the failed call's message.
    fn panicked(&self, used: &Arc<Instance>) -> String {
        let mut s = self.lock();
        s.panics += 1;
        if let Some(why) = &s.disabled {
            return format!(" (the plugin is {why})");
        }
        if s.panics >= PANIC_LIMIT {
            let why = format!("disabled until restart after {PANIC_LIMIT} panics");
            let note = format!(" (this was its panic number {PANIC_LIMIT}: {why})");
            s.disabled = Some(why);
            return note;
        }
        self.replace_locked(&mut s, used);
        match &s.disabled {
            Some(why) => format!(" (the plugin is {why})"),
            None => " (the instance was replaced by a fresh one)".into(),
        }
    }

    /// `used` is poisoned: make a fresh instance current unless someone already did.
    fn replace(&self, used: &Arc<Instance>) {
        let mut s = self.lock();
        self.replace_locked(&mut s, used);
    }

    fn replace_locked(&self, s: &mut State, used: &Arc<Instance>) {
        if s.disabled.is_some() || !Arc::ptr_eq(&s.current, used) {
            return;
        }
        match Instance::create(&self.lib, &self.config_json) {
            Ok(fresh) => std::mem::forget(std::mem::replace(&mut s.current, Arc::new(fresh))),
            Err(e) => s.disabled = Some(format!("disabled until restart: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use upstage_sdk::abi::UpStageVTable;
    use upstage_sdk::{Format, ItemContext, UploadOptions};

    use super::*;
    use crate::call::checked;
    use crate::item::{view, Edits};

    fn process(vt: &UpStageVTable, inst: &Instance, name: &str) -> Result<(), CallError> {
        let ctx = ItemContext::new(name.into(), Format::Png, UploadOptions::default(), vec![1]);
        let mut edits = Edits::default();
        let host = edits.host();
        let mut item = view(&ctx, "{}", true, None, &host);
        let process = vt.process.expect("process");
        checked(|err| unsafe { process(inst.raw(), &mut item, err) })
    }

    /// The race window, made deterministic: an instance poisoned by a panic on "another thread"
    /// that has not yet replaced it. The next call must run on a fresh instance, and poison met
    /// is not a panic of its own.
    #[test]
    fn a_call_meeting_poison_retries_on_a_fresh_instance_and_counts_nothing() {
        let lib = PluginLibrary::from_static(misbehave::plugin_descriptor()).unwrap();
        let vt = unsafe { lib.desc.stage.as_ref() }.unwrap();
        let live = Live::create(&lib, "null").unwrap();
        let poisoned = live.lock().current.clone();
        let e = process(vt, &poisoned, "panic.png").unwrap_err();
        assert_eq!(e.kind, PluginErrorKind::Panicked);
        assert_eq!(
            process(vt, &poisoned, "good.png").unwrap_err().kind,
            PluginErrorKind::Poisoned
        );

        let mut seen = Vec::new();
        live.run(|inst| {
            seen.push(inst as *const Instance);
            process(vt, inst, "good.png")
        })
        .map_err(|_| "the good item failed")
        .unwrap();
        assert_eq!(
            seen.len(),
            2,
            "one poisoned call, then one on the fresh instance"
        );
        assert_eq!(seen[0], Arc::as_ptr(&poisoned));
        assert_ne!(seen[1], Arc::as_ptr(&poisoned));
        assert_eq!((live.panics(), live.retries()), (0, 1));

        // The thread that panicked now reports it: counted once, nothing replaced twice.
        let fresh = live.lock().current.clone();
        live.panicked(&poisoned);
        assert_eq!(live.panics(), 1);
        assert!(Arc::ptr_eq(&live.lock().current, &fresh));
    }
}
