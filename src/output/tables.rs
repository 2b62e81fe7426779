//! payouts.csv, statements.csv and rejects.csv from an evaluation.

use super::csv::{Cell, CsvDoc};
use crate::calendar::Calendar;
use crate::comp::{Evaluation, PeriodPay};
use crate::data::{Reject, Roster};
use crate::plan::Plan;
use crate::units::{fmt_dp, fmt_money};
use rust_decimal::Decimal;

/// The payouts.csv header (SPEC 6, exact order).
pub const PAYOUTS_HEADER: [&str; 16] = [
    "rep_id",
    "name",
    "scheme",
    "period",
    "quota",
    "credit",
    "attainment",
    "base_pay",
    "earned",
    "clawback",
    "draw_topup",
    "recovered",
    "deficit",
    "incentive_paid",
    "total_pay",
    "balance",
];

/// Formats a rate or factor for statements: up to 8 decimals, no trailing zeros.
pub fn fmt_rate(r: Decimal) -> String {
    r.round_dp(8).normalize().to_string()
}

/// Formats an attainment (4 decimals, the plan's rounding), empty when undefined.
pub fn fmt_attainment(a: Option<Decimal>, plan: &Plan) -> String {
    a.map(|a| fmt_dp(a, 4, plan.rounding)).unwrap_or_default()
}

/// The column payouts.csv gains, after the SPEC's, when the run has manual adjustments.
pub const ADJUSTMENTS_COLUMN: &str = "adjustments";

/// The `scheme` cell of a payouts row: the schemes paid in the period in
/// date order, `>` between them (`ae>mgr` for a promotion in it).
pub fn scheme_cell(plan: &Plan, rep: &crate::data::Rep, pay: &PeriodPay) -> String {
    if pay.schemes.is_empty() {
        return plan.schemes[rep.scheme].id.clone();
    }
    let ids: Vec<&str> = pay.schemes.iter().map(|&s| plan.schemes[s].id.as_str()).collect();
    ids.join(">")
}

/// payouts.csv: the SPEC's columns, then `adjustments` when any rep has one.
pub fn payouts(plan: &Plan, roster: &Roster, cal: &Calendar, ev: &Evaluation) -> CsvDoc {
    let adjusted = ev
        .reps
        .iter()
        .flat_map(|r| &r.periods)
        .any(|p| p.lines.iter().any(|l| l.kind == crate::comp::LineKind::Adjustment));
    let mut header: Vec<&str> = PAYOUTS_HEADER.to_vec();
    if adjusted {
        header.push(ADJUSTMENTS_COLUMN);
    }
    let mut doc = CsvDoc::new(&header);
    for rp in &ev.reps {
        let rep = &roster.reps[rp.rep];
        for (p, pay) in rp.periods.iter().enumerate() {
            let scheme = scheme_cell(plan, rep, pay);
            let m = |x: Decimal| Cell::Num(fmt_money(x));
            let PeriodPay {
                quota,
                credit,
                attainment,
                base_pay,
                earned,
                clawback,
                draw_topup,
                recovered,
                deficit,
                incentive_paid,
                total_pay,
                balance,
                adjustments,
                ..
            } = pay;
            let mut row = vec![
                Cell::Text(&rep.id),
                Cell::Text(&rep.name),
                Cell::Text(&scheme),
                Cell::Text(cal.label(p)),
                m(*quota),
                Cell::Num(fmt_dp(*credit, 2, plan.rounding)),
                Cell::Num(fmt_attainment(*attainment, plan)),
                m(*base_pay),
                m(*earned),
                m(*clawback),
                m(*draw_topup),
                m(*recovered),
                m(*deficit),
                m(*incentive_paid),
                m(*total_pay),
                m(*balance),
            ];
            if adjusted {
                row.push(m(*adjustments));
            }
            doc.row(&row);
        }
    }
    doc
}

