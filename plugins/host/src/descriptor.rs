//! Reading a plugin's descriptor without trusting it: magic, ABI version and size first (the
//! only fields every revision shares), then everything else, from a copy that holds exactly what
//! the plugin's revision defines. Fields appended after that revision read as zero (absent), so
//! a plugin built against an older SDK keeps loading as the structs grow.

use std::mem::MaybeUninit;
use std::path::Path;
use std::ptr::addr_of;

use upstage_sdk::abi::{
    UpPluginDescriptor, UpStageVTable, UpStorageVTable, UpStr, ABI_VERSION, DESCRIPTOR_V1_SIZE,
    FLAG_PANIC_UNWIND, FLAG_THREAD_SAFE, KIND_STAGE, KIND_STORAGE, MAGIC, STORAGE_VTABLE_V1_SIZE,
};

use crate::hostapi::host_for;
use crate::{LoadError, PluginInfo, PluginKind, PluginLibrary};

/// The first `size` bytes of `*src` in a zeroed `T` (the rest of `T` stays zero).
///
/// # Safety
/// `src` must point to at least `min(size, size_of::<T>())` readable bytes, and an all-zero `T`
/// must be valid: true of every ABI struct (integers, raw pointers, `Option<fn>`, `UpStr`).
unsafe fn prefix<T>(src: *const T, size: usize) -> T {
    let mut out = MaybeUninit::<T>::zeroed();
    let n = size.min(std::mem::size_of::<T>());
    std::ptr::copy_nonoverlapping(src.cast::<u8>(), out.as_mut_ptr().cast::<u8>(), n);
    out.assume_init()
}

/// Check a descriptor and copy what the host needs out of it.
///
/// # Safety
/// `desc` must be null or point to readable memory of at least the first three `u32` fields,
/// and, if those say so, to `struct_size` bytes of a descriptor that lives for the rest of the
/// process (as do the function tables and strings it points to).
pub unsafe fn validate(
    desc: *const UpPluginDescriptor,
    path: Option<&Path>,
) -> Result<PluginLibrary, LoadError> {
    let bad = |reason: &str| LoadError::BadDescriptor {
        path: path.map(Path::to_path_buf).unwrap_or_default(),
        reason: reason.to_owned(),
    };
    if desc.is_null() {
        return Err(bad("the entry function returned no descriptor"));
    }
    if addr_of!((*desc).magic).read_unaligned() != MAGIC {
        return Err(bad("wrong magic number"));
    }
    let found = addr_of!((*desc).abi_version).read_unaligned();
    if found != ABI_VERSION {
        return Err(LoadError::AbiMismatch {
            path: path.map(Path::to_path_buf).unwrap_or_default(),
            found,
            expected: ABI_VERSION,
        });
    }
    let size = addr_of!((*desc).struct_size).read_unaligned() as usize;
    if size < DESCRIPTOR_V1_SIZE {
        return Err(bad(&format!("descriptor is {size} bytes, too small")));
    }
    let mut d: UpPluginDescriptor = prefix(desc, size);
    let text = |s: UpStr, what: &str| -> Result<String, LoadError> {
        s.to_str()
            .map(str::to_owned)
            .ok_or_else(|| bad(&format!("{what} is not UTF-8")))
    };
    let raw_name = text(d.name, "name")?;
    if raw_name.is_empty()
        || !raw_name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(bad(&format!(
            "plugin name {raw_name:?} must be lowercase letters, digits, '-' or '_'"
        )));
    }
    if d.flags & FLAG_THREAD_SAFE == 0 {
        return Err(bad("the plugin is not marked thread-safe"));
    }
    if d.flags & FLAG_PANIC_UNWIND == 0 {
        return Err(bad(
            "the plugin was built with panic = \"abort\": a panic would kill the host",
        ));
    }
    if d.create.is_none() || d.destroy.is_none() {
        return Err(bad("create or destroy is missing"));
    }
    let kind = match d.kind {
        KIND_STORAGE => {
            d.storage = storage_table(d.storage).map_err(&bad)?;
            d.stage = std::ptr::null();
            PluginKind::Storage
        }
        KIND_STAGE => {
            d.stage = stage_table(d.stage).map_err(&bad)?;
            d.storage = std::ptr::null();
            PluginKind::Stage
        }
        other => return Err(bad(&format!("unknown plugin kind {other}"))),
    };
    // The library's name is `[lib] name` (underscores); people read and write it with dashes.
    let name = raw_name.replace('_', "-");
    let info = PluginInfo {
        version: text(d.version, "version")?,
        description: text(d.description, "description")?,
        sdk_version: text(d.sdk_version, "sdk version")?,
        build_profile: text(d.build_profile, "build profile")?,
        kind,
        path: path.map(Path::to_path_buf),
        sha256: None,
        name,
    };
    Ok(PluginLibrary {
        host: host_for(&info.name),
        info,
        desc: Box::leak(Box::new(d)),
    })
}

unsafe fn storage_table(
    vt: *const UpStorageVTable,
) -> Result<*const UpStorageVTable, &'static str> {
    if vt.is_null() {
        return Err("no storage function table");
    }
    let size = addr_of!((*vt).struct_size).read_unaligned() as usize;
    if size < STORAGE_VTABLE_V1_SIZE {
        return Err("storage function table too small");
    }
    let t: UpStorageVTable = prefix(vt, size);
    if t.put.is_none() || t.get.is_none() || t.delete.is_none() || t.exists.is_none() {
        return Err("storage function table has empty entries");
    }
    Ok(Box::leak(Box::new(t)))
}

unsafe fn stage_table(vt: *const UpStageVTable) -> Result<*const UpStageVTable, &'static str> {
    if vt.is_null() {
        return Err("no stage function table");
    }
    let size = addr_of!((*vt).struct_size).read_unaligned() as usize;
    if size < std::mem::size_of::<UpStageVTable>() {
        return Err("stage function table too small");
    }
    let t: UpStageVTable = prefix(vt, size);
    if t.needs.is_none() || t.process.is_none() {
        return Err("stage function table has empty entries");
    }
    Ok(Box::leak(Box::new(t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_foreign_descriptors_are_refused() {
        let e = unsafe { validate(std::ptr::null(), None) }.unwrap_err();
        assert_eq!(e.code(), "bad_descriptor");
        // Zeros: not our magic.
        let junk = [0u64; 32];
        let e = unsafe { validate(junk.as_ptr().cast(), None) }.unwrap_err();
        assert!(e.to_string().contains("magic"), "{e}");
    }

    #[test]
    fn fields_past_the_plugins_size_read_as_absent() {
        let src = [0xABu8; 16];
        let got: [u8; 32] = unsafe { prefix(src.as_ptr().cast(), 16) };
        assert_eq!(&got[..16], &src);
        assert_eq!(&got[16..], &[0; 16]);
    }
}
