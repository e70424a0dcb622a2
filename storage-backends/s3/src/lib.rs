//! S3-compatible object storage (AWS S3, MinIO, Ceph RGW, Cloudflare R2, Backblaze B2) behind the
//! [`upstage_storage::Storage`] trait, on Apache OpenDAL. The trait is synchronous; OpenDAL is
//! async, so every call is bridged onto a small runtime this crate owns (see `bridge.rs`).

mod backend;
mod bridge;
mod config;
mod errors;
mod listing;
mod reading;
pub mod testing;
mod writing;

pub use backend::{ObjectInfo, S3Storage};
pub use config::{S3Config, Secret};
