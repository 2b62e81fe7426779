//! Chart series: plain numbers for the renderers in `chart`, built from engine results.
//!
//! The payout curve is not a second copy of the pay rules: it runs the real
//! engine (`comp::evaluate`) on a synthetic rep of the scheme at each
//! attainment, so what the chart shows is what the plan pays.

use crate::calendar::Calendar;
use crate::comp::{self, Evaluation, LineKind, RepPay};
use crate::credit::{quota, Ledger, Tenure};
use crate::data::quotas::Quotas;
use crate::data::{Rep, Roster};
use crate::plan::{CreditScope, Plan};
use crate::units::DealType;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// One point of a payout curve: annual pay at one attainment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurvePoint {
    /// Attainment (credit ÷ quota) in every period of the year.
    pub attainment: Decimal,
    /// Incentive paid over the year.
    pub incentive: Decimal,
    /// Base pay + incentive paid over the year.
    pub total: Decimal,
}

/// One actual rep on a payout curve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepDot {
    /// The rep's display name.
    pub name: String,
    /// Year credit ÷ year quota.
    pub attainment: Decimal,
    /// Incentive paid over the year.
    pub incentive: Decimal,
    /// Total pay over the year.
    pub total: Decimal,
}

/// The payout curve of one scheme.
#[derive(Debug, Clone)]
pub struct PayoutCurve {
    /// Scheme id.
    pub scheme_id: String,
    /// Scheme name.
    pub scheme_name: String,
    /// Plan currency.
    pub currency: String,
    /// Annual base salary.
    pub base_salary: Decimal,
    /// Annual target incentive.
    pub target_incentive: Decimal,
    /// Points from 0 to `max_attainment`, evenly spaced.
    pub points: Vec<CurvePoint>,
    /// Where incentive starts (only when it starts above 0%).
    pub threshold: Option<CurvePoint>,
    /// Pay at 100%.
    pub target: CurvePoint,
    /// Where a cap first cuts earned incentive, if it does in range.
    pub cap: Option<CurvePoint>,
    /// The scheme's actual reps (those with a quota).
    pub reps: Vec<RepDot>,
    /// Components the curve cannot show (SPIFFs, overrides), by name.
    pub not_on_curve: Vec<String>,
}

/// Steps between 0 and the curve's last attainment.
pub const CURVE_STEPS: u32 = 200;

/// The synthetic rep's year at attainment `a` in every period.
fn synthetic_year(plan: &Plan, cal: &Calendar, scheme: usize, a: Decimal) -> Option<RepPay> {
    let roster = Roster::from_reps(vec![Rep {
        id: "synthetic".into(),
        name: "synthetic".into(),
        scheme,
        territory: None,
        manager: None,
        hire: None,
        end: None,
        line: 0,
    }]);
    let none = Quotas::new();
    let tenure = Tenure::of(&roster.reps[0], cal);
    let mut ledger = Ledger::new(plan, &roster, cal, false);
    for p in 0..cal.periods() {
        let q = quota::quota(plan, &plan.schemes[scheme], &tenure, cal, &none, 0, p);
        ledger.add_credit(0, p, DealType::New, None, a * q);
    }
    comp::evaluate(plan, &roster, cal, &ledger, &none)
        .reps
        .into_iter()
        .next()
}

/// What the synthetic year says at one attainment: the point, whether anything
/// was earned, and whether a cap cut it.
fn probe(plan: &Plan, cal: &Calendar, scheme: usize, a: Decimal) -> (CurvePoint, bool, bool) {
    match synthetic_year(plan, cal, scheme, a) {
        Some(y) => {
            let earned = y.total(|p| p.earned) > Decimal::ZERO;
            // Component and scheme caps are the only negative earned lines.
            let capped = y
                .periods
                .iter()
                .flat_map(|p| &p.lines)
                .any(|l| l.kind == LineKind::Earned && l.amount < Decimal::ZERO);
            let point = CurvePoint {
                attainment: a,
                incentive: y.total(|p| p.incentive_paid),
                total: y.total(|p| p.total_pay),
            };
            (point, earned, capped)
        }
        None => (
            CurvePoint {
                attainment: a,
                incentive: Decimal::ZERO,
                total: Decimal::ZERO,
            },
            false,
            false,
        ),
    }
}

