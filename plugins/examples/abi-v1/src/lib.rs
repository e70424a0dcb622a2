//! A plugin as the first release of ABI 1 built them: its descriptor and storage function table
//! are frozen copies of that layout (no build profile, no `create_with_host`, no ranged read, no
//! size). Hosts must keep loading it as the structs grow at their end. It is a tiny in-memory
//! store written directly against the C ABI, without the SDK's macros (they make the new layout).

use std::collections::BTreeMap;
use std::ffi::c_void;
use std::sync::Mutex;

use upstage_sdk::abi::{
    put_mode, status, CreateFn, DestroyFn, UpByteSink, UpBytes, UpChunkSource, UpErrorSlot, UpStr,
    DESCRIPTOR_V1_SIZE, FLAG_PANIC_UNWIND, FLAG_THREAD_SAFE, KIND_STORAGE, MAGIC,
    STORAGE_VTABLE_V1_SIZE,
};

/// The descriptor exactly as ABI 1 first shipped it.
#[repr(C)]
pub struct DescriptorV1 {
    pub magic: u32,
    pub abi_version: u32,
    pub struct_size: u32,
    pub kind: u32,
    pub flags: u64,
    pub name: UpStr,
    pub version: UpStr,
    pub description: UpStr,
    pub sdk_version: UpStr,
    pub create: Option<CreateFn>,
    pub destroy: Option<DestroyFn>,
    pub storage: *const StorageVTableV1,
    pub stage: *const c_void,
}

unsafe impl Sync for DescriptorV1 {}

type Put = unsafe extern "C" fn(
    *mut c_void,
    UpStr,
    UpStr,
    *const UpChunkSource,
    u32,
    *const UpByteSink,
    *const UpByteSink,
    *const UpErrorSlot,
) -> i32;
type Get = unsafe extern "C" fn(*mut c_void, UpStr, *const UpByteSink, *const UpErrorSlot) -> i32;
type Delete = unsafe extern "C" fn(*mut c_void, UpStr, *const UpErrorSlot) -> i32;
type Exists = unsafe extern "C" fn(*mut c_void, UpStr, *mut u8, *const UpErrorSlot) -> i32;

/// The storage function table exactly as ABI 1 first shipped it.
#[repr(C)]
pub struct StorageVTableV1 {
    pub struct_size: u32,
    pub put: Option<Put>,
    pub get: Option<Get>,
    pub delete: Option<Delete>,
    pub exists: Option<Exists>,
}

// The SDK's idea of the first layout must be this one, or the frozen copy proves nothing.
const _: () = assert!(std::mem::size_of::<DescriptorV1>() == DESCRIPTOR_V1_SIZE);
const _: () = assert!(std::mem::size_of::<StorageVTableV1>() == STORAGE_VTABLE_V1_SIZE);

type Objects = Mutex<BTreeMap<String, Vec<u8>>>;

unsafe fn fail(err: *const UpErrorSlot, code: i32, message: &str) -> i32 {
    if let Some(slot) = err.as_ref() {
        (slot.set)(slot.ctx, code, UpStr::new(message));
    }
    code
}

unsafe fn objects<'a>(inst: *mut c_void) -> std::sync::MutexGuard<'a, BTreeMap<String, Vec<u8>>> {
    let m = &*(inst as *const Objects);
    m.lock().unwrap_or_else(|p| p.into_inner())
}

unsafe extern "C" fn create(_config: UpStr, out: *mut *mut c_void, err: *const UpErrorSlot) -> i32 {
    if out.is_null() {
        return fail(err, status::INVALID_ARGUMENT, "null output pointer");
    }
    *out = Box::into_raw(Box::new(Objects::default())).cast();
    status::OK
}

unsafe extern "C" fn destroy(inst: *mut c_void) {
    if !inst.is_null() {
        drop(Box::from_raw(inst as *mut Objects));
    }
}

