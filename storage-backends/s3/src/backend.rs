//! [`S3Storage`]: the `Storage` trait on an OpenDAL S3 operator.

use std::time::Duration;

use opendal::layers::{RetryLayer, TimeoutLayer};
use opendal::services::S3;
use opendal::Operator;
use upstage_storage::{
    validate_key, ListedObject, ObjectMeta, PutMode, Storage, StorageError, StorageErrorKind,
    Stored,
};

use crate::bridge::Bridge;
use crate::config::{env, S3Config};
use crate::errors;

/// S3's smallest multipart part; OpenDAL rejects smaller chunks.
const MIN_CHUNK: usize = 5 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    pub size: u64,
    pub content_type: Option<String>,
}

pub struct S3Storage {
    op: Operator,
    bridge: Bridge,
    chunk: usize,
    check_before_put: bool,
    public_base: Option<String>,
    label: String,
}

fn config_error(message: String) -> StorageError {
    StorageError::new(StorageErrorKind::Backend, message)
}

impl S3Storage {
    /// Build the client. Nothing is contacted yet; a wrong endpoint shows on the first call.
    pub fn new(cfg: &S3Config) -> Result<Self, StorageError> {
        if cfg.bucket.is_empty() {
            return Err(config_error("storage.s3.bucket is not set".into()));
        }
        let region = cfg
            .region
            .clone()
            .or_else(|| env("AWS_REGION"))
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".into());
        let root = format!("/{}", cfg.prefix.trim_matches('/'));
        let mut b = S3::default()
            .bucket(&cfg.bucket)
            .region(&region)
            .root(&root);
        let endpoint = cfg.endpoint.clone().or_else(|| env("AWS_ENDPOINT_URL"));
        if let Some(ep) = &endpoint {
            b = b.endpoint(ep);
        }
        if cfg.virtual_host_style {
            b = b.enable_virtual_host_style();
        }
        let key_id = cfg
            .access_key_id
            .clone()
            .or_else(|| env("AWS_ACCESS_KEY_ID"));
        let secret = cfg
            .secret_access_key
            .as_ref()
            .map(|s| s.expose().to_owned())
            .or_else(|| env("AWS_SECRET_ACCESS_KEY"));
        if let (Some(id), Some(secret)) = (&key_id, &secret) {
            // Explicit keys: skip the credential chain, whose instance-metadata probe stalls
            // for seconds off EC2.
            b = b
                .access_key_id(id)
                .secret_access_key(secret)
                .disable_config_load()
                .disable_ec2_metadata();
            let token = cfg
                .session_token
                .as_ref()
                .map(|s| s.expose().to_owned())
                .or_else(|| env("AWS_SESSION_TOKEN"));
            if let Some(t) = token {
                b = b.session_token(&t);
            }
        }
        let op = Operator::new(b)
            .map_err(|e| config_error(format!("s3 configuration: {e}")))?
            .layer(TimeoutLayer::new())
            .layer(
                RetryLayer::new()
                    .with_max_times(cfg.retries)
                    .with_min_delay(Duration::from_millis(cfg.retry_min_ms.max(1)))
                    .with_jitter(),
            )
            .finish();
        Ok(S3Storage {
            op,
            bridge: Bridge::new(cfg.io_threads)?,
            chunk: cfg.chunk_bytes.max(MIN_CHUNK),
            check_before_put: cfg.check_before_put,
            public_base: cfg
                .public_url
                .as_ref()
                .map(|u| u.trim_end_matches('/').to_owned()),
            label: format!(
                "s3 {}/{}{}",
                endpoint.as_deref().unwrap_or("aws"),
                cfg.bucket,
                root.trim_end_matches('/')
            ),
        })
    }

    /// Where this backend points, for messages (`s3 <endpoint>/<bucket>/<prefix>`).
    pub fn describe(&self) -> &str {
        &self.label
    }