/// What the scheme pays over the year at attainment `a` in every period, paid
/// by the engine on a synthetic rep (the point the payout curve draws there).
pub fn pay_at(plan: &Plan, cal: &Calendar, scheme: usize, a: Decimal) -> CurvePoint {
    probe(plan, cal, scheme, a).0
}

/// Narrows the attainment where `test` turns true between `lo` (false) and `hi` (true).
fn bisect(lo: Decimal, hi: Decimal, mut test: impl FnMut(Decimal) -> bool) -> Decimal {
    let (mut lo, mut hi) = (lo, hi);
    let eps = Decimal::new(1, 6);
    while hi - lo > eps {
        let mid = (lo + hi) / Decimal::TWO;
        if test(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    // Bounds in plans are written with few decimals: snap to 4 when that is still on the true side.
    let snapped = hi.round_dp(4);
    if snapped <= hi && test(snapped) {
        snapped
    } else {
        hi
    }
}

/// A rep's year credit ÷ year quota (`None` without a quota).
pub fn year_attainment(rp: &RepPay) -> Option<Decimal> {
    let q = rp.total(|p| p.quota);
    (q > Decimal::ZERO).then(|| rp.total(|p| p.credit) / q)
}

/// The payout curve of every scheme with a quota, from 0% to 200% (further when a rep is beyond).
pub fn payout_curves(plan: &Plan, cal: &Calendar, roster: &Roster, ev: &Evaluation) -> Vec<PayoutCurve> {
    let all: Vec<usize> = (0..plan.schemes.len()).collect();
    payout_curves_for(plan, cal, roster, ev, &all)
}

/// The schemes (indices, in plan order) whose payout curves a report draws: all
/// when there are at most `max`, else the `max` with the most reps; and how many
/// were left out.
pub fn busiest_schemes(plan: &Plan, roster: &Roster, max: usize) -> (Vec<usize>, usize) {
    let drawable: Vec<usize> = (0..plan.schemes.len())
        .filter(|&s| plan.schemes[s].quota > Decimal::ZERO)
        .collect();
    if drawable.len() <= max {
        return (drawable, 0);
    }
    let mut count = vec![0usize; plan.schemes.len()];
    for r in &roster.reps {
        count[r.scheme] += 1;
    }
    let mut ranked = drawable.clone();
    ranked.sort_by_key(|&s| (std::cmp::Reverse(count[s]), s));
    ranked.truncate(max);
    ranked.sort_unstable();
    (ranked, drawable.len() - max)
}

/// [`payout_curves`] of the schemes in `schemes` only (indices into the plan's schemes).
pub fn payout_curves_for(
    plan: &Plan,
    cal: &Calendar,
    roster: &Roster,
    ev: &Evaluation,
    schemes: &[usize],
) -> Vec<PayoutCurve> {
    let mut by_scheme: Vec<Vec<&crate::comp::RepPay>> = vec![Vec::new(); plan.schemes.len()];
    for rp in &ev.reps {
        by_scheme[roster.reps[rp.rep].scheme].push(rp);
    }
    let mut out = Vec::new();
    for &s in schemes {
        let Some(scheme) = plan.schemes.get(s) else { continue };
        if scheme.quota <= Decimal::ZERO {
            continue;
        }
        let reps: Vec<RepDot> = by_scheme[s]
            .iter()
            .filter_map(|rp| {
                year_attainment(rp).map(|a| RepDot {
                    name: roster.reps[rp.rep].name.clone(),
                    attainment: a,
                    incentive: rp.total(|p| p.incentive_paid),
                    total: rp.total(|p| p.total_pay),
                })
            })
            .collect();
        let quarter = Decimal::new(25, 2);
        let top = reps.iter().map(|r| r.attainment).max().unwrap_or_default();
        let max = if top > Decimal::TWO {
            (top / quarter).ceil() * quarter
        } else {
            Decimal::TWO
        };
        let step = max / Decimal::from(CURVE_STEPS);
        let mut points = Vec::with_capacity(CURVE_STEPS as usize + 1);
        let mut threshold = None;
        let mut cap = None;
        let mut prev: Option<(Decimal, bool, bool)> = None;
        for i in 0..=CURVE_STEPS {
            let a = step * Decimal::from(i);
            let (pt, earned, capped) = probe(plan, cal, s, a);
            if let Some((pa, pearned, pcapped)) = prev {
                if earned && !pearned && threshold.is_none() && i > 1 {
                    let at = bisect(pa, a, |x| probe(plan, cal, s, x).1);
                    threshold = Some(probe(plan, cal, s, at).0);
                }
                if capped && !pcapped && cap.is_none() {
                    let at = bisect(pa, a, |x| probe(plan, cal, s, x).2);
                    cap = Some(probe(plan, cal, s, at).0);
                }
            }
            prev = Some((a, earned, capped));
            points.push(pt);
        }
        let not_on_curve = scheme
            .components
            .iter()
            .filter(|c| {
                matches!(
                    c.kind,
                    crate::plan::ComponentKind::Spiff { .. }
                        | crate::plan::ComponentKind::Override { .. }
                        | crate::plan::ComponentKind::Mbo { .. }
                )
            })
            .map(|c| c.name.clone())
            .collect();
        out.push(PayoutCurve {
            scheme_id: scheme.id.clone(),
            scheme_name: scheme.name.clone(),
            currency: plan.currency.clone(),
            base_salary: scheme.base_salary,
            target_incentive: scheme.target_incentive,
            target: probe(plan, cal, s, Decimal::ONE).0,
            points,
            threshold,
            cap,
            reps,
            not_on_curve,
        });
    }
    out
}

/// One rep's bar: incentive paid over the year, split by component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepBar {
    /// Rep id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Year attainment, when the rep has a quota.
    pub attainment: Option<Decimal>,
    /// Amount per entry of `RepPayouts::parts` (same order); may be negative (caps, clawbacks, recoveries).
    pub parts: Vec<Decimal>,
    /// Incentive paid over the year (the sum of `parts`).
    pub incentive: Decimal,
}

/// Incentive paid by rep, stacked by component, sorted from the highest paid.
#[derive(Debug, Clone)]
pub struct RepPayouts {
    /// Plan currency.
    pub currency: String,
    /// The stack's parts: component names, then scheme caps, clawbacks, draws, recoveries and adjustments.
    pub parts: Vec<String>,
    /// One bar per rep, highest incentive first (ties by id).
    pub reps: Vec<RepBar>,
}

/// The part a statement line is stacked in.
fn part_of(kind: LineKind, component: &str) -> String {
    match kind {
        LineKind::Earned => component.to_string(),
        LineKind::Clawback => "Clawbacks".into(),
        LineKind::DrawTopup | LineKind::Deficit => "Draw top-ups".into(),
        LineKind::Recovered => "Recoveries".into(),
        LineKind::Adjustment => "Adjustments".into(),
    }
}

/// Payouts by rep: every line of the year summed into its part.
pub fn rep_payouts(plan: &Plan, roster: &Roster, ev: &Evaluation) -> RepPayouts {
    let mut parts: Vec<String> = Vec::new();
    let mut push = |name: String| {
        if !parts.contains(&name) {
            parts.push(name);
        }
    };
    for s in &plan.schemes {
        for c in &s.components {
            push(c.name.clone());
        }
    }
    let lines = || ev.reps.iter().flat_map(|r| &r.periods).flat_map(|p| &p.lines);
    for kind in [
        LineKind::Earned,
        LineKind::DrawTopup,
        LineKind::Clawback,
        LineKind::Recovered,
        LineKind::Adjustment,
    ] {
        for l in lines().filter(|l| l.kind == kind || (kind == LineKind::DrawTopup && l.kind == LineKind::Deficit)) {
            push(part_of(l.kind, &l.component));
        }
    }
    let used: Vec<bool> = parts
        .iter()
        .map(|name| lines().any(|l| part_of(l.kind, &l.component) == *name && !l.amount.is_zero()))
        .collect();
    let parts: Vec<String> = parts
        .into_iter()
        .zip(&used)
        .filter(|(_, u)| **u)
        .map(|(p, _)| p)
        .collect();
    let mut reps: Vec<RepBar> = ev
        .reps
        .iter()
        .map(|rp| {
            let mut amounts = vec![Decimal::ZERO; parts.len()];
            for l in rp.periods.iter().flat_map(|p| &p.lines) {
                let name = part_of(l.kind, &l.component);
                if let Some(i) = parts.iter().position(|p| *p == name) {
                    amounts[i] += l.amount;
                }
            }
            let rep = &roster.reps[rp.rep];
            RepBar {
                id: rep.id.clone(),
                name: rep.name.clone(),
                attainment: year_attainment(rp),
                parts: amounts,
                incentive: rp.total(|p| p.incentive_paid),
            }
        })
        .collect();
    reps.sort_by(|a, b| b.incentive.cmp(&a.incentive).then_with(|| a.id.cmp(&b.id)));
    RepPayouts {
        currency: plan.currency.clone(),
        parts,
        reps,
    }
}

/// One histogram bin of year attainment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bin {
    /// Lower bound (inclusive).
    pub from: Decimal,
    /// Upper bound (exclusive); `None` for the open last bin.
    pub to: Option<Decimal>,
    /// Reps in the bin.
    pub count: usize,
}

