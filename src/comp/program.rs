//! The compiled pay program: a plan resolved against the roster and the
//! calendar once, so that `evaluate` (with statement lines) and `simulate`
//! (batched over trials, without them) pay by the same terms and rules.
//!
//! [`compile`] takes every field of the plan's schemes, components and draws
//! apart by name: a field added to the plan does not compile until the
//! program handles it (or says here where it is handled). Per rep and period
//! the program holds the quota, the active share of the period, base pay and
//! the draw guarantee in cents; per scheme the caps in cents. The tier rule
//! ([`tier_lines`]) is written once over any credit representation: exact
//! decimals in `evaluate`, integer credit units in the simulation.

use crate::calendar::Calendar;
use crate::credit::{quota, Tenure};
use crate::data::quotas::Quotas;
use crate::data::Roster;
use crate::plan::{Component, ComponentKind, CreditScope, Draw, Method, Plan, Scheme};
use crate::units::Rounding;
use rust_decimal::Decimal;

use super::settle::{cap_cents, decimal_cents};

/// One rep's terms in one period.
#[derive(Debug, Clone)]
pub struct PeriodTerms {
    /// The quota, rounded to cents.
    pub quota: Decimal,
    /// The active share of the period: `num ÷ den` (hire and end dates).
    pub num: Decimal,
    /// See `num`.
    pub den: Decimal,
    /// `den ÷ the period's share of the year` (`den × periods`, or the days in
    /// the year for weeks): a yearly amount's share of this period is `x × num ÷ year_den`.
    pub year_den: Decimal,
    /// Base pay, cents.
    pub base: i64,
    /// The draw guarantee in cents, and whether top-ups are recoverable.
    pub guarantee: Option<(i64, bool)>,
    /// On-target earnings for the active share of the period, cents.
    pub ote: i64,
}

/// A scheme's caps, in whole cents.
#[derive(Debug, Clone)]
pub struct SchemeTerms {
    /// Whose credit counts.
    pub scope: CreditScope,
    /// Period cap.
    pub cap_period: Option<i64>,
    /// Year cap.
    pub cap_year: Option<i64>,
    /// Per component: its cap.
    pub caps: Vec<Option<i64>>,
    /// Clawback window in days.
    pub clawback_days: Option<i64>,
    /// The share of a clawback recovered by days from close to cancel: (within_days, share), increasing (empty: all).
    pub clawback_schedule: Vec<(i64, Decimal)>,
    /// The draw's recovery cap as a fraction (num, den), if any.
    pub recovery_cap: Option<(i64, i64)>,
    /// Per component: whether it is paid on year-to-date attainment with a true-up.
    pub cumulative: Vec<bool>,
}

impl SchemeTerms {
    /// The share recovered of a cancellation `days` after close, within the window (1 without a schedule; 0 past its last bound).
    pub fn clawback_share(&self, days: i64) -> Decimal {
        crate::credit::ledger::clawback_share(&self.clawback_schedule, days)
    }
}

/// One rep's program.
#[derive(Debug, Clone)]
pub struct RepTerms {
    /// The rep's scheme (index into the plan's schemes).
    pub scheme: usize,
    /// Per period.
    pub periods: Vec<PeriodTerms>,
}

/// A plan compiled for a roster and calendar.
#[derive(Debug, Clone)]
pub struct Program {
    /// Rounding of money.
    pub rounding: Rounding,
    /// Periods in the year.
    pub periods: usize,
    /// Per scheme.
    pub schemes: Vec<SchemeTerms>,
    /// Per rep, in roster order.
    pub reps: Vec<RepTerms>,
}

/// A yearly or per-period money amount for an active share, rounded to cents.
fn share_cents(rounding: Rounding, x: Decimal, num: Decimal, den: Decimal) -> i64 {
    decimal_cents(rounding.money(x * num / den))
        .and_then(|c| i64::try_from(c).ok())
        .unwrap_or(i64::MAX)
}

