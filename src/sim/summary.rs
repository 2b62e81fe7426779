//! From trials to the numbers people read: the forecast per period, each
//! rep's chance of reaching quota and expected pay, and a comparison of plans.
//!
//! Money statistics are computed on integer cents: means are exact sums
//! divided once, percentiles interpolate between order statistics (numpy's
//! default, "linear") and are rounded to cents with the plan's rounding.

use super::run::Outcome;
use crate::units::Rounding;
use rust_decimal::Decimal;

/// One row of forecast.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastRow {
    /// Period label, or `FY`.
    pub period: String,
    /// Trials.
    pub trials: u64,
    /// Mean total incentive cost.
    pub mean: Decimal,
    /// 10th percentile.
    pub p10: Decimal,
    /// Median.
    pub p50: Decimal,
    /// 90th percentile.
    pub p90: Decimal,
    /// Median of incentive ÷ credit (`None` when no trial had credit).
    pub cost_of_sales_p50: Option<Decimal>,
}

/// One row of reps_forecast.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepForecast {
    /// Rep index.
    pub rep: usize,
    /// Share of trials in which the rep reached its year quota.
    pub p_attain: Decimal,
    /// Mean total pay for the year (base + incentive paid).
    pub expected_pay: Decimal,
    /// 90th percentile of the year's total pay.
    pub p90_pay: Decimal,
}

/// The `q` quantile (0..1) of sorted values, linear between order statistics, exact.
pub fn quantile(sorted: &[i64], q: Decimal) -> Decimal {
    let Some(&last) = sorted.last() else {
        return Decimal::ZERO;
    };
    let h = Decimal::from(sorted.len() as u64 - 1) * q;
    let lo = h.floor();
    let frac = h - lo;
    let i = usize::try_from(rust_decimal::prelude::ToPrimitive::to_u64(&lo).unwrap_or(0)).unwrap_or(0);
    let a = Decimal::from(sorted[i]);
    match sorted.get(i + 1) {
        Some(&b) => a + frac * (Decimal::from(b) - a),
        None => Decimal::from(last),
    }
}

/// Cents (a Decimal count of cents) to money rounded to cents.
fn money(cents: Decimal, r: Rounding) -> Decimal {
    r.money(cents / Decimal::ONE_HUNDRED)
}

fn mean_cents(sum: i128, n: u64) -> Decimal {
    if n == 0 {
        Decimal::ZERO
    } else {
        // At most 10^7 trials of 2^63 cents: far inside Decimal's range.
        dec_units(sum, 0) / Decimal::from(n)
    }
}

/// `u × 10^-scale` as a decimal, never a panic: exact when it fits Decimal's
/// 96 bits, else rounded (half to even) to the digits that fit; a value
/// beyond Decimal's whole range (about 7.9 × 10^28) saturates.
pub fn dec_units(u: i128, scale: u32) -> Decimal {
    if let Ok(d) = Decimal::try_from_i128_with_scale(u, scale) {
        return d;
    }
    for k in 1..=scale {
        // u ÷ 10^k, rounded half to even once.
        let d = 10i128.pow(k);
        let (q, r) = (u / d, u % d);
        let twice = r.abs() * 2;
        let up = twice > d || (twice == d && q % 2 != 0);
        let v = q + if up { r.signum() } else { 0 };
        if let Ok(x) = Decimal::try_from_i128_with_scale(v, scale - k) {
            return x;
        }
    }
    if u < 0 {
        Decimal::MIN
    } else {
        Decimal::MAX
    }
}

const Q10: Decimal = Decimal::from_parts(1, 0, 0, false, 1);
const Q50: Decimal = Decimal::from_parts(5, 0, 0, false, 1);
const Q90: Decimal = Decimal::from_parts(9, 0, 0, false, 1);

