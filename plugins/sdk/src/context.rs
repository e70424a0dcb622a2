use std::time::Duration;

use serde::Serialize;

use crate::{Format, Metadata, Raster, UploadOptions};

/// The files an item produces. The names are the reference's chain members.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputKind {
    Main,
    Thumb,
    Medium,
    Frame,
}

impl OutputKind {
    /// The infix of the chain file name (`name.th.jpeg`); `None` for the main file.
    pub fn infix(self) -> Option<&'static str> {
        match self {
            OutputKind::Main => None,
            OutputKind::Thumb => Some("th"),
            OutputKind::Medium => Some("md"),
            OutputKind::Frame => Some("fr"),
        }
    }
}

/// One encoded derived file.
#[derive(Clone, Debug)]
pub struct Output {
    pub bytes: Vec<u8>,
    pub format: Format,
    pub width: u32,
    pub height: u32,
}

/// Derived outputs of an item. `main == None` means the uploaded bytes are stored as they are.
#[derive(Clone, Debug, Default)]
pub struct Outputs {
    pub main: Option<Output>,
    pub thumb: Option<Output>,
    pub medium: Option<Output>,
    pub frame: Option<Output>,
}

impl Outputs {
    pub fn get(&self, kind: OutputKind) -> Option<&Output> {
        match kind {
            OutputKind::Main => self.main.as_ref(),
            OutputKind::Thumb => self.thumb.as_ref(),
            OutputKind::Medium => self.medium.as_ref(),
            OutputKind::Frame => self.frame.as_ref(),
        }
    }

    pub fn set(&mut self, kind: OutputKind, output: Output) {
        let slot = match kind {
            OutputKind::Main => &mut self.main,
            OutputKind::Thumb => &mut self.thumb,
            OutputKind::Medium => &mut self.medium,
            OutputKind::Frame => &mut self.frame,
        };
        *slot = Some(output);
    }
}

/// How long one stage took on one item.
#[derive(Clone, Debug, Serialize)]
pub struct StageTiming {
    pub stage: String,
    #[serde(serialize_with = "as_micros")]
    pub elapsed: Duration,
}

fn as_micros<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// Everything the pipeline knows about one item while it runs. Stages read and write it in order.
#[derive(Debug)]
pub struct ItemContext {
    /// The name the client gave the file (only used for naming, never for the type).
    pub client_name: String,
    /// The sniffed format.
    pub format: Format,
    pub options: UploadOptions,
    /// The uploaded bytes. Stages that rewrite metadata (GPS removal) replace them in place.
    pub original: Vec<u8>,
    pub meta: Metadata,
    /// The decoded, upright working raster, present once a stage that needs pixels is reached.
    pub pixels: Option<Raster>,
    pub outputs: Outputs,
    pub timings: Vec<StageTiming>,
}

impl ItemContext {
    pub fn new(
        client_name: String,
        format: Format,
        options: UploadOptions,
        original: Vec<u8>,
    ) -> Self {
        ItemContext {
            client_name,
            format,
            options,
            original,
            meta: Metadata {
                orientation: 1,
                frames: 1,
                ..Metadata::default()
            },
            pixels: None,
            outputs: Outputs::default(),
            timings: Vec::new(),
        }
    }

    /// Dimensions of the stored main file, upright: what the API reports as `width`/`height`.
    pub fn main_size(&self) -> (u32, u32) {
        match &self.outputs.main {
            Some(o) => (o.width, o.height),
            None => self.meta.upright_size(),
        }
    }

    /// The format the main file is stored in.
    pub fn main_format(&self) -> Format {
        self.outputs.main.as_ref().map_or(self.format, |o| o.format)
    }
}
