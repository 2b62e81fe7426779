//! `fuerza quota`: goal × (1 + over_assign) → territories → reps → periods.
//!
//! Territories get a share by the plan's `allocation`; each territory's reps
//! share it by capacity (the ramp- and active-adjusted fraction of the year
//! they can sell); each rep's share is spread over the months by seasonality ×
//! ramp × active days and summed into periods. Every level is rounded by
//! largest remainder, so the rep quotas add up exactly to the allocated total.

use super::round::largest_remainder;
use crate::calendar::Calendar;
use crate::credit::Tenure;
use crate::data::Roster;
use crate::diag::Diagnostic;
use crate::plan::{Allocation, CreditScope, Plan};
use rust_decimal::Decimal;

/// One territory's allocation.
#[derive(Debug, Clone)]
pub struct TerritoryQuota {
    /// Territory id (`(all)` when the plan has none).
    pub id: String,
    /// Its share of the total, as used.
    pub share: Decimal,
    /// Its quota.
    pub quota: Decimal,
    /// The reps carrying it (roster indices).
    pub reps: Vec<usize>,
    /// Their summed capacity (rep-years).
    pub capacity: Decimal,
}

/// One rep's allocation.
#[derive(Debug, Clone)]
pub struct RepQuota {
    /// Roster index.
    pub rep: usize,
    /// Fraction of the year the rep can sell (ramp × active).
    pub capacity: Decimal,
    /// Annual quota.
    pub annual: Decimal,
    /// Quota per period.
    pub periods: Vec<Decimal>,
}

/// The whole allocation.
#[derive(Debug, Clone)]
pub struct Allocated {
    /// goal × (1 + over_assign), in cents.
    pub total: Decimal,
    /// By territory.
    pub territories: Vec<TerritoryQuota>,
    /// By rep.
    pub reps: Vec<RepQuota>,
    /// What a person should know (reps left out, empty territories).
    pub warnings: Vec<Diagnostic>,
}

/// A rep's selling weight in plan month `m`: ramp factor × active fraction of the month.
fn month_weight(plan: &Plan, roster: &Roster, cal: &Calendar, r: usize, m: usize) -> Decimal {
    let t = Tenure::of(&roster.reps[r], cal);
    weight(
        plan,
        roster,
        &t,
        r,
        cal.month_overlap(m, t.from, t.to),
        cal.month_days(m),
        m,
    )
}

/// A rep's selling weight in unit `u` of the calendar (see [`Calendar::units_of`]).
fn unit_weight(plan: &Plan, roster: &Roster, cal: &Calendar, r: usize, u: usize) -> Decimal {
    let t = Tenure::of(&roster.reps[r], cal);
    weight(
        plan,
        roster,
        &t,
        r,
        cal.unit_overlap(u, t.from, t.to),
        cal.unit_days(u),
        cal.unit_month(u),
    )
}

/// Ramp factor at plan month `m` × `active` days of `days`.
fn weight(plan: &Plan, roster: &Roster, t: &Tenure, r: usize, active: i64, days: i64, m: usize) -> Decimal {
    if active == 0 {
        return Decimal::ZERO;
    }
    let ramp = t
        .tenure_month(m)
        .map_or(Decimal::ONE, |k| plan.schemes[roster.reps[r].scheme].ramp_factor(k));
    ramp * Decimal::from(active) / Decimal::from(days)
}