/// Mean, P10, P50 and P90 of cents values, as money.
pub fn spread(values: &mut [i64], r: Rounding) -> (Decimal, Decimal, Decimal, Decimal) {
    let sum: i128 = values.iter().map(|&v| i128::from(v)).sum();
    let mean = money(mean_cents(sum, values.len() as u64), r);
    values.sort_unstable();
    (
        mean,
        money(quantile(values, Q10), r),
        money(quantile(values, Q50), r),
        money(quantile(values, Q90), r),
    )
}

/// forecast.csv: one row per period, then `FY`.
pub fn forecast(o: &Outcome, labels: &[String], r: Rounding) -> Vec<ForecastRow> {
    let n = o.periods;
    let t = o.trials as usize;
    (0..=n)
        .map(|p| {
            let mut v: Vec<i64> = (0..t).map(|i| o.incentive[i * (n + 1) + p]).collect();
            let mut cos: Vec<Decimal> = (0..t)
                .filter(|&i| o.credit[i * (n + 1) + p] > 0)
                .map(|i| Decimal::new(o.incentive[i * (n + 1) + p], 2) / dec_units(o.credit[i * (n + 1) + p], o.scale))
                .collect();
            cos.sort_unstable();
            let cos_p50 = match cos.len() {
                0 => None,
                k if k % 2 == 1 => Some(cos[k / 2]),
                k => Some((cos[k / 2 - 1] + cos[k / 2]) / Decimal::TWO),
            };
            let (mean, p10, p50, p90) = spread(&mut v, r);
            ForecastRow {
                period: if p == n { "FY".into() } else { labels[p].clone() },
                trials: o.trials,
                mean,
                p10,
                p50,
                p90,
                cost_of_sales_p50: cos_p50,
            }
        })
        .collect()
}

/// The `q` quantile of unsorted values, as [`quantile`] on the sorted ones,
/// by selection (linear time) instead of a full sort.
pub fn quantile_select(values: &mut [i64], q: Decimal) -> Decimal {
    if values.is_empty() {
        return Decimal::ZERO;
    }
    let h = Decimal::from(values.len() as u64 - 1) * q;
    let lo = h.floor();
    let frac = h - lo;
    let i = usize::try_from(rust_decimal::prelude::ToPrimitive::to_u64(&lo).unwrap_or(0)).unwrap_or(0);
    let (_, &mut a, rest) = values.select_nth_unstable(i);
    let a = Decimal::from(a);
    match rest.iter().min() {
        Some(&b) if !frac.is_zero() => a + frac * (Decimal::from(b) - a),
        _ => a,
    }
}

/// reps_forecast.csv, roster order.
pub fn reps(o: &Outcome, r: Rounding) -> Vec<RepForecast> {
    let t = o.trials as usize;
    let nr = o.rep_attained.len();
    let mut v = Vec::with_capacity(t);
    (0..nr)
        .map(|i| {
            o.rep_pay.rep(i, &mut v);
            let sum: i128 = v.iter().map(|&x| i128::from(x)).sum();
            let mean = money(mean_cents(sum, t as u64), r);
            let p90 = money(quantile_select(&mut v, Q90), r);
            RepForecast {
                rep: i,
                p_attain: if t == 0 {
                    Decimal::ZERO
                } else {
                    Decimal::from(o.rep_attained[i]) / Decimal::from(t as u64)
                },
                expected_pay: mean,
                p90_pay: p90,
            }
        })
        .collect()
}

/// The expected share of reps (with a quota) at or above their year quota.
pub fn share_at_quota(o: &Outcome) -> Option<f64> {
    if o.with_quota == 0 || o.trials == 0 {
        return None;
    }
    let s: u64 = o.at_quota.iter().map(|&a| u64::from(a)).sum();
    Some(s as f64 / (o.trials as f64 * o.with_quota as f64))
}

/// A healthy plan puts roughly this share of reps at quota (issue: warn outside 50–75%).
pub const HEALTHY_AT_QUOTA: (f64, f64) = (0.50, 0.75);

