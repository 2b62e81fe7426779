//! Chart renderers: plotters SVG (always) and PNG (on request) from `report::series`.
//!
//! One file per chart kind; `theme` holds the font, colours and the two
//! backends. Charts draw only what the report layer computed: no pay rule is
//! evaluated here.

pub mod attainment;
pub mod credit;
pub mod forecast;
pub mod funnel;
pub mod payout_curve;
pub mod payouts;
pub mod planning;
pub mod theme;

use crate::report::series::{self, AttainmentDistribution, CreditVsQuota, FunnelGrid, PayoutCurve, RepPayouts};
use plotters::drawing::DrawingAreaErrorKind;
use theme::Draw;

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The embedded font did not load.
    #[error("the embedded chart font could not be loaded")]
    Font,
    /// plotters failed.
    #[error("drawing a chart failed: {0}")]
    Draw(String),
    /// PNG encoding failed.
    #[error("encoding a PNG failed: {0}")]
    Png(String),
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        Self::Draw(e.to_string())
    }
}

/// The chart kinds `fuerza chart` can draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Annual incentive and total pay against attainment, per scheme, with every rep as a dot.
    PayoutCurve,
    /// Incentive paid by rep, stacked by component, sorted, with year attainment.
    Payouts,
    /// Histogram of year attainment with the 100% line.
    Attainment,
    /// Credit against quota by period for the team (and per region).
    Credit,
    /// Every rep's funnel conversion against the benchmark, fractures outlined.
    Funnel,
}

/// One rendered chart.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// File stem under `charts/` (no extension).
    pub stem: String,
    /// The chart's title.
    pub title: String,
    /// One sentence on how to read it.
    pub caption: String,
    /// SVG text.
    pub svg: String,
    /// PNG bytes, when asked for.
    pub png: Option<Vec<u8>>,
}

/// Everything the charts of a run are drawn from.
#[derive(Debug, Clone)]
pub struct ChartData {
    /// One payout curve per scheme with a quota.
    pub curves: Vec<PayoutCurve>,
    /// Payouts by rep.
    pub payouts: RepPayouts,
    /// Attainment distribution.
    pub distribution: AttainmentDistribution,
    /// Credit against quota.
    pub credit: CreditVsQuota,
    /// Funnels against the benchmark.
    pub funnel: FunnelGrid,
}

impl ChartData {
    /// Builds every series from the engine's results, with the payout curves of
    /// the schemes `curve_schemes` (indices into the plan's schemes).
    pub fn build(
        plan: &crate::plan::Plan,
        cal: &crate::calendar::Calendar,
        roster: &crate::data::Roster,
        ledger: &crate::credit::Ledger,
        ev: &crate::comp::Evaluation,
        opps: &[crate::data::Opp],
        curve_schemes: &[usize],
    ) -> Self {
        Self {
            curves: series::payout_curves_for(plan, cal, roster, ev, curve_schemes),
            payouts: series::rep_payouts(plan, roster, ev),
            distribution: series::attainment_distribution(ev),
            credit: series::credit_vs_quota(plan, cal, roster, ledger, ev),
            funnel: series::funnel_grid(plan, roster, opps),
        }
    }
}

/// One sentence on how to read a chart of `kind`.
pub fn caption(kind: Kind) -> &'static str {
    match kind {
        Kind::PayoutCurve => "What the scheme pays over the year at each attainment (the plan's own rules run on a synthetic rep), with the threshold, target and cap marked and every actual rep as a dot; dots off the line are reps whose periods were uneven or who worked part of the year.",
        Kind::Payouts => "Each rep's incentive for the year split into the components that earned it, highest paid first, with the rep's year attainment at the end of the bar; parts left of zero are caps, clawbacks and recoveries.",
        Kind::Attainment => "How many reps ended the year in each 10-point band of attainment, with the quota line at 100% and the share of reps at or above it; a healthy plan has most reps near 100% and a tail above it.",
        Kind::Credit => "Credit booked in each period against the quota (and the company goal when the plan sets one), with attainment above each bar, for the team and for each region.",
        Kind::Funnel => "Each rep's conversion at every step of the sales process against the benchmark (fixed in the plan, or the other reps' pooled rate): orange cells convert worse, blue better, and outlined cells are fractures, the step to coach.",
    }
}

fn render(stem: String, kind: Kind, chart: &impl Draw, png: bool) -> Result<Rendered, ChartError> {
    Ok(Rendered {
        stem,
        caption: caption(kind).to_string(),
        title: chart.title(),
        svg: theme::svg(chart)?,
        png: if png { Some(theme::png(chart)?) } else { None },
    })
}

/// Renders the charts of `kinds` (all four in `evaluate`), in a fixed order.
pub fn render_kinds(data: &ChartData, kinds: &[Kind], png: bool) -> Result<Vec<Rendered>, ChartError> {
    let mut out = Vec::new();
    if kinds.contains(&Kind::PayoutCurve) {
        let ids: Vec<&str> = data.curves.iter().map(|c| c.scheme_id.as_str()).collect();
        let stems = crate::output::names::file_stems(&ids);
        for (c, stem) in data.curves.iter().zip(stems) {
            out.push(render(
                format!("payout-curve-{stem}"),
                Kind::PayoutCurve,
                &payout_curve::PayoutCurveChart(c),
                png,
            )?);
        }
    }
    if kinds.contains(&Kind::Payouts) {
        out.push(render(
            "payouts-by-rep".into(),
            Kind::Payouts,
            &payouts::PayoutsChart(&data.payouts),
            png,
        )?);
    }
    if kinds.contains(&Kind::Attainment) {
        out.push(render(
            "attainment-distribution".into(),
            Kind::Attainment,
            &attainment::AttainmentChart(&data.distribution),
            png,
        )?);
    }
    if kinds.contains(&Kind::Credit) {
        out.push(render(
            "credit-vs-quota".into(),
            Kind::Credit,
            &credit::CreditChart::team(&data.credit),
            png,
        )?);
        if !data.credit.regions.is_empty() {
            out.push(render(
                "credit-vs-quota-by-region".into(),
                Kind::Credit,
                &credit::CreditChart::regions(&data.credit),
                png,
            )?);
        }
    }
    if kinds.contains(&Kind::Funnel) && !data.funnel.rows.is_empty() {
        out.push(render(
            "funnel-vs-benchmark".into(),
            Kind::Funnel,
            &funnel::FunnelChart(&data.funnel),
            png,
        )?);
    }
    Ok(out)
}

/// Renders one payout curve (e.g. with only one rep's dot, for that rep's statement).
pub fn render_curve(curve: &PayoutCurve) -> Result<Rendered, ChartError> {
    render(
        curve.scheme_id.clone(),
        Kind::PayoutCurve,
        &payout_curve::PayoutCurveChart(curve),
        false,
    )
}

/// At most this many payout-curve charts in one run (the schemes with the
/// most reps); `fuerza chart payout-curve --scheme ID` draws any other.
pub const MAX_CURVES: usize = 24;

/// The note for schemes whose payout curves a run left out, if any.
pub fn curves_left_out(n: usize) -> Option<String> {
    (n > 0).then(|| {
        format!(
            "{n} more scheme(s) have no payout-curve chart (at most {MAX_CURVES} are drawn, those with the most reps): fuerza chart payout-curve PLAN --scheme ID draws any of them"
        )
    })
}

/// Every kind, in the order `evaluate` writes them.
pub const ALL: [Kind; 5] = [
    Kind::PayoutCurve,
    Kind::Payouts,
    Kind::Attainment,
    Kind::Credit,
    Kind::Funnel,
];
