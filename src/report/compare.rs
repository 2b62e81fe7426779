//! The actual year under a plan, summarised as `compare` summarises a
//! simulated one: the same measures, on the one year that happened.

use crate::calendar::Calendar;
use crate::comp::Evaluation;
use crate::data::Roster;
use crate::plan::Plan;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// One plan's actual year.
#[derive(Debug, Clone, PartialEq)]
pub struct Actual {
    /// Total pay of all reps.
    pub total_pay: Decimal,
    /// total_pay ÷ reps.
    pub mean_pay: Decimal,
    /// Incentive paid.
    pub incentive: Decimal,
    /// Incentive ÷ credit, each deal counted once (as evaluate's summary).
    pub cost_of_sales: Option<Decimal>,
    /// Share of incentive paid to the top 10% of reps by attainment.
    pub top10_share: Option<f64>,
    /// Correlation of attainment and incentive across reps.
    pub correlation: Option<f64>,
    /// Reps whose total pay is above their on-target earnings.
    pub above_ote: usize,
    /// Share of reps with a quota who reached it over the year.
    pub at_quota: Option<f64>,
}

/// The actual year of `ev`; `ote`: each rep's on-target earnings for the year, in cents.
pub fn actual(plan: &Plan, roster: &Roster, cal: &Calendar, ev: &Evaluation, ote: &[i64]) -> Actual {
    let fy = crate::report::summary(plan, roster, cal, ev).pop();
    let nr = ev.reps.len();
    let total_pay: Decimal = ev.reps.iter().map(|r| r.total(|p| p.total_pay)).sum();
    let incentive: Decimal = ev.reps.iter().map(|r| r.total(|p| p.incentive_paid)).sum();
    // Attainment over the year as the simulation counts it: reps with a quota.
    let mut att = Vec::new();
    let (mut with_quota, mut at) = (0usize, 0usize);
    for rp in &ev.reps {
        let (q, c) = (rp.total(|p| p.quota), rp.total(|p| p.credit));
        if q > Decimal::ZERO {
            with_quota += 1;
            at += usize::from(c >= q);
            let a = (c / q).to_f64().unwrap_or(f64::NAN);
            att.push((a, rp.total(|p| p.incentive_paid).to_f64().unwrap_or(0.0), rp.rep));
        }
    }
    let (top10, corr) = crate::sim::run::cross_rep(&att);
    let above_ote = ev
        .reps
        .iter()
        .filter(|rp| {
            let ote = ote.get(rp.rep).copied().map(Decimal::from).unwrap_or_default() / Decimal::ONE_HUNDRED;
            rp.total(|p| p.total_pay) > ote
        })
        .count();
    Actual {
        total_pay,
        mean_pay: if nr == 0 {
            Decimal::ZERO
        } else {
            plan.rounding.money(total_pay / Decimal::from(nr as u64))
        },
        incentive,
        cost_of_sales: fy.and_then(|f| f.cost_of_sales),
        top10_share: top10.is_finite().then_some(top10),
        correlation: corr.is_finite().then_some(corr),
        above_ote,
        at_quota: (with_quota > 0).then(|| at as f64 / with_quota as f64),
    }
}
