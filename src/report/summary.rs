//! The run summary: per period and for the year, credit, quota, pay, cost of sales, reps at quota.

use crate::calendar::Calendar;
use crate::comp::Evaluation;
use rust_decimal::Decimal;

/// One row of the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    /// Period label or `FY`.
    pub period: String,
    /// Total credit.
    pub credit: Decimal,
    /// Total quota.
    pub quota: Decimal,
    /// Total base pay.
    pub base_pay: Decimal,
    /// Total paid incentive.
    pub incentive: Decimal,
    /// Total pay.
    pub total_pay: Decimal,
    /// Incentive ÷ credit (`None` with no credit).
    pub cost_of_sales: Option<Decimal>,
    /// Reps with a quota at or above 100%.
    pub at_quota: usize,
    /// Reps with a quota.
    pub with_quota: usize,
}

/// Builds the summary; the `FY` row judges attainment on the year's credit ÷ quota.
pub fn summary(cal: &Calendar, ev: &Evaluation) -> Vec<SummaryRow> {
    let mut rows = Vec::new();
    let make = |period: String, items: Vec<(Decimal, Decimal, Decimal, Decimal, Decimal)>| {
        let mut row = SummaryRow {
            period,
            credit: Decimal::ZERO,
            quota: Decimal::ZERO,
            base_pay: Decimal::ZERO,
            incentive: Decimal::ZERO,
            total_pay: Decimal::ZERO,
            cost_of_sales: None,
            at_quota: 0,
            with_quota: 0,
        };
        for (credit, quota, base, inc, total) in items {
            row.credit += credit;
            row.quota += quota;
            row.base_pay += base;
            row.incentive += inc;
            row.total_pay += total;
            if quota > Decimal::ZERO {
                row.with_quota += 1;
                if credit >= quota {
                    row.at_quota += 1;
                }
            }
        }
        row.cost_of_sales = (!row.credit.is_zero()).then(|| row.incentive / row.credit);
        row
    };
    for p in 0..cal.periods() {
        let items = ev.reps.iter().map(|r| {
            let x = &r.periods[p];
            (x.credit, x.quota, x.base_pay, x.incentive_paid, x.total_pay)
        });
        rows.push(make(cal.label(p).to_string(), items.collect()));
    }
    let items = ev.reps.iter().map(|r| {
        (
            r.total(|x| x.credit),
            r.total(|x| x.quota),
            r.total(|x| x.base_pay),
            r.total(|x| x.incentive_paid),
            r.total(|x| x.total_pay),
        )
    });
    rows.push(make("FY".into(), items.collect()));
    rows
}
