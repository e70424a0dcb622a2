//! The batch uploader: [`engine`] (shared with `upstage upload`) and the full-screen terminal UI
//! built on it — plain [`state`], [`action`]s applied by [`update::update`], [`render::render`]
//! reading the state, and [`app`] running the loop.

pub mod action;
pub mod app;
mod apply;
pub mod clipboard;
pub mod engine;
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