/// One plan's line in a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSummary {
    /// Mean over trials of the year's total pay of all reps.
    pub total_pay: Decimal,
    /// total_pay ÷ reps.
    pub mean_pay: Decimal,
    /// Mean over trials of the year's incentive paid.
    pub incentive: Decimal,
    /// P10, P50, P90 of the year's incentive paid.
    pub cost: (Decimal, Decimal, Decimal),
    /// Mean incentive ÷ mean credit.
    pub cost_of_sales: Option<Decimal>,
    /// Mean share of incentive paid to the top 10% of reps by attainment.
    pub top10_share: Option<f64>,
    /// Mean correlation of attainment and incentive across reps.
    pub correlation: Option<f64>,
    /// Mean number of reps paid above OTE.
    pub above_ote: f64,
    /// Expected share of reps at quota.
    pub at_quota: Option<f64>,
}

fn mean_finite(v: &[f64]) -> Option<f64> {
    let f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    (!f.is_empty()).then(|| f.iter().sum::<f64>() / f.len() as f64)
}

/// Summarises one plan's outcome for a comparison.
pub fn plan_summary(o: &Outcome, r: Rounding) -> PlanSummary {
    let n = o.periods;
    let t = o.trials as usize;
    let nr = o.rep_attained.len();
    let total: i128 = o.rep_pay.total();
    let total_pay = money(mean_cents(total, o.trials), r);
    let mean_pay = if nr == 0 {
        Decimal::ZERO
    } else {
        money(mean_cents(total, o.trials) / Decimal::from(nr as u64), r)
    };
    let mut fy: Vec<i64> = (0..t).map(|i| o.incentive[i * (n + 1) + n]).collect();
    let (incentive, p10, p50, p90) = spread(&mut fy, r);
    let credit_sum: i128 = (0..t).map(|i| o.credit[i * (n + 1) + n]).sum();
    let inc_sum: i128 = fy.iter().map(|&v| i128::from(v)).sum();
    let cost_of_sales = (credit_sum > 0).then(|| dec_units(inc_sum, 2) / dec_units(credit_sum, o.scale));
    PlanSummary {
        total_pay,
        mean_pay,
        incentive,
        cost: (p10, p50, p90),
        cost_of_sales,
        top10_share: mean_finite(&o.top10_share),
        correlation: mean_finite(&o.correlation),
        above_ote: if t == 0 {
            0.0
        } else {
            o.above_ote.iter().map(|&a| f64::from(a)).sum::<f64>() / t as f64
        },
        at_quota: share_at_quota(o),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(quantile(&v, Q10), dec!(1.9));
        assert_eq!(quantile(&v, Q50), dec!(5.5));
        assert_eq!(quantile(&v, Q90), dec!(9.1));
        assert_eq!(quantile(&[7], Q90), dec!(7));
        let mut shuffled = [7, 3, 10, 1, 9, 2, 8, 4, 6, 5];
        for q in [Q10, Q50, Q90] {
            assert_eq!(quantile_select(&mut shuffled, q), quantile(&v, q));
        }
    }

    #[test]
    fn units_beyond_decimal_range_are_rounded_not_a_panic() {
        assert_eq!(dec_units(12345, 2), dec!(123.45));
        // 2^100 units of 10^-12: 1267650600228229401496703205376 × 10^-12, 31 digits.
        let u = 1i128 << 100;
        assert_eq!(dec_units(u, 12), dec!(1267650600228229401.4967032054));
        assert_eq!(dec_units(-u, 12), -dec!(1267650600228229401.4967032054));
        assert_eq!(dec_units(i128::MAX, 0), Decimal::MAX);
        assert_eq!(dec_units(25, 1), dec!(2.5));
    }

    #[test]
    fn spread_is_exact_in_cents() {
        let mut v = vec![100, 200, 301];
        let (mean, p10, p50, p90) = spread(&mut v, Rounding::HalfUp);
        assert_eq!(mean, dec!(2.00)); // 601 / 3 = 200.33 cents -> 2.00
        assert_eq!(p10, dec!(1.20));
        assert_eq!(p50, dec!(2.00));
        assert_eq!(p90, dec!(2.81)); // 200 + 0.8 × 101 = 280.8 cents
    }
}