/// The distribution of year attainment over the reps with a quota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttainmentDistribution {
    /// 10-point bins from 0% to 200%, then one for 200% and above.
    pub bins: Vec<Bin>,
    /// Reps with a year quota.
    pub with_quota: usize,
    /// Of them, reps at or above 100%.
    pub at_or_above: usize,
    /// Median attainment, when any rep has a quota.
    pub median: Option<Decimal>,
}

/// Width of an attainment bin.
pub const BIN_WIDTH: Decimal = Decimal::from_parts(10, 0, 0, false, 2);

/// Year attainment of every rep with a quota, binned.
pub fn attainment_distribution(ev: &Evaluation) -> AttainmentDistribution {
    let mut atts: Vec<Decimal> = ev.reps.iter().filter_map(year_attainment).collect();
    atts.sort();
    let n_bins = 20;
    let mut bins: Vec<Bin> = (0..=n_bins)
        .map(|i| Bin {
            from: BIN_WIDTH * Decimal::from(i),
            to: (i < n_bins).then(|| BIN_WIDTH * Decimal::from(i + 1)),
            count: 0,
        })
        .collect();
    for a in &atts {
        let i = (*a / BIN_WIDTH).floor().to_usize().unwrap_or(0).min(n_bins);
        bins[i].count += 1;
    }
    let median = match atts.len() {
        0 => None,
        n if n % 2 == 1 => Some(atts[n / 2]),
        n => Some((atts[n / 2 - 1] + atts[n / 2]) / Decimal::TWO),
    };
    AttainmentDistribution {
        with_quota: atts.len(),
        at_or_above: atts.iter().filter(|a| **a >= Decimal::ONE).count(),
        bins,
        median,
    }
}