/// A scheme's terms, every field named.
fn scheme_terms(s: &Scheme) -> SchemeTerms {
    let Scheme {
        // Labels: statements and tables.
        id: _,
        name: _,
        // Per rep and period, in `compile`; the draw's recovery cap here.
        base_salary: _,
        target_incentive: _,
        draw,
        // Quotas: `credit::quota`; credit weights and multipliers: `credit::Ledger`
        // and the simulation's credit units.
        quota: _,
        ramp: _,
        weights: _,
        products: _,
        // Column multipliers: `credit::rows::row_credit`; the simulation's history values.
        multipliers: _,
        // What a row's credit measures: `credit::rows::row_credit`.
        measure: _,
        credit,
        cap_period,
        cap_year,
        clawback_days,
        clawback_schedule,
        components,
    } = s;
    SchemeTerms {
        scope: *credit,
        cap_period: cap_period.map(cap_cents),
        cap_year: cap_year.map(cap_cents),
        caps: components.iter().map(component_cap).collect(),
        clawback_days: *clawback_days,
        clawback_schedule: clawback_schedule.clone(),
        recovery_cap: draw.as_ref().and_then(|d| d.recovery_cap).map(|c| {
            let c = c.normalize();
            (i64::try_from(c.mantissa()).unwrap_or(0), 10i64.pow(c.scale().min(18)))
        }),
        cumulative: components.iter().map(|c| c.cumulative).collect(),
    }
}

/// A component's cap in cents, every field and kind named (the kinds' rules
/// are in `components`, and in the simulation's compiled steps).
fn component_cap(c: &Component) -> Option<i64> {
    let Component {
        name: _,
        cap,
        kind,
        // In `scheme_terms`.
        cumulative: _,
        // Checked where the engine pays the component (`comp::try_evaluate`).
        gate: _,
    } = c;
    match kind {
        ComponentKind::Commission {
            basis: _,
            method: _,
            tiers: _,
            filter: _,
            above: _,
            // Paid deal row by deal row in `components::lines` (the ledger keeps the rows).
            deal_limits: _,
        }
        | ComponentKind::Bonus { target: _, curve: _ }
        | ComponentKind::Milestone { at: _, amount: _ }
        | ComponentKind::Spiff {
            filter: _,
            from: _,
            to: _,
            per_deal: _,
            min_amount: _,
            split: _,
        }
        | ComponentKind::Contest {
            filter: _,
            from: _,
            to: _,
            prizes: _,
            by: _,
        }
        | ComponentKind::Override { rate: _, scope: _ }
        | ComponentKind::Mbo {
            target: _,
            max_score: _,
        } => cap.map(cap_cents),
    }
}

/// Compiles `plan` for every rep of the roster over the calendar, with the
/// quotas given in quotas.csv.
pub fn compile(plan: &Plan, roster: &Roster, cal: &Calendar, explicit: &Quotas) -> Program {
    // Plan-wide settings the pay rules read: rounding (here) and the
    // calendar (`cal`); the rest describes the year for other commands.
    let Plan {
        rounding,
        schemes,
        name: _,
        currency: _,
        year_start: _,
        period: _,
        data: _,
        goal: _,
        structure: _,
        regions: _,
        territories: _,
        process: _,
        data_map: _,
        capacity: _,
        recruiting: _,
    } = plan;
    let n = cal.periods();
    // Per segment: a rep's assignment (segment r is rep r's reps.csv row).
    let tenures: Vec<Tenure> = roster
        .segs
        .iter()
        .map(|seg| Tenure::of_seg(&roster.reps[seg.rep], seg, cal))
        .collect();
    let reps = roster
        .segs
        .iter()
        .enumerate()
        .map(|(si, seg)| {
            let r = seg.rep;
            let scheme = &schemes[seg.scheme];
            let tenure = &tenures[si];
            let base_salary = seg.base_salary.unwrap_or(scheme.base_salary);
            let annual = seg.quota.unwrap_or(scheme.quota);
            let periods = (0..n)
                .map(|p| {
                    let (num, den) = tenure.active(cal, p);
                    // A yearly amount's share of the period: x × num ÷ year_den.
                    let (yn, yd) = cal.year_share(p);
                    let year_den = den * yd / yn;
                    let guarantee = match &scheme.draw {
                        Some(Draw {
                            amount,
                            recoverable,
                            months,
                            by_month,
                            // In `scheme_terms`.
                            recovery_cap: _,
                        }) if tenure.draw_active(cal, p, *months) => {
                            let amount = draw_amount(*amount, by_month, tenure, cal, p, *months);
                            Some((share_cents(*rounding, amount, num, den), *recoverable))
                        }
                        _ => None,
                    };
                    let quota = match explicit.get(&(r, p)) {
                        // quotas.csv gives the rep's period; its assignments share it by days in force.
                        Some(q) if roster.rep_segs[r].len() > 1 => split_quota(
                            *rounding,
                            *q,
                            &roster.rep_segs[r],
                            si,
                            roster.seg_at(r, cal.period_end(p)),
                            |s| tenures[s].active(cal, p).0,
                        ),
                        Some(q) => rounding.money(*q),
                        None => rounding.money(quota::computed_of(plan, scheme, annual, tenure, cal, p)),
                    };
                    PeriodTerms {
                        quota,
                        num,
                        den,
                        year_den,
                        base: share_cents(*rounding, base_salary, num, year_den),
                        guarantee,
                        ote: share_cents(*rounding, base_salary + scheme.target_incentive, num, year_den),
                    }
                })
                .collect();
            RepTerms {
                scheme: seg.scheme,
                periods,
            }
        })
        .collect();
    Program {
        rounding: *rounding,
        periods: n,
        schemes: schemes.iter().map(scheme_terms).collect(),
        reps,
    }
}

