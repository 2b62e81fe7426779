//! The sales funnel: stage conversion per rep and team, benchmarks, and fractures.

pub mod fractures;
pub mod stats;

pub use fractures::{find, Fracture};
pub use stats::{Counts, Funnel};
