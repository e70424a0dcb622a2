use std::ffi::c_void;
use std::ptr::NonNull;

use upstage_sdk::abi::{status, UpStr};

use crate::call::checked;
use crate::{LoadError, PluginLibrary};

/// One configured instance of a plugin. Destroyed by the plugin itself when dropped.
pub(crate) struct Instance {
    pub(crate) lib: PluginLibrary,
    pub(crate) ptr: NonNull<c_void>,
}

// The descriptor's THREAD_SAFE flag (checked at load) and the SDK's `Send + Sync` bounds on
// plugin types make one instance callable from every thread.
unsafe impl Send for Instance {}
unsafe impl Sync for Instance {}

impl Instance {
    pub(crate) fn create(lib: &PluginLibrary, config_json: &str) -> Result<Instance, LoadError> {
        let mut out: *mut c_void = std::ptr::null_mut();
        let config = UpStr::new(config_json);
        // Plugins built before `create_with_host` existed get the original `create`.
        let made = match (lib.desc.create_with_host, lib.desc.create) {
            (Some(create), _) => checked(|err| unsafe { create(config, lib.host, &mut out, err) }),
            (None, Some(create)) => checked(|err| unsafe { create(config, &mut out, err) }),
            (None, None) => {
                return Err(LoadError::BadDescriptor {
                    path: lib.info.path.clone().unwrap_or_default(),
                    reason: "create is missing".into(),
                })
            }
        };
        made.map_err(|e| LoadError::CreateFailed {
            name: lib.info.name.clone(),
            kind: e.kind.as_str(),
            message: e.message,
        })?;
        let ptr = NonNull::new(out).ok_or_else(|| LoadError::CreateFailed {
            name: lib.info.name.clone(),
            kind: "internal",
            message: format!("create returned status {} but no instance", status::OK),
        })?;
        Ok(Instance {
            lib: lib.clone(),
            ptr,
        })
    }

    pub(crate) fn raw(&self) -> *mut c_void {
        self.ptr.as_ptr()
    }

    pub(crate) fn name(&self) -> &str {
        &self.lib.info.name
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Some(destroy) = self.lib.desc.destroy {
            // SAFETY: created by this plugin's `create`, destroyed once.
            unsafe { destroy(self.ptr.as_ptr()) }
        }
    }
}
