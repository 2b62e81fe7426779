//! The run summary: per period and for the year, credit, quota, pay, cost of sales, reps at quota.
//!
//! Totals never count a deal twice: credit is the sum of every rep's own credit,
//! and quota the sum of the quotas of reps credited on their own deals (a team
//! quota overlaps its reps' quotas). Reps at quota are judged on their own
//! scheme's credit (team credit for a team scheme).

use crate::calendar::Calendar;
use crate::comp::{Evaluation, PeriodPay};
use crate::data::Roster;
use crate::plan::{CreditScope, Plan};
use rust_decimal::Decimal;

/// One row of the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    /// Period label or `FY`.
    pub period: String,
    /// Total own credit.
    pub credit: Decimal,
    /// Total quota of reps credited on their own deals.
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
pub fn summary(plan: &Plan, roster: &Roster, cal: &Calendar, ev: &Evaluation) -> Vec<SummaryRow> {
    // A rep's period counts its quota when it was paid on its own credit (every
    // scheme paid in it, after a promotion too).
    let own = |rep: usize, x: &PeriodPay| {
        let on = |s: usize| plan.schemes[s].credit == CreditScope::Own;
        if x.schemes.is_empty() {
            on(roster.reps[rep].scheme)
        } else {
            x.schemes.iter().all(|&s| on(s))
        }
    };
    let own_quota = |r: &crate::comp::RepPay, ps: &[usize]| -> Decimal {
        ps.iter()
            .map(|&p| &r.periods[p])
            .filter(|x| own(r.rep, x))
            .map(|x| x.quota)
            .sum()
    };
    let make = |period: String, pick: &dyn Fn(&[PeriodPay]) -> PeriodPay, ps: &[usize]| {
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
        for r in &ev.reps {
            let x = pick(&r.periods);
            row.credit += x.own_credit;
            row.quota += own_quota(r, ps);
            row.base_pay += x.base_pay;
            row.incentive += x.incentive_paid;
            row.total_pay += x.total_pay;
            if x.quota > Decimal::ZERO {
                row.with_quota += 1;
                if x.credit >= x.quota {
                    row.at_quota += 1;
                }
            }
        }
        row.cost_of_sales = (!row.credit.is_zero()).then(|| row.incentive / row.credit);
        row
    };
    let mut rows: Vec<SummaryRow> = (0..cal.periods())
        .map(|p| make(cal.label(p).to_string(), &|ps: &[PeriodPay]| ps[p].clone(), &[p]))
        .collect();
    let all: Vec<usize> = (0..cal.periods()).collect();
    rows.push(make("FY".into(), &|ps: &[PeriodPay]| year_total(ps), &all));
    rows
}

/// A rep's year as one period: sums of the money fields, the last balance.
pub fn year_total(ps: &[PeriodPay]) -> PeriodPay {
    let sum = |f: fn(&PeriodPay) -> Decimal| ps.iter().map(f).sum::<Decimal>();
    PeriodPay {
        quota: sum(|p| p.quota),
        credit: sum(|p| p.credit),
        own_credit: sum(|p| p.own_credit),
        base_pay: sum(|p| p.base_pay),
        earned: sum(|p| p.earned),
        clawback: sum(|p| p.clawback),
        draw_topup: sum(|p| p.draw_topup),
        recovered: sum(|p| p.recovered),
        deficit: sum(|p| p.deficit),
        adjustments: sum(|p| p.adjustments),
        incentive_paid: sum(|p| p.incentive_paid),
        total_pay: sum(|p| p.total_pay),
        balance: ps.last().map(|p| p.balance).unwrap_or_default(),
        attainment: None,
        schemes: Vec::new(),
        lines: Vec::new(),
    }
}
