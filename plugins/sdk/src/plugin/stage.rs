//! The stage side: the plugin [`Stage`] trait, the [`Item`] view, and the shims behind
//! `UpStageVTable`.

use std::ffi::c_void;

use serde::de::DeserializeOwned;

use super::guard::{call, invalid};
use super::{Logger, PluginError, PluginErrorKind};
use crate::abi::{
    format_code, format_from_code, output_kind_code, status, UpBytes, UpErrorSlot, UpItem,
    UpItemHost, UpNeeds, UpStr, NEEDS_ENCODED, NEEDS_RGBA8,
};
use crate::{Format, OutputKind, PixelRequest};

/// What a stage needs for an item. The host decodes once for every stage of the pipeline, at the
/// smallest size that satisfies all of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ItemNeeds {
    /// The uploaded (encoded) bytes.
    pub encoded: bool,
    /// Decoded upright RGBA8 pixels at least this large.
    pub rgba8: Option<PixelRequest>,
}

impl ItemNeeds {
    /// Metadata only: no bytes, no decode.
    pub const METADATA: ItemNeeds = ItemNeeds {
        encoded: false,
        rgba8: None,
    };
    pub const ENCODED: ItemNeeds = ItemNeeds {
        encoded: true,
        rgba8: None,
    };

    pub fn rgba8(request: PixelRequest) -> ItemNeeds {
        ItemNeeds {
            encoded: false,
            rgba8: Some(request),
        }
    }
}

/// A stage. One instance serves every thread: methods take `&self`.
pub trait Stage: Send + Sync + Sized + 'static {
    /// The configuration: usually your own `#[derive(Deserialize)]` struct (`()` for none). It is
    /// read from the stage's `[stage.<name>]` table, or from `[plugins.<name>.config]` when there
    /// is no such table; see [`parse_config`](super::parse_config) for what an empty one means.
    type Config: DeserializeOwned;
    /// Build an instance. `log` writes to the host's log under the plugin's name.
    fn new(config: Self::Config, log: Logger) -> Result<Self, PluginError>;
    /// Asked per item before any decode (no pixels or bytes yet).
    fn needs(&self, item: &Item<'_>) -> ItemNeeds;
    /// Do the work. An error fails this item only.
    fn process(&self, item: &mut Item<'_>) -> Result<(), PluginError>;
}

/// Upright RGBA8 pixels, rows tightly packed, edited in place.
pub struct RgbaPixels<'a> {
    pub width: u32,
    pub height: u32,
    pub data: &'a mut [u8],
}

/// A derived file an earlier stage produced.
#[derive(Clone, Copy, Debug)]
pub struct OutputRef<'a> {
    pub format: Option<Format>,
    pub width: u32,
    pub height: u32,
    pub bytes: &'a [u8],
}

/// One item during a stage call.
pub struct Item<'a> {
    raw: &'a UpItem,
    pixels: Option<&'a mut [u8]>,
}

impl<'a> Item<'a> {
    /// The sniffed format (`None` only for a format newer than this SDK).
    pub fn format(&self) -> Option<Format> {
        format_from_code(self.raw.format)
    }

    /// Dimensions as stored in the file (before EXIF orientation).
    pub fn stored_size(&self) -> (u32, u32) {
        (self.raw.stored_width, self.raw.stored_height)
    }

    pub fn orientation(&self) -> u32 {
        self.raw.orientation
    }

    pub fn frames(&self) -> u32 {
        self.raw.frames
    }

    pub fn is_animated(&self) -> bool {
        self.raw.is_animated != 0
    }

    pub fn client_name(&self) -> &str {
        // SAFETY: borrowed for the call; the host only passes UTF-8.
        unsafe { self.raw.client_name.to_str() }.unwrap_or("")
    }

    /// The item's metadata as a JSON object.
    pub fn metadata_json(&self) -> &str {
        unsafe { self.raw.meta_json.to_str() }.unwrap_or("{}")
    }

    /// The uploaded bytes (empty unless the stage asked for `encoded`).
    pub fn original(&self) -> &[u8] {
        unsafe { self.raw.original.as_slice() }
    }

