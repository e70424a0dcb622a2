//! The client's local-library target, implemented over the library `upstage serve` uses: files
//! go through the same upload path in-process, as the library's first admin. The only place the
//! upload client meets the server's code.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use upstage_client::{BoxFuture, LocalLibrary, UploadError};
use upstage_server::auth::Caller;
use upstage_server::{ingest, Shared};

pub struct Library {
    state: Shared,
    caller: Caller,
    user_id: i64,
    data_dir: PathBuf,
}

impl Library {
    /// `state` is the opened library (`ingest::open_library`); also returns the admin key
    /// created if the library was new.
    pub async fn new(state: Shared, data_dir: &Path) -> Result<(Library, Option<String>)> {
        let (caller, new_key) = ingest::import_caller(&state)
            .await
            .context("opening the library")?;
        let user_id = caller.user_id().context("the library's admin has no id")?;
        let lib = Library {
            state,
            caller,
            user_id,
            data_dir: data_dir.to_path_buf(),
        };
        Ok((lib, new_key))
    }

    /// The admin's albums as (name, encoded id).
    pub async fn albums(&self) -> Result<Vec<(String, String)>> {
        ingest::albums(&self.state, self.user_id)
            .await
            .context("listing albums")
    }
}

impl LocalLibrary for Library {
    fn ingest<'a>(
        &'a self,
        path: &'a Path,
        params: &'a [(&'static str, String)],
    ) -> BoxFuture<'a, Result<serde_json::Value, UploadError>> {
        Box::pin(async move {
            ingest::upload_file(&self.state, &self.caller, path, params)
                .await
                .map_err(|e| UploadError::server(e.status.as_u16(), e.code, e.message))
        })
    }

    fn album_param<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, UploadError>> {
        Box::pin(async move {
            ingest::album_encoded_id(&self.state, self.user_id, name)
                .await
                .map_err(|e| UploadError::local(format!("album {name:?}: {e:#}")))
        })
    }

    fn describe(&self) -> String {
        format!("local:{}", self.data_dir.display())
    }
}
