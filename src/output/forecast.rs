//! forecast.csv, reps_forecast.csv, model.csv and the comparison tables, from `sim::summary`.

use super::csv::{Cell, CsvDoc};
use crate::data::Roster;
use crate::plan::Plan;
use crate::sim::model::{Body, Model};
use crate::sim::summary::{ForecastRow, PlanSummary, RepForecast};
use crate::units::{fmt_dp, fmt_money, Rounding};
use rust_decimal::Decimal;

/// forecast.csv header (SPEC 7, exact order).
pub const FORECAST_HEADER: [&str; 7] = ["period", "trials", "mean", "p10", "p50", "p90", "cost_of_sales_p50"];

/// reps_forecast.csv header (SPEC 7, exact order).
pub const REPS_HEADER: [&str; 4] = ["rep_id", "p_attain", "expected_pay", "p90_pay"];

/// A fraction with 4 decimals, empty when undefined.
pub fn fraction(x: Option<Decimal>, r: Rounding) -> String {
    x.map(|v| fmt_dp(v, 4, r)).unwrap_or_default()
}

/// The cells of forecast rows (for CSV and for the table on stdout).
pub fn forecast_cells(rows: &[ForecastRow], r: Rounding) -> Vec<Vec<String>> {
    rows.iter()
        .map(|f| {
            vec![
                f.period.clone(),
                f.trials.to_string(),
                fmt_money(f.mean),
                fmt_money(f.p10),
                fmt_money(f.p50),
                fmt_money(f.p90),
                fraction(f.cost_of_sales_p50, r),
            ]
        })
        .collect()
}

/// forecast.csv: money with 2 decimals, cost of sales as a fraction with 4.
pub fn forecast(rows: &[ForecastRow], r: Rounding) -> CsvDoc {
    let mut doc = CsvDoc::new(&FORECAST_HEADER);
    for cells in forecast_cells(rows, r) {
        let mut it = cells.into_iter();
        let period = it.next().unwrap_or_default();
        let mut row = vec![Cell::Text(&period)];
        row.extend(it.map(Cell::Num));
        doc.row(&row);
    }
    doc
}

/// reps_forecast.csv, roster order; p_attain as a fraction with 4 decimals.
pub fn reps(roster: &Roster, rows: &[RepForecast], r: Rounding) -> CsvDoc {
    let mut doc = CsvDoc::new(&REPS_HEADER);
    for f in rows {
        doc.row(&[
            Cell::Text(&roster.reps[f.rep].id),
            Cell::Num(fmt_dp(f.p_attain, 4, r)),
            Cell::Num(fmt_money(f.expected_pay)),
            Cell::Num(fmt_money(f.p90_pay)),
        ]);
    }
    doc
}

/// model.csv header.
pub const MODEL_HEADER: [&str; 10] = [
    "rep_id",
    "source",
    "observed_periods",
    "p_zero",
    "mu",
    "sigma",
    "point",
    "mean_per_period",
    "cancels_per_period",
    "scale",
];

/// model.csv: every rep's fitted distribution (so that anyone can redo the draws).
pub fn model(roster: &Roster, m: &Model) -> CsvDoc {
    let mut doc = CsvDoc::new(&MODEL_HEADER);
    for (rep, rm) in roster.reps.iter().zip(&m.reps) {
        let (mu, sigma, point) = match rm.dist.body {
            Body::LogNormal { mu, sigma } => (format!("{mu:.9}"), format!("{sigma:.9}"), String::new()),
            Body::Point(v) => (String::new(), String::new(), format!("{:.2}", v / 100.0)),
        };
        let scale: Vec<String> = rm.scale.iter().map(|s| format!("{s:.6}")).collect();
        doc.row(&[
            Cell::Text(&rep.id),
            Cell::Text(rm.source.as_str()),
            Cell::Num(rm.observed.to_string()),
            Cell::Num(format!("{:.6}", rm.dist.p_zero)),
            Cell::Num(mu),
            Cell::Num(sigma),
            Cell::Num(point),
            Cell::Num(format!("{:.2}", rm.dist.mean() / 100.0)),
            Cell::Num(format!("{:.4}", rm.cancels.rate)),
            Cell::Text(&scale.join(" ")),
        ]);
    }
    doc
}

