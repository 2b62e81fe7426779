//! Quotas and active time: how much of each period a rep worked, and what they owe.

use crate::calendar::{day_number, Calendar};
use crate::data::quotas::Quotas;
use crate::data::Rep;
use crate::plan::{Plan, Scheme};
use rust_decimal::Decimal;

/// A rep's employment as inclusive day numbers, clipped to nothing outside the year.
#[derive(Debug, Clone, Copy)]
pub struct Tenure {
    /// First active day.
    pub from: i32,
    /// Last active day.
    pub to: i32,
    /// Plan-month offset of the hire month (`None`: hired before the year, no ramp).
    pub hire_month: Option<i64>,
}

impl Tenure {
    /// The tenure of `rep` in the plan year.
    pub fn of(rep: &Rep, cal: &Calendar) -> Self {
        Self {
            from: rep.hire.map(day_number).unwrap_or(i32::MIN),
            to: rep.end.map(day_number).unwrap_or(i32::MAX),
            hire_month: rep.hire.map(|h| cal.month_offset(h)),
        }
    }

    /// The tenure of one of `rep`'s assignments: its days in force within the
    /// rep's own, with the ramp counted from the rep's hire.
    pub fn of_seg(rep: &Rep, seg: &crate::data::reps::Seg, cal: &Calendar) -> Self {
        let t = Self::of(rep, cal);
        Self {
            from: t.from.max(seg.from.map(day_number).unwrap_or(i32::MIN)),
            to: t.to.min(seg.to.map(day_number).unwrap_or(i32::MAX)),
            hire_month: t.hire_month,
        }
    }

    /// Month of tenure (1 = hire month) at plan month `m`, when hired.
    pub fn tenure_month(&self, m: usize) -> Option<i64> {
        self.hire_month.map(|h| m as i64 - h + 1)
    }

    /// Active days in period `p` and the period's days.
    pub fn active(&self, cal: &Calendar, p: usize) -> (Decimal, Decimal) {
        (
            Decimal::from(cal.period_overlap(p, self.from, self.to)),
            Decimal::from(cal.period_days(p)),
        )
    }

    /// `x × active(p)`, exact until the caller rounds.
    pub fn prorate(&self, cal: &Calendar, p: usize, x: Decimal) -> Decimal {
        let (a, d) = self.active(cal, p);
        if a == d {
            x
        } else {
            x * a / d
        }
    }

    /// Whether the draw runs in period `p`: a month within the first `months` of tenure.
    pub fn draw_active(&self, cal: &Calendar, p: usize, months: Option<u64>) -> bool {
        match months {
            None => true,
            Some(k) => cal.units_of(p).any(|u| {
                self.tenure_month(cal.unit_month(u))
                    .is_some_and(|t| t >= 1 && t <= k as i64)
            }),
        }
    }
}

/// The computed quota of a rep in period `p`, before rounding:
/// Σ over the units u of p (its plan months, or a week's parts in each plan
/// month) of annual × share(u) × ramp(r, month of u) × active(u).
pub fn computed(plan: &Plan, scheme: &Scheme, tenure: &Tenure, cal: &Calendar, p: usize) -> Decimal {
    computed_of(plan, scheme, scheme.quota, tenure, cal, p)
}

/// [`computed`] with `annual` instead of the scheme's quota (an assignment's own).
pub fn computed_of(
    plan: &Plan,
    scheme: &Scheme,
    annual: Decimal,
    tenure: &Tenure,
    cal: &Calendar,
    p: usize,
) -> Decimal {
    cal.units_of(p)
        .map(|u| {
            let ad = Decimal::from(cal.unit_overlap(u, tenure.from, tenure.to));
            if ad.is_zero() {
                return Decimal::ZERO;
            }
            let (num, den) = plan.unit_share(cal, p, u);
            let du = Decimal::from(cal.unit_days(u));
            let ramp = tenure
                .tenure_month(cal.unit_month(u))
                .map_or(Decimal::ONE, |t| scheme.ramp_factor(t));
            annual * num * ramp * ad / (den * du)
        })
        .sum()
}

/// The quota used for pay: quotas.csv when given, else computed; rounded to cents.
pub fn quota(
    plan: &Plan,
    scheme: &Scheme,
    tenure: &Tenure,
    cal: &Calendar,
    explicit: &Quotas,
    rep: usize,
    p: usize,
) -> Decimal {
    match explicit.get(&(rep, p)) {
        Some(q) => plan.rounding.money(*q),
        None => plan.rounding.money(computed(plan, scheme, tenure, cal, p)),
    }
}
