//! The local-library target: files go through the upload path in-process (same pipeline, storage
//! and database `upstage serve` uses), as the library's first admin.

use std::path::Path;

use upstage_server::auth::Caller;
use upstage_server::{ingest, Shared};

use super::UploadError;

pub struct Local {
    state: Shared,
    caller: Caller,
    user_id: i64,
}

impl Local {
    /// `state` is the opened library (`upstage_server::ingest::open_library`); also returns the
    /// admin key created if the library was new.
    pub async fn new(state: Shared) -> Result<(Local, Option<String>), UploadError> {
        let (caller, new_key) = ingest::import_caller(&state)
            .await
            .map_err(|e| UploadError::local(format!("opening the library: {e:#}")))?;
        let user_id = caller
            .user_id()
            .ok_or_else(|| UploadError::local("the library's admin has no id"))?;
        Ok((
            Local {
                state,
                caller,
                user_id,
            },
            new_key,
        ))
    }

    /// The admin's albums as (name, encoded id).
    pub async fn albums(&self) -> Result<Vec<(String, String)>, UploadError> {
        ingest::albums(&self.state, self.user_id)
            .await
            .map_err(|e| UploadError::local(format!("listing albums: {e:#}")))
    }

    /// An album name (created if missing) as the encoded id the API parameter takes.
    pub async fn album_param(&self, name: &str) -> Result<String, UploadError> {
        ingest::album_encoded_id(&self.state, self.user_id, name)
            .await
            .map_err(|e| UploadError::local(format!("album {name:?}: {e:#}")))
    }

    pub async fn send(
        &self,
        path: &Path,
        params: &[(&'static str, String)],
    ) -> Result<serde_json::Value, UploadError> {
        ingest::upload_file(&self.state, &self.caller, path, params)
            .await
            .map_err(|e| UploadError::Server {
                status: e.status.as_u16(),
                code: e.code,
                message: e.message,
            })
    }
}