/// Allocates the goal. `prior_year` is each rep's credit of the year before (for history).
pub fn allocate(
    plan: &Plan,
    roster: &Roster,
    cal: &Calendar,
    prior_year: &[Decimal],
) -> Result<Allocated, Vec<Diagnostic>> {
    let Some(annual) = plan.goal.annual else {
        return Err(vec![Diagnostic::error("the plan has no [goal] annual to allocate")
            .with_help("add [goal] annual = ... (the company sales goal)")]);
    };
    let r = plan.rounding;
    let total = r.money(annual * (Decimal::ONE + plan.goal.over_assign));
    let mut warnings = Vec::new();
    let months = 12;
    let weights: Vec<Vec<Decimal>> = (0..roster.reps.len())
        .map(|i| (0..months).map(|m| month_weight(plan, roster, cal, i, m)).collect())
        .collect();
    let capacity: Vec<Decimal> = weights
        .iter()
        .map(|w| w.iter().sum::<Decimal>() / Decimal::from(months))
        .collect();
    let carries =
        |i: usize| plan.schemes[roster.reps[i].scheme].credit == CreditScope::Own && capacity[i] > Decimal::ZERO;

    // Territories and their reps.
    let ids: Vec<String> = if plan.territories.is_empty() {
        vec!["(all)".to_string()]
    } else {
        plan.territories.iter().map(|t| t.id.clone()).collect()
    };
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); ids.len()];
    let mut left_out = Vec::new();
    for (i, rep) in roster.reps.iter().enumerate() {
        if !carries(i) {
            continue;
        }
        let slot = if plan.territories.is_empty() {
            Some(0)
        } else {
            rep.territory.as_ref().and_then(|t| ids.iter().position(|x| x == t))
        };
        match slot {
            Some(s) => members[s].push(i),
            None => left_out.push((rep.id.clone(), rep.scheme)),
        }
    }
    // Reps without a territory keep their scheme's quota when nobody on their
    // scheme has a territory (e.g. SDRs); otherwise they are a gap to report.
    let territorial: Vec<bool> = (0..plan.schemes.len())
        .map(|k| roster.reps.iter().any(|r| r.scheme == k && r.territory.is_some()))
        .collect();
    type Left = Vec<(String, usize)>;
    let (gaps, kept): (Left, Left) = left_out.into_iter().partition(|(_, scheme)| territorial[*scheme]);
    if !gaps.is_empty() {
        let ids: Vec<&str> = gaps.iter().map(|(id, _)| id.as_str()).collect();
        warnings.push(Diagnostic::warning(format!(
            "{} rep(s) with no territory get no quota: {}",
            ids.len(),
            ids.join(", ")
        )));
    }
    let mut kept_schemes: Vec<&str> = kept.iter().map(|(_, k)| plan.schemes[*k].id.as_str()).collect();
    kept_schemes.dedup();
    for s in kept_schemes {
        warnings.push(Diagnostic::warning(format!(
            "no rep on scheme {s:?} has a territory: they get no allocated quota and keep the scheme's quota"
        )));
    }
    let mut errors = Vec::new();
    let potential: Vec<Decimal> = plan
        .territories
        .iter()
        .map(|t| t.potential.unwrap_or_default())
        .collect();
    let history: Vec<Decimal> = members
        .iter()
        .map(|m| m.iter().map(|&i| prior_year.get(i).copied().unwrap_or_default()).sum())
        .collect();
    let share = |v: &[Decimal]| -> Vec<Decimal> {
        let s: Decimal = v.iter().sum();
        v.iter()
            .map(|x| if s.is_zero() { Decimal::ZERO } else { *x / s })
            .collect()
    };
    let needs_potential = matches!(plan.goal.allocation, Allocation::Potential | Allocation::Blend);
    let needs_history = matches!(plan.goal.allocation, Allocation::History | Allocation::Blend);
    if needs_potential && !plan.territories.is_empty() {
        for t in plan.territories.iter().filter(|t| t.potential.is_none()) {
            errors.push(Diagnostic::error(format!(
                "territory {:?} has no `potential`, which allocation by potential needs",
                t.id
            )));
        }
    }
    if needs_history && history.iter().all(Decimal::is_zero) {
        errors.push(
            Diagnostic::error(
                "allocation by history needs deals closed in the year before the plan year, and there are none",
            )
            .with_help(format!(
                "deals.csv needs rows closed from {} to {}",
                cal.prior_start(),
                cal.start().pred_opt().unwrap_or(cal.start())
            )),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut w: Vec<Decimal> = match (plan.goal.allocation, plan.territories.is_empty()) {
        (_, true) | (Allocation::Equal, _) => vec![Decimal::ONE; ids.len()],
        (Allocation::Potential, _) => potential.clone(),
        (Allocation::History, _) => history.clone(),
        (Allocation::Blend, _) => {
            let (bp, bh) = plan.goal.blend.unwrap_or((Decimal::ONE, Decimal::ZERO));
            share(&potential)
                .iter()
                .zip(share(&history))
                .map(|(p, h)| bp * p + bh * h)
                .collect()
        }
    };
    for (k, m) in members.iter().enumerate() {
        if m.is_empty() && !w[k].is_zero() {
            warnings.push(Diagnostic::warning(format!(
                "territory {:?} has no rep to carry quota; its share goes to the others",
                ids[k]
            )));
            w[k] = Decimal::ZERO;
        }
    }
    let shares = share(&w);
    let t_quota = largest_remainder(total, &w, r);
    let mut territories = Vec::new();
    let mut reps = Vec::new();
    for (k, id) in ids.iter().enumerate() {
        let caps: Vec<Decimal> = members[k].iter().map(|&i| capacity[i]).collect();
        let rep_annual = largest_remainder(t_quota[k], &caps, r);
        for (j, &i) in members[k].iter().enumerate() {
            let per_period: Vec<Decimal> = (0..cal.periods())
                .map(|p| {
                    cal.units_of(p)
                        .map(|u| {
                            let (num, den) = plan.unit_share(cal, p, u);
                            num * unit_weight(plan, roster, cal, i, u) / den
                        })
                        .sum()
                })
                .collect();
            reps.push(RepQuota {
                rep: i,
                capacity: caps[j],
                annual: rep_annual[j],
                periods: largest_remainder(rep_annual[j], &per_period, r),
            });
        }
        territories.push(TerritoryQuota {
            id: id.clone(),
            share: shares[k],
            quota: t_quota[k],
            reps: members[k].clone(),
            capacity: caps.iter().sum(),
        });
    }
    reps.sort_by_key(|q| q.rep);
    Ok(Allocated {
        total,
        territories,
        reps,
        warnings,
    })
}
