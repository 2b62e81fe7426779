//! scorecard.csv (SPEC 6): one row per rep, in roster order.

use super::csv::{Cell, CsvDoc};
use crate::data::Roster;
use crate::plan::Plan;
use crate::report::ScoreRow;
use crate::units::{fmt_dp, fmt_money};

/// The scorecard.csv header.
pub const HEADER: [&str; 23] = [
    "rep_id",
    "name",
    "scheme",
    "territory",
    "credit",
    "quota",
    "attainment",
    "rank",
    "percentile",
    "scheme_rank",
    "base_pay",
    "incentive_paid",
    "total_pay",
    "cost_of_sales",
    "pay_rank",
    "pfp_gap",
    "pay_for_performance",
    "renewal_share",
    "repeat_customer_rate",
    "products_per_customer",
    "customers",
    "fractures_found",
    "fractures",
];

/// The fractures cell: transitions joined by `; `, or `none`.
pub fn fractures_cell(row: &ScoreRow) -> String {
    if row.fractures.is_empty() {
        "none".into()
    } else {
        row.fractures.join("; ")
    }
}

/// scorecard.csv: fractions with 4 decimals, money with 2, percentile with 1.
pub fn scorecard(plan: &Plan, roster: &Roster, rows: &[ScoreRow]) -> CsvDoc {
    let mut doc = CsvDoc::new(&HEADER);
    let r = plan.rounding;
    let frac = |x: Option<rust_decimal::Decimal>| Cell::Num(x.map(|v| fmt_dp(v, 4, r)).unwrap_or_default());
    let int = |x: Option<usize>| Cell::Num(x.map(|v| v.to_string()).unwrap_or_default());
    for row in rows {
        let rep = &roster.reps[row.rep];
        let fr = fractures_cell(row);
        doc.row(&[
            Cell::Text(&rep.id),
            Cell::Text(&rep.name),
            Cell::Text(&plan.schemes[rep.scheme].id),
            Cell::Text(rep.territory.as_deref().unwrap_or("")),
            Cell::Num(fmt_dp(row.credit, 2, r)),
            Cell::Num(fmt_money(row.quota)),
            frac(row.attainment),
            int(row.rank),
            Cell::Num(row.percentile.map(|v| fmt_dp(v, 1, r)).unwrap_or_default()),
            int(row.scheme_rank),
            Cell::Num(fmt_money(row.base_pay)),
            Cell::Num(fmt_money(row.incentive)),
            Cell::Num(fmt_money(row.total_pay)),
            frac(row.cost_of_sales),
            int(row.pay_rank),
            Cell::Num(row.pfp_gap.map(|g| g.to_string()).unwrap_or_default()),
            Cell::Text(row.pfp.map(|p| p.as_str()).unwrap_or("")),
            frac(row.renewal_share),
            frac(row.repeat_customer_rate),
            Cell::Num(row.products_per_customer.map(|v| fmt_dp(v, 2, r)).unwrap_or_default()),
            Cell::Num(row.customers.to_string()),
            Cell::Num(row.fractures.len().to_string()),
            Cell::Text(&fr),
        ]);
    }
    doc
}
