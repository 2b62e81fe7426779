//! Plain tables and series built from engine results; renderers live in `output` and `chart`.

pub mod compare;
pub mod scorecard;
pub mod series;
pub mod summary;
pub mod target;

pub use scorecard::{scorecard, ScoreRow};
pub use summary::{summary, SummaryRow};