/// A period's draw guarantee before proration: `amount`, or with an amount
/// per tenure month (`by_month`, the last repeating) the one of the tenure
/// month of the period's first month within the draw (the last amount
/// when the rep has no hire_date).
fn draw_amount(
    amount: Decimal,
    by_month: &[Decimal],
    tenure: &Tenure,
    cal: &Calendar,
    p: usize,
    months: Option<u64>,
) -> Decimal {
    let Some(last) = by_month.last() else {
        return amount;
    };
    let within = |t: i64| t >= 1 && months.is_none_or(|k| t <= k as i64);
    cal.units_of(p)
        .filter_map(|u| tenure.tenure_month(cal.unit_month(u)))
        .find(|&t| within(t))
        .and_then(|t| by_month.get(usize::try_from(t - 1).ok()?).copied())
        .unwrap_or(*last)
}

/// Segment `me`'s share of a quota `q` given for its rep's period, split over
/// the rep's segments `segs` by their days in force (`days`): each share
/// rounded, the last segment in force taking what is left, so the shares
/// add up to `q` exactly.
/// With no day in force (a rep who left), it goes to `paid`, the segment the period is paid under.
fn split_quota(
    rounding: Rounding,
    q: Decimal,
    segs: &[usize],
    me: usize,
    paid: usize,
    days: impl Fn(usize) -> Decimal,
) -> Decimal {
    let q = rounding.money(q);
    let total: Decimal = segs.iter().map(|&s| days(s)).sum();
    if total.is_zero() {
        return if me == paid { q } else { Decimal::ZERO };
    }
    let last = segs.iter().rev().copied().find(|&s| !days(s).is_zero());
    if last == Some(me) {
        let others: Decimal = segs
            .iter()
            .filter(|&&s| s != me)
            .map(|&s| rounding.money(q * days(s) / total))
            .sum();
        q - others
    } else {
        rounding.money(q * days(me) / total)
    }
}

/// Credit as the tier rule sees it: exact decimals, or integer credit units.
pub trait Credit: Copy + PartialOrd + std::ops::Sub<Output = Self> {
    /// No credit.
    const ZERO: Self;
}

impl Credit for Decimal {
    const ZERO: Self = Decimal::ZERO;
}

impl Credit for i64 {
    const ZERO: Self = 0;
}

impl Credit for i128 {
    const ZERO: Self = 0;
}

/// The tier a credit `cr` reaches against increasing lower bounds `lo`:
/// marginal tiers are reached by credit above their bound, a retroactive tier
/// by credit at or above it (`None`: no tier).
#[inline(always)]
pub fn reached<C: Credit>(method: Method, cr: C, lo: &[C]) -> Option<usize> {
    let k = match method {
        Method::Marginal => lo.iter().filter(|&&l| cr > l).count(),
        Method::Retroactive => lo.iter().filter(|&&l| l <= cr).count(),
    };
    k.checked_sub(1)
}

