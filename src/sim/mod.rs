//! Monte Carlo forecasts of pay: learn each rep's bookings from history,
//! draw many years like it, and pay every one under the plan's full rules.
//!
//! Flow: [`history`] (deal rows of any year) → [`model::fit`] (per-rep
//! distributions, seasonality, pipeline) → for each trial, [`draw::draw`] a
//! scenario from its own seeded stream → [`price::Pricer::pay`] it under each
//! plan (integer cents, the same cents as `comp::evaluate`) → [`run::run`]
//! keeps the totals → [`summary`] turns them into forecast and comparison
//! rows. Nothing here reads a file, the clock or the environment.

pub mod draw;
pub mod history;
pub mod model;
pub mod price;
pub mod run;
pub mod summary;

pub use history::History;
pub use model::{fit, Model};
pub use price::Pricer;
pub use run::{run, Outcome};
