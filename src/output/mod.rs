//! Renderers: CSV files, the manifest, text and JSON for stdout; atomic writes.

pub mod csv;
pub mod files;
pub mod forecast;
pub mod html;
pub mod manifest;
pub mod names;
pub mod scorecard;
pub mod tables;
pub mod text;

pub use files::{write_all, OutFile};