#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn put(
    inst: *mut c_void,
    key: UpStr,
    _content_type: UpStr,
    body: *const UpChunkSource,
    mode: u32,
    id_out: *const UpByteSink,
    _url_out: *const UpByteSink,
    err: *const UpErrorSlot,
) -> i32 {
    let (Some(key), Some(body), Some(id_out)) = (key.to_str(), body.as_ref(), id_out.as_ref())
    else {
        return fail(err, status::INVALID_ARGUMENT, "bad arguments");
    };
    let mut bytes = Vec::new();
    loop {
        let mut chunk = UpBytes::EMPTY;
        if (body.next)(body.ctx, &mut chunk) != status::OK {
            return fail(err, status::IO, "the body could not be read");
        }
        if chunk.len == 0 {
            break;
        }
        bytes.extend_from_slice(chunk.as_slice());
    }
    let mut map = objects(inst);
    if mode == put_mode::CREATE_NEW && map.contains_key(key) {
        return fail(err, status::ALREADY_EXISTS, "taken");
    }
    let id = format!("mem:{}", bytes.len());
    map.insert(key.to_owned(), bytes);
    (id_out.write)(id_out.ctx, UpBytes::new(id.as_bytes()))
}

unsafe extern "C" fn get(
    inst: *mut c_void,
    key: UpStr,
    out: *const UpByteSink,
    err: *const UpErrorSlot,
) -> i32 {
    let (Some(key), Some(out)) = (key.to_str(), out.as_ref()) else {
        return fail(err, status::INVALID_ARGUMENT, "bad arguments");
    };
    match objects(inst).get(key) {
        Some(b) => (out.write)(out.ctx, UpBytes::new(b)),
        None => fail(err, status::NOT_FOUND, "no such object"),
    }
}

unsafe extern "C" fn delete(inst: *mut c_void, key: UpStr, err: *const UpErrorSlot) -> i32 {
    let Some(key) = key.to_str() else {
        return fail(err, status::INVALID_ARGUMENT, "bad key");
    };
    match objects(inst).remove(key) {
        Some(_) => status::OK,
        None => fail(err, status::NOT_FOUND, "no such object"),
    }
}

unsafe extern "C" fn exists(
    inst: *mut c_void,
    key: UpStr,
    out: *mut u8,
    err: *const UpErrorSlot,
) -> i32 {
    let (Some(key), false) = (key.to_str(), out.is_null()) else {
        return fail(err, status::INVALID_ARGUMENT, "bad arguments");
    };
    *out = u8::from(objects(inst).contains_key(key));
    status::OK
}

static VTABLE: StorageVTableV1 = StorageVTableV1 {
    struct_size: std::mem::size_of::<StorageVTableV1>() as u32,
    put: Some(put),
    get: Some(get),
    delete: Some(delete),
    exists: Some(exists),
};

static DESCRIPTOR: DescriptorV1 = DescriptorV1 {
    magic: MAGIC,
    // Literally 1: this is what the first release wrote, whatever the SDK says today.
    abi_version: 1,
    struct_size: std::mem::size_of::<DescriptorV1>() as u32,
    kind: KIND_STORAGE,
    flags: FLAG_THREAD_SAFE | FLAG_PANIC_UNWIND,
    name: UpStr::from_static("abi-v1"),
    version: UpStr::from_static("1.0.0"),
    description: UpStr::from_static("In-memory store with the first ABI 1 layout"),
    sdk_version: UpStr::from_static("0.1.0"),
    create: Some(create),
    destroy: Some(destroy),
    storage: &VTABLE,
    stage: std::ptr::null(),
};

#[unsafe(no_mangle)]
pub extern "C" fn upstage_plugin_abi_v1_entry_v1(_host_abi: u32) -> *const DescriptorV1 {
    &DESCRIPTOR
}

/// The descriptor, for linking statically (`upstage_plugin_host::validate` takes a pointer: a
/// reference of the host's larger type to this smaller static would not be sound).
pub fn descriptor_ptr() -> *const DescriptorV1 {
    &DESCRIPTOR
}