/// Credit against quota by period for one group of reps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditPanel {
    /// Group name ("Team", a region's name, or "No region").
    pub name: String,
    /// Per period: (label, own credit of the group's reps, quota of its reps credited on their own deals).
    pub periods: Vec<(String, Decimal, Decimal)>,
}

/// Credit against quota: the team, then each region when the plan has regions.
#[derive(Debug, Clone)]
pub struct CreditVsQuota {
    /// Plan currency.
    pub currency: String,
    /// The team's panel.
    pub team: CreditPanel,
    /// The company goal by period, when the plan sets one.
    pub goal: Option<Vec<Decimal>>,
    /// One panel per region (and "No region" for reps without one), when regions exist.
    pub regions: Vec<CreditPanel>,
}

/// Sums own credit and quota by period for the reps `members`. Team-credited
/// reps (managers) add no quota: their quota covers their reports' credit,
/// which the group already counts once.
fn panel(
    name: String,
    members: &[usize],
    plan: &Plan,
    cal: &Calendar,
    roster: &Roster,
    ledger: &Ledger,
    ev: &Evaluation,
) -> CreditPanel {
    let periods = (0..cal.periods())
        .map(|p| {
            let mut credit = Decimal::ZERO;
            let mut q = Decimal::ZERO;
            for &r in members {
                credit += roster.rep_segs[r].iter().map(|&s| ledger.credit(s, p)).sum::<Decimal>();
                if plan.schemes[roster.reps[r].scheme].credit == CreditScope::Own {
                    q += ev.reps[r].periods[p].quota;
                }
            }
            (cal.label(p).to_string(), credit, q)
        })
        .collect();
    CreditPanel { name, periods }
}

