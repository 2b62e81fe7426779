//! Data files: CSV rows → typed records with their file and line.
//!
//! Readers take any `Read` (the CLI opens the files); strict by default, and
//! lenient readers record skipped rows as rejects.

pub mod deals;
pub mod opps;
pub mod quotas;
pub mod reps;
pub mod table;

pub use deals::DealRow;
pub use opps::{Opp, OppStatus};
pub use reps::{Rep, Roster};
pub use table::{Problems, Reject};