    /// The working pixels (only when the stage asked for `rgba8`).
    pub fn pixels(&mut self) -> Option<RgbaPixels<'_>> {
        let (width, height) = (self.raw.width, self.raw.height);
        self.pixels.as_deref_mut().map(|data| RgbaPixels {
            width,
            height,
            data,
        })
    }

    pub fn output(&self, kind: OutputKind) -> Option<OutputRef<'_>> {
        let v = self.raw.outputs.get(output_kind_code(kind) as usize)?;
        (v.present != 0).then(|| OutputRef {
            format: format_from_code(v.format),
            width: v.width,
            height: v.height,
            bytes: unsafe { v.bytes.as_slice() },
        })
    }

    fn host(&self) -> Result<&UpItemHost, PluginError> {
        unsafe { self.raw.host.as_ref() }.ok_or_else(|| invalid("this call cannot change the item"))
    }

    /// Replace the stored original bytes.
    pub fn set_original(&mut self, bytes: &[u8]) -> Result<(), PluginError> {
        let h = self.host()?;
        checked(unsafe { (h.set_original)(h.ctx, UpBytes::new(bytes)) })
    }

    /// Set `title`, `description`, `camera_make` or `camera_model`.
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), PluginError> {
        let h = self.host()?;
        checked(unsafe { (h.set_meta)(h.ctx, UpStr::new(key), UpStr::new(value)) })
    }

    /// Set a derived file (already encoded).
    pub fn set_output(
        &mut self,
        kind: OutputKind,
        format: Format,
        width: u32,
        height: u32,
        bytes: &[u8],
    ) -> Result<(), PluginError> {
        let h = self.host()?;
        checked(unsafe {
            (h.set_output)(
                h.ctx,
                output_kind_code(kind),
                format_code(format),
                width,
                height,
                UpBytes::new(bytes),
            )
        })
    }

    /// Have the host encode the edited pixels as the stored main file after this call.
    pub fn main_from_pixels(&mut self) -> Result<(), PluginError> {
        let h = self.host()?;
        checked(unsafe { (h.main_from_pixels)(h.ctx) })
    }
}

fn checked(code: i32) -> Result<(), PluginError> {
    match code {
        status::OK => Ok(()),
        c => Err(PluginError::new(
            PluginErrorKind::from_code(c),
            format!("the host refused the change (status {c})"),
        )),
    }
}

unsafe extern "C" fn needs<T: Stage>(
    inst: *mut c_void,
    item: *const UpItem,
    out: *mut UpNeeds,
    err: *const UpErrorSlot,
) -> i32 {
    call::<T>(inst, err, |s| {
        let raw = item.as_ref().ok_or_else(|| invalid("null item"))?;
        let out = out.as_mut().ok_or_else(|| invalid("null output pointer"))?;
        let view = Item { raw, pixels: None };
        let n = s.needs(&view);
        let mut flags = 0;
        if n.encoded {
            flags |= NEEDS_ENCODED;
        }
        let req = n.rgba8.unwrap_or(PixelRequest {
            min_width: 0,
            min_height: 0,
        });
        if n.rgba8.is_some() {
            flags |= NEEDS_RGBA8;
        }
        *out = UpNeeds {
            flags,
            min_width: req.min_width,
            min_height: req.min_height,
        };
        Ok(())
    })
}

unsafe extern "C" fn process<T: Stage>(
    inst: *mut c_void,
    item: *mut UpItem,
    err: *const UpErrorSlot,
) -> i32 {
    call::<T>(inst, err, |s| {
        let raw = item.as_ref().ok_or_else(|| invalid("null item"))?;
        let expected = (raw.width as usize)
            .checked_mul(raw.height as usize)
            .and_then(|n| n.checked_mul(4));
        let pixels = if raw.pixels.is_null() {
            None
        } else if expected != Some(raw.pixels_len) {
            return Err(invalid("pixel buffer does not match the dimensions"));
        } else {
            // SAFETY: the host lends this buffer exclusively for the call.
            Some(std::slice::from_raw_parts_mut(raw.pixels, raw.pixels_len))
        };
        s.process(&mut Item { raw, pixels })
    })
}

/// The function table of a stage plugin of type `T` (used by `export_stage_plugin!`).
pub const fn stage_vtable<T: Stage>() -> crate::abi::UpStageVTable {
    crate::abi::UpStageVTable {
        struct_size: std::mem::size_of::<crate::abi::UpStageVTable>() as u32,
        needs: Some(needs::<T>),
        process: Some(process::<T>),
    }
}
