//! The charts of `simulate` and `compare`: series built from the simulation's
//! summaries, drawn by `chart::forecast`, returned as files under `charts/`.

use super::Failure;
use crate::calendar::Calendar;
use crate::chart::forecast::{CostChart, CostDistribution, CurveOverlay, CurveOverlayChart, RepBars, RepBarsChart};
use crate::chart::theme;
use crate::data::Roster;
use crate::diag::Diagnostic;
use crate::output::OutFile;
use crate::plan::Plan;
use crate::sim::summary::{ForecastRow, RepForecast};
use crate::sim::Outcome;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

fn f(x: Decimal) -> f64 {
    x.to_f64().unwrap_or(0.0)
}

fn svg(name: String, chart: &impl theme::Draw) -> Result<OutFile, Failure> {
    let s = theme::svg(chart).map_err(|e| Diagnostic::error(format!("cannot draw {name}: {e}")))?;
    Ok(OutFile {
        name: format!("charts/{name}.svg"),
        bytes: s.into_bytes(),
    })
}

/// The forecast's charts: cost distribution, per-rep chance of reaching quota.
pub fn forecast(
    plan: &Plan,
    roster: &Roster,
    o: &Outcome,
    rows: &[ForecastRow],
    reps: &[RepForecast],
) -> Result<Vec<OutFile>, Failure> {
    let n = o.periods;
    let fy: Vec<i64> = (0..o.trials as usize).map(|t| o.incentive[t * (n + 1) + n]).collect();
    let mut out = Vec::new();
    if let Some(r) = rows.last() {
        let d = CostDistribution::from_cents(
            &plan.name,
            &plan.currency,
            &fy,
            [f(r.mean), f(r.p10), f(r.p50), f(r.p90)],
        );
        out.push(svg("forecast-cost".into(), &CostChart(&d))?);
    }
    let mut bars: Vec<(String, f64)> = reps
        .iter()
        .filter(|r| o.trials > 0 && has_quota(o, r.rep))
        .map(|r| (roster.reps[r.rep].name.clone(), f(r.p_attain)))
        .collect();
    bars.sort_by(|a, b| b.1.total_cmp(&a.1));
    let share = crate::sim::summary::share_at_quota(o).unwrap_or(0.0);
    let chart = RepBars {
        title: "Chance of reaching quota, by rep".into(),
        subtitle: format!(
            "Share of {} simulated years in which each rep's year credit reaches its year quota; expected share of reps at quota {}.",
            o.trials,
            theme::pct(share)
        ),
        x_desc: "Probability of reaching the year quota".into(),
        bars,
        fraction: true,
        reference: Some((share, format!("Expected share at quota ({})", theme::pct(share)))),
    };
    out.push(svg("forecast-attainment".into(), &RepBarsChart(&chart))?);
    Ok(out)
}

fn has_quota(o: &Outcome, r: usize) -> bool {
    o.rep_quota.get(r).copied().unwrap_or(false)
}

/// The comparison's charts: payout curves overlaid per scheme, per-rep change in pay.
pub fn compare(
    plans: &[&Plan],
    cal: &Calendar,
    roster: &Roster,
    names: &[String],
    pays: &[Vec<Decimal>],
    actual: bool,
) -> Result<Vec<OutFile>, Failure> {
    let mut out = Vec::new();
    let empty = crate::comp::Evaluation {
        reps: Vec::new(),
        warnings: Vec::new(),
    };
    let none = Roster::default();
    let curves: Vec<Vec<crate::report::series::PayoutCurve>> = plans
        .iter()
        .map(|p| crate::report::series::payout_curves(p, cal, &none, &empty))
        .collect();
    let ids: Vec<&str> = curves[0].iter().map(|c| c.scheme_id.as_str()).collect();
    let stems = crate::output::names::file_stems(&ids);
    for (c0, stem) in curves[0].iter().zip(stems) {
        let overlay = CurveOverlay {
            scheme: c0.scheme_name.clone(),
            currency: c0.currency.clone(),
            plans: curves
                .iter()
                .zip(names)
                .filter_map(|(cs, name)| {
                    cs.iter().find(|c| c.scheme_id == c0.scheme_id).map(|c| {
                        (
                            name.clone(),
                            c.points.iter().map(|p| (f(p.attainment), f(p.incentive))).collect(),
                        )
                    })
                })
                .collect(),
        };
        out.push(svg(
            format!("compare-payout-curve-{stem}"),
            &CurveOverlayChart(&overlay),
        )?);
    }
    for (k, name) in names.iter().enumerate().skip(1) {
        let mut bars: Vec<(String, f64)> = roster
            .reps
            .iter()
            .enumerate()
            .map(|(r, rep)| (rep.name.clone(), f(pays[k][r] - pays[0][r])))
            .collect();
        bars.sort_by(|a, b| b.1.total_cmp(&a.1));
        let up = bars.iter().filter(|b| b.1 > 0.0).count();
        let down = bars.iter().filter(|b| b.1 < 0.0).count();
        let chart = RepBars {
            title: format!(
                "Change in {}: {name} vs {}",
                if actual {
                    "pay over the actual year"
                } else {
                    "expected pay"
                },
                names[0]
            ),
            subtitle: format!(
                "Expected total pay for the year on the same simulated years; {up} rep(s) gain, {down} lose."
            ),
            x_desc: format!("Change in expected total pay ({})", plans[0].currency),
            bars,
            fraction: false,
            reference: None,
        };
        let stem = crate::output::names::file_stems(&[name.as_str()])
            .pop()
            .unwrap_or_default();
        out.push(svg(format!("compare-pay-change-{stem}"), &RepBarsChart(&chart))?);
    }
    Ok(out)
}
