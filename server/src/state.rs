use std::ops::Deref;
use std::sync::Arc;

use upstage_library::Library;

use crate::config::ServerConfig;

/// Everything a request handler needs, shared behind an `Arc`: the library, plus what only the
/// HTTP side reads. It dereferences to the library, so `state.db` is the library's database.
pub struct AppState {
    pub lib: Arc<Library>,
    pub cfg: ServerConfig,
    /// Failed key and delete-token checks per client address.
    pub failures: crate::failures::FailureLimit,
    /// Where a shutdown stands (draining, then stopping).
    pub lifecycle: crate::http::Lifecycle,
    /// Upload bodies kept in memory rather than in temp files.
    pub body_memory: crate::api::spooled::MemoryBudget,
}

pub type Shared = Arc<AppState>;

impl Deref for AppState {
    type Target = Library;

    fn deref(&self) -> &Library {
        &self.lib
    }
}

impl AppState {
    /// Budget for text fields: a base64 source of a maximal file plus ordinary fields.
    pub fn text_limit(&self) -> usize {
        let b = self.limits().max_bytes;
        usize::try_from(b / 3 * 4 + 1_048_576).unwrap_or(usize::MAX)
    }
}
