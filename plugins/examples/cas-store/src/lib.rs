//! A content-addressed directory store, as an Upstage storage plugin.
//!
//! Blobs live at `<root>/objects/ab/cd/<sha256>` (two fan-out levels keep directories small) and
//! are written once: storing the same bytes twice keeps one copy. Keys are references:
//! `<root>/refs/<key>` holds `sha256:<hex>`. Every file appears atomically (temp file, then
//! rename or hard link), so readers never see half an object.
//!
//! Configuration (`[plugins.cas-store.config]`): `root` (required), `public_base_url` (optional:
//! objects are then reported as served from `<public_base_url>/ab/cd/<sha256>`).

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Deserialize;
use sha2::{Digest, Sha256};
use upstage_sdk::plugin::{
    Body, Logger, PluginError, PluginErrorKind, PutMode, PutResult, StorageBackend,
};

/// `[plugins.cas-store.config]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    root: PathBuf,
    #[serde(default)]
    public_base_url: Option<String>,
}

pub struct CasStore {
    root: PathBuf,
    public_base_url: Option<String>,
    counter: AtomicU64,
}

/// Where the blob of a digest lives, relative to the root.
pub fn object_path(hex: &str) -> PathBuf {
    let (a, b) = (&hex[..2], &hex[2..4]);
    Path::new("objects").join(a).join(b).join(hex)
}

fn check_key(key: &str) -> Result<(), PluginError> {
    let bad = key.is_empty()
        || key.contains(['\\', '\0'])
        || key
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..");
    if bad {
        return Err(PluginError::new(
            PluginErrorKind::InvalidArgument,
            format!("invalid key {key:?}"),
        ));
    }
    Ok(())
}

impl CasStore {
    fn temp(&self) -> Result<(PathBuf, File), PluginError> {
        let dir = self.root.join("tmp");
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".tmp-{}-{n}", std::process::id()));
        let file = File::create(&path).map_err(PluginError::io)?;
        Ok((path, file))
    }

    fn digest_of(&self, key: &str) -> Result<String, PluginError> {
        check_key(key)?;
        let text = fs::read_to_string(self.root.join("refs").join(key)).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                PluginError::not_found(format!("no object under {key:?}"))
            } else {
                PluginError::io(e)
            }
        })?;
        text.strip_prefix("sha256:")
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(str::to_owned)
            .ok_or_else(|| {
                PluginError::new(PluginErrorKind::Backend, format!("corrupt ref for {key:?}"))
            })
    }

    fn open_blob(&self, key: &str) -> Result<File, PluginError> {
        let hex = self.digest_of(key)?;
        File::open(self.root.join(object_path(&hex))).map_err(PluginError::io)
    }

    /// Stream the body to a temp file while hashing it, then move it to its content address.
    fn write_blob(&self, body: &mut Body<'_>) -> Result<String, PluginError> {
        let (tmp, mut file) = self.temp()?;
        let mut hasher = Sha256::new();
        let result = (|| {
            while let Some(chunk) = body.next_chunk().map_err(PluginError::io)? {
                hasher.update(chunk);
                file.write_all(chunk).map_err(PluginError::io)?;
            }
            file.sync_all().map_err(PluginError::io)
        })();
        if let Err(e) = result {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        let hex = hex::encode(hasher.finalize());
        let dest = self.root.join(object_path(&hex));
        if dest.exists() {
            let _ = fs::remove_file(&tmp);
        } else {
            if let Some(parent) = dest.parent() {
                fs::create_dir_all(parent).map_err(PluginError::io)?;
            }
            fs::rename(&tmp, &dest).map_err(PluginError::io)?;
        }
        Ok(hex)
    }

    fn write_ref(&self, key: &str, hex: &str, mode: PutMode) -> Result<(), PluginError> {
        let dest = self.root.join("refs").join(key);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(PluginError::io)?;
        }
        let (tmp, mut file) = self.temp()?;
        let written = file
            .write_all(format!("sha256:{hex}").as_bytes())
            .and_then(|_| file.sync_all());
        let placed = written.and_then(|_| match mode {
            // A hard link fails if the name is taken: claiming a key is atomic.
            PutMode::CreateNew => fs::hard_link(&tmp, &dest),
            PutMode::Overwrite => fs::rename(&tmp, &dest),
        });
        let _ = fs::remove_file(&tmp);
        placed.map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                PluginError::new(
                    PluginErrorKind::AlreadyExists,
                    format!("{key:?} already exists"),
                )
            } else {
                PluginError::io(e)
            }
        })
    }
}

impl StorageBackend for CasStore {
    type Config = Config;

    fn new(cfg: Config, log: Logger) -> Result<Self, PluginError> {
        for sub in ["objects", "refs", "tmp"] {
            fs::create_dir_all(cfg.root.join(sub)).map_err(|e| {
                PluginError::config(format!(
                    "root: cannot create {}: {e}",
                    cfg.root.join(sub).display()
                ))
            })?;
        }
        log.info(format_args!("storing under {}", cfg.root.display()));
        Ok(CasStore {
            root: cfg.root,
            public_base_url: cfg
                .public_base_url
                .map(|u| u.trim_end_matches('/').to_owned()),
            counter: AtomicU64::new(0),
        })
    }

    fn put(
        &self,
        key: &str,
        _content_type: &str,
        body: &mut Body<'_>,
        mode: PutMode,
    ) -> Result<PutResult, PluginError> {
        check_key(key)?;
        if mode == PutMode::CreateNew && self.root.join("refs").join(key).exists() {
            return Err(PluginError::new(
                PluginErrorKind::AlreadyExists,
                format!("{key:?} already exists"),
            ));
        }
        let hex = self.write_blob(body)?;
        self.write_ref(key, &hex, mode)?;
        let public_url = self.public_base_url.as_ref().map(|base| {
            format!(
                "{base}/{}",
                object_path(&hex)
                    .strip_prefix("objects")
                    .unwrap_or(Path::new(&hex))
                    .display()
            )
        });
        Ok(PutResult {
            id: format!("sha256:{hex}"),
            public_url,
        })
    }

    fn get(&self, key: &str, out: &mut dyn Write) -> Result<(), PluginError> {
        self.get_range(key, 0, u64::MAX, out)
    }

    /// Blobs are plain files: seek to the range instead of reading what comes before it.
    fn get_range(
        &self,
        key: &str,
        offset: u64,
        len: u64,
        out: &mut dyn Write,
    ) -> Result<(), PluginError> {
        let mut f = self.open_blob(key)?;
        f.seek(SeekFrom::Start(offset)).map_err(PluginError::io)?;
        io::copy(&mut f.take(len), out).map_err(PluginError::io)?;
        Ok(())
    }

    fn size(&self, key: &str) -> Result<u64, PluginError> {
        let f = self.open_blob(key)?;
        Ok(f.metadata().map_err(PluginError::io)?.len())
    }

    /// Removes the reference; the blob stays (other keys may share it).
    fn delete(&self, key: &str) -> Result<(), PluginError> {
        self.digest_of(key)?;
        fs::remove_file(self.root.join("refs").join(key)).map_err(PluginError::io)
    }

    fn exists(&self, key: &str) -> Result<bool, PluginError> {
        check_key(key)?;
        Ok(self.root.join("refs").join(key).is_file())
    }
}

upstage_sdk::export_storage_plugin!(
    CasStore,
    description = "Content-addressed directory store (sha256 fan-out, deduplicated)"
);
