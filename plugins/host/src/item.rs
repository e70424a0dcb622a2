//! Lending an `ItemContext` to a plugin stage and applying the changes it asks for.

use std::ffi::c_void;

use upstage_sdk::abi::{
    format_code, format_from_code, status, UpBytes, UpItem, UpItemHost, UpOutputView, UpStr,
    OUTPUT_KINDS,
};
use upstage_sdk::{ErrorCode, ItemContext, Output, PixelLayout, Raster, StageError};

/// Changes requested through `UpItemHost` during one call; applied only if the call succeeds.
#[derive(Default)]
pub(crate) struct Edits {
    original: Option<Vec<u8>>,
    meta: Vec<(String, String)>,
    outputs: Vec<(usize, Output)>,
    main_from_pixels: bool,
    refused: Option<String>,
}

unsafe fn edits<'a>(ctx: *mut c_void) -> Option<&'a mut Edits> {
    (ctx as *mut Edits).as_mut()
}

unsafe extern "C" fn set_original(ctx: *mut c_void, bytes: UpBytes) -> i32 {
    let Some(e) = edits(ctx) else {
        return status::INVALID_ARGUMENT;
    };
    e.original = Some(bytes.as_slice().to_vec());
    status::OK
}

unsafe extern "C" fn set_meta(ctx: *mut c_void, key: UpStr, value: UpStr) -> i32 {
    let (Some(e), Some(k), Some(v)) = (edits(ctx), key.to_str(), value.to_str()) else {
        return status::INVALID_ARGUMENT;
    };
    if !matches!(k, "title" | "description" | "camera_make" | "camera_model") {
        e.refused = Some(format!("unknown metadata field {k:?}"));
        return status::INVALID_ARGUMENT;
    }
    e.meta.push((k.to_owned(), v.to_owned()));
    status::OK
}

unsafe extern "C" fn set_output(
    ctx: *mut c_void,
    kind: u32,
    format: u32,
    width: u32,
    height: u32,
    bytes: UpBytes,
) -> i32 {
    let Some(e) = edits(ctx) else {
        return status::INVALID_ARGUMENT;
    };
    let (Some(_), Some(format)) = (OUTPUT_KINDS.get(kind as usize), format_from_code(format))
    else {
        e.refused = Some(format!("unknown output kind {kind} or format {format}"));
        return status::INVALID_ARGUMENT;
    };
    e.outputs.push((
        kind as usize,
        Output {
            bytes: bytes.as_slice().to_vec(),
            format,
            width,
            height,
        },
    ));
    status::OK
}

unsafe extern "C" fn main_from_pixels(ctx: *mut c_void) -> i32 {
    match edits(ctx) {
        Some(e) => {
            e.main_from_pixels = true;
            status::OK
        }
        None => status::INVALID_ARGUMENT,
    }
}

impl Edits {
    pub(crate) fn host(&mut self) -> UpItemHost {
        UpItemHost {
            ctx: (self as *mut Edits).cast(),
            set_original,
            set_meta,
            set_output,
            main_from_pixels,
        }
    }

    /// Apply the changes to the item. `stage` names the stage in errors.
    pub(crate) fn apply(self, ctx: &mut ItemContext, stage: &str) -> Result<(), StageError> {
        let failed = |m: String| StageError::new(ErrorCode::StageFailed, format!("{stage}: {m}"));
        if let Some(why) = self.refused {
            return Err(failed(why));
        }
        if let Some(o) = self.original {
            ctx.original = o;
            ctx.meta.original_rewritten = true;
        }
        for (k, v) in self.meta {
            let slot = match k.as_str() {
                "title" => &mut ctx.meta.title,
                "description" => &mut ctx.meta.description,
                "camera_make" => &mut ctx.meta.camera_make,
                _ => &mut ctx.meta.camera_model,
            };
            *slot = Some(v);
        }
        for (k, o) in self.outputs {
            ctx.outputs.set(OUTPUT_KINDS[k], o);
        }
        if self.main_from_pixels {
            let px = ctx
                .pixels
                .as_ref()
                .ok_or_else(|| failed("main_from_pixels without pixels".into()))?;
            if ctx.meta.is_animated {
                return Err(failed(
                    "main_from_pixels would drop the animation of an animated image".into(),
                ));
            }
            let upright = ctx.meta.upright_size();
            if (px.width, px.height) != upright {
                return Err(failed(format!(
                    "main_from_pixels needs the full-size raster ({}x{}), got {}x{}: ask for \
                     min_width = u32::MAX",
                    upright.0, upright.1, px.width, px.height
                )));
            }
            let format = ctx.format.derived();
            let opts =
                upstage_imaging::EncodeOptions::default().for_source(ctx.format, &ctx.original);
            let bytes = upstage_imaging::encode(px, format, opts)?;
            ctx.outputs.main = Some(Output {
                bytes,
                format,
                width: px.width,
                height: px.height,
            });
        }
        Ok(())
    }
}

