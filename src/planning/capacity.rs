//! `fuerza capacity`: a month-by-month cohort model of selling capacity, and
//! the fewest hires that make the goal.
//!
//! Each rep contributes `productivity / 12 × ramp(tenure month) × survival`
//! in each plan month, where survival falls by the monthly attrition
//! `1 − (1 − attrition)^(1/12)`. Hires can start no earlier than
//! `hire_lead_months` into the year; since an earlier start never gives less
//! capacity, the fewest hires that make the annual goal all start in that
//! first possible month. When hires can add no capacity before the year ends
//! (the ramp pays nothing in the months left) and the staff fall short, the
//! goal is out of reach: [`CapacityPlan::shortfall`] says by how much.

use crate::calendar::Calendar;
use crate::credit::Tenure;
use crate::data::Roster;
use crate::diag::Diagnostic;
use crate::plan::{Capacity, CreditScope, Plan, Productivity, Scheme};
use crate::units::{fmt_money_human, fmt_pct};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;

/// One month of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Month {
    /// Plan month index (0-based).
    pub month: usize,
    /// Expected headcount (existing reps and planned hires, after attrition).
    pub headcount: f64,
    /// Ramped-rep equivalents.
    pub ramped: f64,
    /// Selling capacity (credit).
    pub capacity: f64,
    /// The goal's share of this month.
    pub goal: f64,
    /// Hires to start this month.
    pub hires: u64,
}

/// The plan the model arrives at.
#[derive(Debug, Clone)]
pub struct CapacityPlan {
    /// The scheme whose ramp and quota were used.
    pub scheme: String,
    /// Annual credit of a fully ramped rep.
    pub productivity: f64,
    /// Monthly attrition.
    pub monthly_attrition: f64,
    /// Month by month.
    pub months: Vec<Month>,
    /// Annual capacity with the hires.
    pub capacity: f64,
    /// Annual capacity without hires.
    pub base_capacity: f64,
    /// The annual goal.
    pub goal: f64,
    /// Total hires.
    pub hires: u64,
    /// First month a hire can start.
    pub first_hire_month: usize,
    /// How far the goal is above the most the plan can reach (no hire adds
    /// capacity within the year); `None` when the hires make the goal.
    pub shortfall: Option<f64>,
}

impl CapacityPlan {
    /// The warning for a goal out of reach: the goal, the most the plan reaches, the gap.
    pub fn shortfall_warning(&self) -> Option<Diagnostic> {
        let gap = self.shortfall?;
        let money = |x: f64| fmt_money_human(Decimal::from_f64(x).unwrap_or_default().round_dp(2));
        let share = Decimal::from_f64(gap / self.goal).unwrap_or_default().round_dp(3);
        Some(
            Diagnostic::warning(format!(
                "the goal {} is out of reach: the most the plan can reach is {}, short by {} ({} of the goal)",
                money(self.goal),
                money(self.capacity),
                money(gap),
                fmt_pct(share)
            ))
            .with_help(format!(
                "no hire adds capacity within the year: hires start no earlier than M{:02} (hire_lead_months = {}) and scheme {}'s ramp gives them no selling capacity in the months left; shorten the lead time or the ramp, or lower the goal",
                self.first_hire_month + 1,
                self.first_hire_month,
                self.scheme
            )),
        )
    }
}

/// The scheme capacity planning uses: the named one, else the own-credit scheme with most reps.
pub fn scheme_of<'p>(plan: &'p Plan, roster: &Roster, cap: &Capacity) -> Option<&'p Scheme> {
    if let Some(id) = &cap.scheme {
        return plan.scheme(id).map(|i| &plan.schemes[i]);
    }
    let mut counts = vec![0usize; plan.schemes.len()];
    for r in &roster.reps {
        counts[r.scheme] += 1;
    }
    (0..plan.schemes.len())
        .filter(|&i| plan.schemes[i].credit == CreditScope::Own)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .map(|i| &plan.schemes[i])
}