/// statements.csv: every line behind earned, clawback, draw, recovery and deficit.
pub fn statements(plan: &Plan, roster: &Roster, cal: &Calendar, ev: &Evaluation) -> CsvDoc {
    let mut doc = CsvDoc::new(&["rep_id", "period", "component", "line", "basis", "rate", "amount"]);
    for rp in &ev.reps {
        let rep = &roster.reps[rp.rep];
        for (p, pay) in rp.periods.iter().enumerate() {
            for l in &pay.lines {
                doc.row(&[
                    Cell::Text(&rep.id),
                    Cell::Text(cal.label(p)),
                    Cell::Text(&l.component),
                    Cell::Text(&l.label),
                    Cell::Num(l.basis.map(|b| fmt_dp(b, 2, plan.rounding)).unwrap_or_default()),
                    Cell::Num(l.rate.map(fmt_rate).unwrap_or_default()),
                    Cell::Num(fmt_money(l.amount)),
                ]);
            }
        }
    }
    doc
}

/// rejects.csv: every row skipped in lenient mode.
pub fn rejects(rejects: &[Reject]) -> CsvDoc {
    let mut doc = CsvDoc::new(&["file", "line", "column", "value", "reason"]);
    for r in rejects {
        doc.row(&[
            Cell::Text(&r.file),
            Cell::Num(r.line.to_string()),
            Cell::Text(&r.column),
            Cell::Text(&r.value),
            Cell::Text(&r.reason),
        ]);
    }
    doc
}

/// fractures.csv: every flagged fracture (SPEC 5).
pub fn fractures(plan: &Plan, roster: &Roster, found: &[crate::funnel::Fracture]) -> CsvDoc {
    let mut doc = CsvDoc::new(&[
        "rep_id",
        "from_stage",
        "to_stage",
        "resolved",
        "converted",
        "rate",
        "benchmark",
        "upper_bound",
        "est_lost_wins",
        "est_revenue_impact",
    ]);
    let st = &plan.process.stages;
    let r = plan.rounding;
    for f in found {
        doc.row(&[
            Cell::Text(&roster.reps[f.rep].id),
            Cell::Text(&st[f.transition]),
            Cell::Text(&st[f.transition + 1]),
            Cell::Num(f.resolved.to_string()),
            Cell::Num(f.converted.to_string()),
            Cell::Num(fmt_dp(f.rate, 4, r)),
            Cell::Num(fmt_dp(f.benchmark, 4, r)),
            Cell::Num(fmt_dp(f.upper_bound, 4, r)),
            Cell::Num(fmt_dp(f.est_lost_wins, 2, r)),
            Cell::Num(fmt_dp(f.est_revenue_impact, 2, r)),
        ]);
    }
    doc
}

/// funnel.csv: per rep and for the team, each transition's counts and rate.
pub fn funnel(plan: &Plan, roster: &Roster, funnels: &[crate::funnel::Funnel], team: &crate::funnel::Funnel) -> CsvDoc {
    let mut doc = CsvDoc::new(&[
        "rep_id",
        "from_stage",
        "to_stage",
        "reached",
        "converted",
        "resolved",
        "rate",
    ]);
    let st = &plan.process.stages;
    let rows = roster
        .reps
        .iter()
        .map(|r| r.id.as_str())
        .zip(funnels.iter())
        .chain(std::iter::once(("TEAM", team)));
    for (id, f) in rows {
        for (k, c) in f.transitions.iter().enumerate() {
            doc.row(&[
                Cell::Text(id),
                Cell::Text(&st[k]),
                Cell::Text(&st[k + 1]),
                Cell::Num(c.reached.to_string()),
                Cell::Num(c.converted.to_string()),
                Cell::Num(c.resolved.to_string()),
                Cell::Num(c.rate().map(|x| fmt_dp(x, 4, plan.rounding)).unwrap_or_default()),
            ]);
        }
    }
    doc
}