/// The item as the ABI describes it, borrowing from `ctx` (and `pixels` when lent).
pub(crate) fn view(
    ctx: &ItemContext,
    meta_json: &str,
    original: bool,
    pixels: Option<(&mut [u8], u32, u32)>,
    host: *const UpItemHost,
) -> UpItem {
    let outputs = OUTPUT_KINDS.map(|k| match ctx.outputs.get(k) {
        Some(o) => UpOutputView {
            present: 1,
            format: format_code(o.format),
            width: o.width,
            height: o.height,
            bytes: UpBytes::new(&o.bytes),
        },
        None => UpOutputView {
            present: 0,
            format: 0,
            width: 0,
            height: 0,
            bytes: UpBytes::EMPTY,
        },
    });
    let (px, len, w, h) = match pixels {
        Some((data, w, h)) => (data.as_mut_ptr(), data.len(), w, h),
        None => (std::ptr::null_mut(), 0, 0, 0),
    };
    UpItem {
        struct_size: std::mem::size_of::<UpItem>() as u32,
        format: format_code(ctx.format),
        stored_width: ctx.meta.stored_width,
        stored_height: ctx.meta.stored_height,
        orientation: u32::from(ctx.meta.orientation),
        frames: ctx.meta.frames,
        is_animated: u32::from(ctx.meta.is_animated),
        client_name: UpStr::new(&ctx.client_name),
        meta_json: UpStr::new(meta_json),
        original: if original {
            UpBytes::new(&ctx.original)
        } else {
            UpBytes::EMPTY
        },
        pixels: px,
        pixels_len: len,
        width: w,
        height: h,
        outputs,
        host,
    }
}

/// The working raster as RGBA8 for a plugin; RGB rasters are widened (and narrowed back after).
pub(crate) fn to_rgba(r: Raster) -> (Raster, bool) {
    match r.layout {
        PixelLayout::Rgba8 => (r, false),
        PixelLayout::Rgb8 => {
            let mut data = Vec::with_capacity(r.data.len() / 3 * 4);
            for p in r.data.chunks_exact(3) {
                data.extend_from_slice(&[p[0], p[1], p[2], 255]);
            }
            let wide = Raster {
                width: r.width,
                height: r.height,
                layout: PixelLayout::Rgba8,
                data,
            };
            (wide, true)
        }
    }
}

/// Back to RGB8 for a source without alpha (the plugin's alpha, if any, is dropped).
pub(crate) fn to_rgb(r: Raster) -> Raster {
    let data = r
        .data
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    Raster {
        width: r.width,
        height: r.height,
        layout: PixelLayout::Rgb8,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use upstage_sdk::{Format, UploadOptions};

    #[test]
    fn a_replaced_original_is_marked_rewritten() {
        let ctx = || {
            ItemContext::new(
                "a.jpg".into(),
                Format::Jpeg,
                UploadOptions::default(),
                b"sent".to_vec(),
            )
        };
        let mut untouched = ctx();
        Edits::default()
            .apply(&mut untouched, "s")
            .expect("applies");
        assert!(!untouched.meta.original_rewritten);
        let mut replaced = ctx();
        let edits = Edits {
            original: Some(b"other".to_vec()),
            ..Edits::default()
        };
        edits.apply(&mut replaced, "s").expect("applies");
        assert_eq!(replaced.original, b"other");
        assert!(replaced.meta.original_rewritten);
    }
}
