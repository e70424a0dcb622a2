use upstage_sdk::{ErrorCode, StageError};

/// Why one item failed. The batch goes on; the report carries `code` (stable) and `message`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} [{code}]")]
pub struct ItemError {
    pub code: ErrorCode,
    pub message: String,
    /// The stage that failed, when the failure happened inside one.
    pub stage: Option<String>,
}

impl ItemError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ItemError {
            code,
            message: message.into(),
            stage: None,
        }
    }

    pub fn in_stage(mut self, stage: &str) -> Self {
        self.stage = Some(stage.to_owned());
        self
    }
}

impl From<StageError> for ItemError {
    fn from(e: StageError) -> Self {
        ItemError::new(e.code, e.message)
    }
}