    /// Every key under `prefix` (`""` = all), for migrations, audits and tests.
    pub fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let op = self.op.clone();
        let dir = prefix.to_owned();
        let entries = self
            .bridge
            .run(async move { op.list_with(&dir).recursive(true).await })?
            .map_err(|e| errors::map("list", prefix, e))?;
        Ok(entries
            .into_iter()
            .filter(|e| e.metadata().mode().is_file())
            .map(|e| e.path().to_owned())
            .collect())
    }

    /// The object's size and content type, or `None` when it does not exist.
    pub fn head(&self, key: &str) -> Result<Option<ObjectInfo>, StorageError> {
        validate_key(key)?;
        let op = self.op.clone();
        let k = key.to_owned();
        match self.bridge.run(async move { op.stat(&k).await })? {
            Ok(meta) => Ok(Some(ObjectInfo {
                size: meta.content_length(),
                content_type: meta.content_type().map(str::to_owned),
            })),
            Err(e) if e.kind() == opendal::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(errors::map("stat", key, e)),
        }
    }
}

impl Storage for S3Storage {
    fn name(&self) -> &str {
        "s3"
    }

    fn put(
        &self,
        key: &str,
        content_type: &str,
        bytes: &[u8],
        mode: PutMode,
    ) -> Result<Stored, StorageError> {
        validate_key(key)?;
        let create = mode == PutMode::CreateNew;
        let multipart = bytes.len() > self.chunk;
        if create && (self.check_before_put || multipart) && self.exists(key)? {
            return Err(StorageError::new(
                StorageErrorKind::AlreadyExists,
                format!("s3 put {key}: already exists"),
            ));
        }
        if multipart {
            crate::writing::put_multipart(
                &self.op,
                &self.bridge,
                self.chunk,
                key,
                content_type,
                bytes,
            )?;
        } else {
            // `If-None-Match: *` makes the service itself refuse a taken key, so two instances
            // claiming the same name at once cannot both win.
            crate::writing::put_single(&self.op, &self.bridge, key, content_type, bytes, create)?;
        }
        Ok(Stored {
            key: key.to_owned(),
            public_url: self.public_url(key),
        })
    }

    fn get(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        validate_key(key)?;
        let (op, k) = (self.op.clone(), key.to_owned());
        self.bridge
            .run(async move { op.read(&k).await })?
            .map(|b| b.to_vec())
            .map_err(|e| errors::map("get", key, e))
    }

    fn get_range(&self, key: &str, offset: u64, len: u64) -> Result<Vec<u8>, StorageError> {
        validate_key(key)?;
        crate::reading::get_range(&self.op, &self.bridge, key, offset, len)
    }

    fn size(&self, key: &str) -> Result<u64, StorageError> {
        self.stat(key).map(|m| m.size)
    }

    fn stat(&self, key: &str) -> Result<ObjectMeta, StorageError> {
        validate_key(key)?;
        crate::reading::stat(&self.op, &self.bridge, key)
    }

    fn open_range(
        &self,
        key: &str,
        offset: u64,
        len: u64,
    ) -> Result<Box<dyn std::io::Read + Send>, StorageError> {
        validate_key(key)?;
        crate::reading::open_range(&self.op, &self.bridge, key, offset, len)
    }

    fn delete(&self, key: &str) -> Result<(), StorageError> {
        validate_key(key)?;
        let (op, k) = (self.op.clone(), key.to_owned());
        self.bridge
            .run(async move { op.delete(&k).await })?
            .map_err(|e| errors::map("delete", key, e))
    }

    fn exists(&self, key: &str) -> Result<bool, StorageError> {
        Ok(self.head(key)?.is_some())
    }

    fn public_url(&self, key: &str) -> Option<String> {
        self.public_base.as_ref().map(|b| format!("{b}/{key}"))
    }

    fn list_objects(
        &self,
        prefix: &str,
        visit: &mut dyn FnMut(ListedObject) -> Result<(), StorageError>,
    ) -> Result<(), StorageError> {
        crate::listing::each(&self.op, &self.bridge, prefix, visit)
    }
}