/// Credit against quota by period for the team and per region.
pub fn credit_vs_quota(
    plan: &Plan,
    cal: &Calendar,
    roster: &Roster,
    ledger: &Ledger,
    ev: &Evaluation,
) -> CreditVsQuota {
    let all: Vec<usize> = (0..roster.reps.len()).collect();
    let team = panel("Team".into(), &all, plan, cal, roster, ledger, ev);
    let goal = plan.goal.annual.map(|g| {
        (0..cal.periods())
            .map(|p| {
                let (num, den) = plan.share(cal, p);
                plan.rounding.money(g * num / den)
            })
            .collect()
    });
    let region_of = |r: usize| -> Option<usize> {
        let t = roster.reps[r].territory.as_deref()?;
        let reg = plan.territories.iter().find(|x| x.id == t)?.region.as_deref()?;
        plan.regions.iter().position(|x| x.id == reg)
    };
    let mut regions = Vec::new();
    if !plan.regions.is_empty() {
        for (i, reg) in plan.regions.iter().enumerate() {
            let members: Vec<usize> = all.iter().copied().filter(|&r| region_of(r) == Some(i)).collect();
            if !members.is_empty() {
                regions.push(panel(reg.name.clone(), &members, plan, cal, roster, ledger, ev));
            }
        }
        let rest: Vec<usize> = all.iter().copied().filter(|&r| region_of(r).is_none()).collect();
        if !rest.is_empty() {
            regions.push(panel("No region".into(), &rest, plan, cal, roster, ledger, ev));
        }
    }
    CreditVsQuota {
        currency: plan.currency.clone(),
        team,
        goal,
        regions,
    }
}

/// One rep's conversion on one transition, against its benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunnelCell {
    /// converted ÷ resolved.
    pub rate: Decimal,
    /// The benchmark (fixed, or the other reps' pooled rate), when there is one.
    pub benchmark: Option<Decimal>,
    /// Resolved opportunities.
    pub resolved: u64,
    /// Whether fractures flagged this transition for this rep.
    pub fractured: bool,
}

/// One rep's row of the funnel grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelRow {
    /// Display name.
    pub name: String,
    /// One cell per transition; `None` when nothing was resolved.
    pub cells: Vec<Option<FunnelCell>>,
}

/// Every rep's funnel against the benchmark, fractures marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelGrid {
    /// Transition labels, `from→to`.
    pub transitions: Vec<String>,
    /// Reps with at least one resolved opportunity: fractured first (most first), then by name.
    pub rows: Vec<FunnelRow>,
    /// Fewer resolved opportunities than this is a small sample (never flagged).
    pub min_opportunities: u64,
}

/// The funnel grid from the funnel counts and the flagged fractures.
pub fn funnel_grid(plan: &Plan, roster: &Roster, opps: &[crate::data::Opp]) -> FunnelGrid {
    let process = &plan.process;
    let (found, funnels, team) = crate::funnel::find(opps, roster.reps.len(), process);
    let transitions: Vec<String> = process
        .stages
        .windows(2)
        .map(|w| format!("{}→{}", w[0], w[1]))
        .collect();
    let mut rows: Vec<(usize, FunnelRow)> = funnels
        .iter()
        .enumerate()
        .filter(|(_, f)| f.transitions.iter().any(|c| c.resolved > 0))
        .map(|(r, f)| {
            let cells = f
                .transitions
                .iter()
                .enumerate()
                .map(|(k, c)| {
                    c.rate().map(|rate| FunnelCell {
                        rate,
                        benchmark: crate::funnel::fractures::benchmark(process, &funnels, &team, r, k),
                        resolved: c.resolved,
                        fractured: found.iter().any(|x| x.rep == r && x.transition == k),
                    })
                })
                .collect();
            let n = found.iter().filter(|x| x.rep == r).count();
            (
                n,
                FunnelRow {
                    name: roster.reps[r].name.clone(),
                    cells,
                },
            )
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    FunnelGrid {
        transitions,
        rows: rows.into_iter().map(|(_, r)| r).collect(),
        min_opportunities: process.min_opportunities,
    }
}
