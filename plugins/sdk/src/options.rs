use serde::{Deserialize, Serialize};

/// The per-upload options of the API (`title`, `description`, `tags`, `width`, …), as given by the
/// client. Stages read them; only `width` and `use_file_date` change what the pipeline produces.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UploadOptions {
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    /// Downscale the stored image to this width (never upscale).
    pub width: Option<u32>,
    /// Seconds until the item expires.
    pub expiration: Option<u64>,
    pub nsfw: bool,
    /// File the item by the date the photo was taken instead of the upload date.
    pub use_file_date: bool,
    pub album: Option<String>,
    pub category: Option<String>,
}
