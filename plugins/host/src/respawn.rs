//! Replacing an instance after a panic. A panicked instance is poisoned for good (it refuses every
//! later call), but failing every later item with it would turn one bad input into an outage. So
//! the host retires it and creates a fresh instance from the same configuration, at most
//! [`MAX_RESPAWNS`] times, so a plugin that panics on everything cannot grow without bound.
//! A retired instance is leaked on purpose: after a panic its state is unknown, so not even its
//! destructor runs.

use std::sync::{Arc, RwLock};

use crate::instance::Instance;
use crate::{LoadError, PluginLibrary};

pub const MAX_RESPAWNS: u32 = 16;

/// The instance calls go to now, and how many times it was replaced.
pub(crate) struct Live {
    lib: PluginLibrary,
    config_json: String,
    state: RwLock<(Arc<Instance>, u32)>,
}

/// What retiring a panicked instance did, for the item's error message.
pub(crate) enum Retired {
    /// A fresh instance takes the next items.
    Replaced,
    /// Too many panics: the poisoned instance stays, every later item fails until restart.
    GaveUp,
    /// The fresh instance could not be created; the poisoned one stays.
    CreateFailed(LoadError),
}

impl Retired {
    pub(crate) fn note(&self) -> String {
        match self {
            Retired::Replaced => " (the instance was replaced by a fresh one)".into(),
            Retired::GaveUp => format!(
                " (disabled until restart after {} panics)",
                MAX_RESPAWNS + 1
            ),
            Retired::CreateFailed(e) => format!(" (disabled until restart: {e})"),
        }
    }
}

impl Live {
    pub(crate) fn create(lib: &PluginLibrary, config_json: &str) -> Result<Live, LoadError> {
        let first = Instance::create(lib, config_json)?;
        Ok(Live {
            lib: lib.clone(),
            config_json: config_json.to_owned(),
            state: RwLock::new((Arc::new(first), 0)),
        })
    }

    pub(crate) fn name(&self) -> &str {
        &self.lib.info.name
    }

    pub(crate) fn current(&self) -> Arc<Instance> {
        // The lock guards a plain swap that cannot panic midway; a poisoned lock is still sound.
        let s = self.state.read().unwrap_or_else(|p| p.into_inner());
        s.0.clone()
    }

    pub(crate) fn is_current(&self, inst: &Arc<Instance>) -> bool {
        Arc::ptr_eq(&self.current(), inst)
    }

    /// `used` panicked: replace it unless another thread already did.
    pub(crate) fn retire(&self, used: &Arc<Instance>) -> Retired {
        let mut s = self.state.write().unwrap_or_else(|p| p.into_inner());
        if !Arc::ptr_eq(&s.0, used) {
            return Retired::Replaced;
        }
        if s.1 >= MAX_RESPAWNS {
            return Retired::GaveUp;
        }
        match Instance::create(&self.lib, &self.config_json) {
            Ok(fresh) => {
                let old = std::mem::replace(&mut s.0, Arc::new(fresh));
                s.1 += 1;
                std::mem::forget(old);
                Retired::Replaced
            }
            Err(e) => Retired::CreateFailed(e),
        }
    }
}
