//! Plain tables and series built from engine results; renderers live in `output`.

pub mod summary;

pub use summary::{summary, SummaryRow};
