//! A stage plugin as a `StageFactory` / `Stage` of the host's registry.

use upstage_sdk::abi::{UpNeeds, UpStageVTable, NEEDS_ENCODED, NEEDS_RGBA8};
use upstage_sdk::plugin::PluginErrorKind;
use upstage_sdk::{
    ErrorCode, ItemContext, Needs, PixelRequest, Stage, StageConfig, StageError, StageFactory,
};

use crate::call::checked;
use crate::instance::Instance;
use crate::item::{to_rgb, to_rgba, view, Edits};
use crate::live::{Failure, Live, Reported};
use crate::{CallError, LoadError, PluginKind, PluginLibrary};

/// Registers a stage plugin under its own name.
pub struct PluginStageFactory {
    lib: PluginLibrary,
    vt: &'static UpStageVTable,
    /// Used when the pipeline gives the stage no `[stage.<name>]` table.
    default_config: String,
}

impl PluginStageFactory {
    pub fn new(lib: PluginLibrary, default_config: String) -> Result<Self, LoadError> {
        let vt = match (lib.info.kind, unsafe { lib.desc.stage.as_ref() }) {
            (PluginKind::Stage, Some(vt)) => vt,
            _ => {
                return Err(LoadError::WrongKind {
                    name: lib.info.name.clone(),
                    found: lib.info.kind.as_str(),
                    expected: "stage",
                })
            }
        };
        Ok(PluginStageFactory {
            lib,
            vt,
            default_config,
        })
    }

    /// An instance, for callers outside a registry (tests, tools).
    pub fn instance(&self, config_json: &str) -> Result<PluginStage, LoadError> {
        Ok(PluginStage {
            live: Live::create(&self.lib, config_json)?,
            vt: self.vt,
        })
    }
}

impl StageFactory for PluginStageFactory {
    fn name(&self) -> &str {
        &self.lib.info.name
    }

    fn description(&self) -> &str {
        &self.lib.info.description
    }

    fn create(&self, config: &StageConfig) -> Result<Box<dyn Stage>, StageError> {
        let json = if config.is_null() {
            self.default_config.clone()
        } else {
            config.to_string()
        };
        self.instance(&json)
            .map(|s| Box::new(s) as Box<dyn Stage>)
            .map_err(|e| StageError::new(ErrorCode::Config, e.to_string()))
    }
}

/// One configured stage plugin: the instance calls go to, replaced after a panic.
pub struct PluginStage {
    live: Live,
    vt: &'static UpStageVTable,
}

/// Why one item failed: the plugin said so, or the host refused what it returned.
enum Fail {
    Call(CallError),
    Stage(StageError),
}

impl Reported for Fail {
    fn plugin_kind(&self) -> Option<PluginErrorKind> {
        match self {
            Fail::Call(e) => Some(e.kind),
            Fail::Stage(_) => None,
        }
    }
}

impl PluginStage {
    /// Panics this stage has had (each counted once, whatever thread met it).
    pub fn panics(&self) -> u32 {
        self.live.panics()
    }

    /// Calls that met an instance another call had just poisoned, and were retried on its
    /// successor instead of failing.
    pub fn retries(&self) -> u32 {
        self.live.retries()
    }

    fn fail(&self, f: Failure<Fail>) -> StageError {
        let name = self.live.name();
        let (e, note) = match f {
            Failure::Disabled(why) => {
                return StageError::new(
                    ErrorCode::StagePanicked,
                    format!("plugin stage '{name}' is {why}"),
                )
            }
            Failure::Call {
                error: Fail::Stage(e),
                ..
            } => return e,
            Failure::Call {
                error: Fail::Call(e),
                note,
                ..
            } => (e, note),
        };
        let code = match e.kind {
            PluginErrorKind::Panicked | PluginErrorKind::Poisoned => ErrorCode::StagePanicked,
            PluginErrorKind::Config => ErrorCode::Config,
            PluginErrorKind::InvalidArgument => ErrorCode::InvalidOption,
            PluginErrorKind::Unsupported => ErrorCode::UnsupportedFormat,
            _ => ErrorCode::StageFailed,
        };
        StageError::new(
            code,
            format!("plugin stage '{name}' failed: {}{note}", e.message),
        )
    }

    fn ask_needs(
        &self,
        inst: &Instance,
        ctx: &ItemContext,
        meta_json: &str,
    ) -> Result<UpNeeds, Fail> {
        let needs = self.vt.needs.ok_or_else(|| Fail::Stage(missing("needs")))?;
        let item = view(ctx, meta_json, false, None, std::ptr::null());
        let mut out = UpNeeds::default();
        checked(|err| unsafe { needs(inst.raw(), &item, &mut out, err) }).map_err(Fail::Call)?;
        Ok(out)
    }

    fn process_with(&self, inst: &Instance, ctx: &mut ItemContext) -> Result<(), Fail> {
        let meta = meta_json(ctx);
        let n = self.ask_needs(inst, ctx, &meta)?;
        let process = self
            .vt
            .process
            .ok_or_else(|| Fail::Stage(missing("process")))?;
        let lent = if n.flags & NEEDS_RGBA8 != 0 {
            ctx.pixels.take().map(to_rgba)
        } else {
            None
        };
        let mut edits = Edits::default();
        let host = edits.host();
        let (mut raster, widened) = match lent {
            Some((r, w)) => (Some(r), w),
            None => (None, false),
        };
        // The item's raw pointers into `raster` and `ctx` must not outlive this block.
        let r = {
            let pixels = raster
                .as_mut()
                .map(|r| (r.data.as_mut_slice(), r.width, r.height));
            let mut item = view(ctx, &meta, n.flags & NEEDS_ENCODED != 0, pixels, &host);
            checked(|err| unsafe { process(inst.raw(), &mut item, err) })
        };
        if let Some(r) = raster {
            ctx.pixels = Some(if widened { to_rgb(r) } else { r });
        }
        r.map_err(Fail::Call)?;
        edits.apply(ctx, inst.name()).map_err(Fail::Stage)
    }
}

fn missing(what: &str) -> StageError {
    StageError::new(ErrorCode::StageFailed, format!("plugin has no {what}"))
}

fn meta_json(ctx: &ItemContext) -> String {
    serde_json::to_string(&ctx.meta).unwrap_or_else(|_| "{}".into())
}

impl Stage for PluginStage {
    fn name(&self) -> &str {
        self.live.name()
    }

    fn needs(&self, ctx: &ItemContext) -> Needs {
        let meta = meta_json(ctx);
        match self.live.run(|inst| self.ask_needs(inst, ctx, &meta)) {
            Ok(n) if n.flags & NEEDS_RGBA8 != 0 => Needs::Pixels(PixelRequest {
                min_width: n.min_width,
                min_height: n.min_height,
            }),
            // A failure here (a panic included) is met again and reported by `process`.
            _ => Needs::Metadata,
        }
    }

    fn process(&self, ctx: &mut ItemContext) -> Result<(), StageError> {
        self.live
            .run(|inst| self.process_with(inst, ctx))
            .map_err(|f| self.fail(f))
    }
}
