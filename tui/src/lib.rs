//! The batch uploader's full-screen terminal UI over the `upstage-client` engine (shared with
//! `upstage upload`): plain [`state`], [`action`]s applied by [`update::update`],
//! [`render::render`] reading the state, and [`app`] running the loop. It renders and sends
//! commands; every upload, retry and target lives in the client crate.

pub mod action;
pub mod app;
mod apply;
pub mod clipboard;
pub mod export;
mod form;
pub mod i18n;
pub mod keys;
mod link_format;
pub mod meter;
mod nav;
pub mod picker;
mod quit;
pub mod render;
pub mod report;
pub mod state;
pub mod summary;
pub mod update;