/// Capacity (credit) one hire starting in month `k` adds over the rest of the year.
fn hire_curve(scheme: &Scheme, per_month: f64, survive: f64, k: usize) -> Vec<f64> {
    (0..12)
        .map(|t| {
            if t < k {
                0.0
            } else {
                per_month * ramp(scheme, (t - k + 1) as i64) * survive.powi((t - k) as i32)
            }
        })
        .collect()
}

fn ramp(scheme: &Scheme, tenure_month: i64) -> f64 {
    scheme.ramp_factor(tenure_month).to_f64().unwrap_or(1.0)
}

/// Runs the model. `None` when the plan has no `[capacity]` or no usable scheme.
pub fn plan_capacity(plan: &Plan, roster: &Roster, cal: &Calendar) -> Option<CapacityPlan> {
    let cap = plan.capacity.as_ref()?;
    let scheme = scheme_of(plan, roster, cap)?;
    let productivity = match cap.productivity {
        Productivity::Amount(d) => d,
        Productivity::QuotaShare(s) => s * scheme.quota,
    }
    .to_f64()?;
    let per_month = productivity / 12.0;
    let attr = cap.attrition.to_f64().unwrap_or(0.0);
    let survive = (1.0 - attr).powf(1.0 / 12.0);
    let goal = plan.goal.annual.and_then(|g| g.to_f64()).unwrap_or(0.0);
    let goal_month: Vec<f64> = (0..12).map(|m| plan.month_share(cal, m) * goal).collect();
    // Existing staff: `headcount` fully ramped reps, or the reps in reps.csv on this scheme.
    let mut heads = [0.0; 12];
    let mut ramped = [0.0; 12];
    match cap.headcount {
        Some(h) => {
            for t in 0..12 {
                let alive = h as f64 * survive.powi(t as i32);
                heads[t] += alive;
                ramped[t] += alive;
            }
        }
        None => {
            for rep in roster
                .reps
                .iter()
                .filter(|r| std::ptr::eq(&plan.schemes[r.scheme], scheme))
            {
                let tn = Tenure::of(rep, cal);
                for t in 0..12 {
                    let active = cal.month_overlap(t, tn.from, tn.to) as f64 / cal.month_days(t) as f64;
                    if active == 0.0 {
                        continue;
                    }
                    // Attrition runs from the later of the year start and the hire.
                    let since = tn.hire_month.map_or(t as i64, |h| t as i64 - h.max(0));
                    let alive = active * survive.powi(since.max(0) as i32);
                    heads[t] += alive;
                    ramped[t] += alive * tn.tenure_month(t).map_or(1.0, |k| ramp(scheme, k));
                }
            }
        }
    }
    let base_capacity: f64 = ramped.iter().map(|r| r * per_month).sum();
    let first = cap.hire_lead_months as usize;
    let curve = hire_curve(scheme, per_month, survive, first);
    let per_hire: f64 = curve.iter().sum();
    let gap = goal - base_capacity;
    // The fewest whole hires whose capacity covers the gap (a tiny epsilon keeps exact fits exact).
    let hires = if gap <= 0.0 || per_hire <= 0.0 {
        0
    } else {
        ((gap / per_hire) - 1e-9).ceil().max(0.0) as u64
    };
    let months: Vec<Month> = (0..12)
        .map(|t| {
            let hire_alive = if t >= first {
                hires as f64 * survive.powi((t - first) as i32)
            } else {
                0.0
            };
            let hire_ramped = hires as f64 * curve[t] / per_month;
            Month {
                month: t,
                headcount: heads[t] + hire_alive,
                ramped: ramped[t] + hire_ramped,
                capacity: (ramped[t] + hire_ramped) * per_month,
                goal: goal_month[t],
                hires: if t == first { hires } else { 0 },
            }
        })
        .collect();
    let capacity = months.iter().map(|m| m.capacity).sum();
    Some(CapacityPlan {
        scheme: scheme.id.clone(),
        productivity,
        monthly_attrition: 1.0 - survive,
        months,
        capacity,
        base_capacity,
        goal,
        hires,
        first_hire_month: first,
        shortfall: (gap > 0.0 && per_hire <= 0.0).then_some(goal - capacity),
    })
}