/// The comparison's metric names, in row order.
pub const COMPARE_METRICS: [&str; 12] = [
    "total_pay",
    "mean_pay",
    "incentive",
    "cost_p10",
    "cost_p50",
    "cost_p90",
    "cost_of_sales",
    "top10_share",
    "corr_attainment_incentive",
    "reps_above_ote",
    "share_at_quota",
    "engine",
];

fn opt_f(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.4}")).unwrap_or_default()
}

/// The value cells of one plan's summary, in `COMPARE_METRICS` order.
pub fn compare_cells(s: &PlanSummary, fast: bool, r: Rounding) -> Vec<String> {
    vec![
        fmt_money(s.total_pay),
        fmt_money(s.mean_pay),
        fmt_money(s.incentive),
        fmt_money(s.cost.0),
        fmt_money(s.cost.1),
        fmt_money(s.cost.2),
        fraction(s.cost_of_sales, r),
        opt_f(s.top10_share),
        opt_f(s.correlation),
        format!("{:.2}", s.above_ote),
        opt_f(s.at_quota),
        if fast { "fast" } else { "generic" }.to_string(),
    ]
}

/// The metrics of `compare --actual`: those of [`COMPARE_METRICS`] that one year has.
pub const ACTUAL_METRICS: [&str; 8] = [
    "total_pay",
    "mean_pay",
    "incentive",
    "cost_of_sales",
    "top10_share",
    "corr_attainment_incentive",
    "reps_above_ote",
    "share_at_quota",
];

/// The value cells of one plan's actual year, in `ACTUAL_METRICS` order.
pub fn actual_cells(a: &crate::report::compare::Actual, r: Rounding) -> Vec<String> {
    vec![
        fmt_money(a.total_pay),
        fmt_money(a.mean_pay),
        fmt_money(a.incentive),
        fraction(a.cost_of_sales, r),
        opt_f(a.top10_share),
        opt_f(a.correlation),
        a.above_ote.to_string(),
        opt_f(a.at_quota),
    ]
}

/// compare.csv: one row per metric of `metrics`, one column per plan.
pub fn compare_table(names: &[String], metrics: &[&str], cells: &[Vec<String>]) -> CsvDoc {
    let mut header = vec!["metric"];
    header.extend(names.iter().map(String::as_str));
    let mut doc = CsvDoc::new(&header);
    for (i, m) in metrics.iter().enumerate() {
        let mut row = vec![Cell::Text(m)];
        row.extend(cells.iter().map(|c| Cell::Num(c[i].clone())));
        doc.row(&row);
    }
    doc
}

/// compare_reps.csv: each rep's pay under every plan (columns `PREFIX_<plan>`:
/// `expected_pay` simulated, `pay` actual) and the change from the first.
pub fn compare_reps(plan: &Plan, roster: &Roster, names: &[String], pays: &[Vec<Decimal>], prefix: &str) -> CsvDoc {
    let mut header: Vec<String> = vec!["rep_id".into(), "name".into(), "scheme".into()];
    header.extend(names.iter().map(|n| format!("{prefix}_{n}")));
    header.extend(names.iter().skip(1).map(|n| format!("delta_{n}")));
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut doc = CsvDoc::new(&h);
    for (r, rep) in roster.reps.iter().enumerate() {
        let mut row = vec![
            Cell::Text(&rep.id),
            Cell::Text(&rep.name),
            Cell::Text(&plan.schemes[rep.scheme].id),
        ];
        row.extend(pays.iter().map(|p| Cell::Num(fmt_money(p[r]))));
        row.extend(pays.iter().skip(1).map(|p| Cell::Num(fmt_money(p[r] - pays[0][r]))));
        doc.row(&row);
    }
    doc
}
