use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use upstage_sdk::{ErrorCode, UploadOptions};

use crate::{ItemError, Limits};

/// Where an upload's bytes are.
#[derive(Clone, Debug)]
pub enum Source {
    Bytes(Vec<u8>),
    Path(PathBuf),
}

/// One upload: content, the client's file name (for naming only) and the API options.
#[derive(Clone, Debug)]
pub struct Input {
    pub source: Source,
    pub client_name: String,
    pub options: UploadOptions,
}

impl Input {
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let client_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Input {
            source: Source::Path(path),
            client_name,
            options: UploadOptions::default(),
        }
    }

    pub fn from_bytes(client_name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Input {
            source: Source::Bytes(bytes),
            client_name: client_name.into(),
            options: UploadOptions::default(),
        }
    }

    /// Use `name` as the client file name (naming and default title only; never the type).
    pub fn named(mut self, name: &str) -> Self {
        self.client_name = name.to_owned();
        self
    }

    pub fn with_options(mut self, options: UploadOptions) -> Self {
        self.options = options;
        self
    }

    pub fn path(&self) -> Option<&Path> {
        match &self.source {
            Source::Path(p) => Some(p),
            Source::Bytes(_) => None,
        }
    }

    /// The bytes, when the input is held in memory.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.source {
            Source::Bytes(b) => Some(b),
            Source::Path(_) => None,
        }
    }

    /// The same input held in memory: a path is read (within the limits) once, here, so that its
    /// bytes can be hashed before a stage rewrites them.
    pub fn loaded(self, limits: &Limits) -> Result<Input, ItemError> {
        let (client_name, options) = (self.client_name.clone(), self.options.clone());
        let bytes = self.into_bytes(limits)?;
        Ok(Input {
            source: Source::Bytes(bytes),
            client_name,
            options,
        })
    }

    /// Take the bytes, refusing oversize input before reading it all.
    pub(crate) fn into_bytes(self, limits: &Limits) -> Result<Vec<u8>, ItemError> {
        match self.source {
            Source::Bytes(b) => {
                limits.check_bytes(b.len() as u64)?;
                Ok(b)
            }
            Source::Path(p) => read_bounded(&p, limits),
        }
    }
}

fn read_bounded(path: &Path, limits: &Limits) -> Result<Vec<u8>, ItemError> {
    let io = |e: std::io::Error| {
        ItemError::new(
            ErrorCode::Io,
            format!("Cannot read {}: {e}", path.display()),
        )
    };
    let file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    limits.check_bytes(len)?;
    // The file may grow between stat and read: never read more than the limit allows.
    let mut buf = Vec::with_capacity(len as usize);
    file.take(limits.max_bytes.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(io)?;
    limits.check_bytes(buf.len() as u64)?;
    Ok(buf)
}