/// What a retroactive tier pays on: all the credit, or the credit above `above`.
#[inline(always)]
fn retro_base<C: Credit>(cr: C, above: Option<C>) -> C {
    match above {
        Some(a) if cr > a => cr - a,
        Some(_) => C::ZERO,
        None => cr,
    }
}

/// The tier rule: for credit `cr` (> 0) against tier lower bounds `lo`
/// (increasing, in credit), calls `line(tier, slice)` for each tier line.
/// Marginal: every tier the credit passes pays its slice. Retroactive: the
/// highest tier reached pays all the credit (above `above`, when given).
#[inline(always)]
pub fn tier_lines<C: Credit>(method: Method, cr: C, lo: &[C], above: Option<C>, mut line: impl FnMut(usize, C)) {
    let Some(t) = reached(method, cr, lo) else {
        return;
    };
    match method {
        Method::Marginal => {
            for k in 0..=t {
                let top = match lo.get(k + 1) {
                    Some(&hi) if hi < cr => hi,
                    _ => cr,
                };
                line(k, top - lo[k]);
            }
        }
        Method::Retroactive => line(t, retro_base(cr, above)),
    }
}

/// The tier rule's amount in cents, without the lines: marginal, the full
/// tiers below the reached one (`full`, from [`full_tiers`]) and the line of
/// its slice; retroactive, the one line. `None`: beyond 64 bits.
#[inline(always)]
pub fn tier_amount<C: Credit>(
    method: Method,
    cr: C,
    lo: &[C],
    full: &[i64],
    above: Option<C>,
    line: impl FnOnce(usize, C) -> Option<i64>,
) -> Option<i64> {
    let Some(t) = reached(method, cr, lo) else {
        return Some(0);
    };
    match method {
        Method::Marginal => full[t].checked_add(line(t, cr - lo[t])?),
        Method::Retroactive => line(t, retro_base(cr, above)),
    }
}

/// The amounts of the full tiers below each tier, by the tier rule: entry
/// `k` is what credit exactly at `lo[k]` earns (`None` when beyond 64 bits).
pub fn full_tiers<C: Credit>(lo: &[C], mut line: impl FnMut(usize, C) -> Option<i64>) -> Vec<Option<i64>> {
    lo.iter()
        .map(|&at| {
            let mut sum = Some(0i64);
            tier_lines(Method::Marginal, at, lo, None, |k, slice| {
                sum = sum.and_then(|s| s.checked_add(line(k, slice)?));
            });
            sum
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marginal_tiers_pay_each_slice_retroactive_the_highest_on_all() {
        let lo = [0i64, 100, 250];
        let mut seen = Vec::new();
        tier_lines(Method::Marginal, 300, &lo, None, |k, s| seen.push((k, s)));
        assert_eq!(seen, [(0, 100), (1, 150), (2, 50)]);
        seen.clear();
        tier_lines(Method::Marginal, 100, &lo, None, |k, s| seen.push((k, s)));
        assert_eq!(seen, [(0, 100)]);
        seen.clear();
        tier_lines(Method::Retroactive, 260, &lo, Some(200), |k, s| seen.push((k, s)));
        assert_eq!(seen, [(2, 60)]);
        seen.clear();
        tier_lines(Method::Retroactive, 150, &lo, Some(200), |k, s| seen.push((k, s)));
        assert_eq!(seen, [(1, 0)]);
        // Full tiers below each bound: 0, 100 × 1, then + 150 × 2.
        let full = full_tiers(&lo, |k, s| Some(s * (k as i64 + 1)));
        assert_eq!(full, [Some(0), Some(100), Some(400)]);
        // The amount without lines is the sum of the lines, for every credit.
        let full: Vec<i64> = full.into_iter().map(|f| f.unwrap_or(i64::MAX)).collect();
        for method in [Method::Marginal, Method::Retroactive] {
            for cr in 1..400i64 {
                let mut sum = 0;
                tier_lines(method, cr, &lo, Some(50), |k, s| sum += s * (k as i64 + 1));
                let amount = tier_amount(method, cr, &lo, &full, Some(50), |k, s| Some(s * (k as i64 + 1)));
                assert_eq!(amount, Some(sum), "{method:?} {cr}");
            }
        }
    }
}
