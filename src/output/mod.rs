//! Renderers: CSV files, the manifest, text and JSON for stdout; run folders written all or nothing.

pub mod credits;
pub mod csv;
pub mod files;
pub mod folder;
pub mod forecast;
pub mod html;
pub mod manifest;
pub mod names;
pub mod scorecard;
pub mod tables;
pub mod text;

pub use files::OutFile;
