//! Pipeline fractures (SPEC 5): where a rep's conversion is credibly and materially worse.

use super::stats::{by_rep, win_rate_from, Funnel};
use crate::data::Opp;
use crate::plan::Process;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;

/// One flagged fracture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fracture {
    /// Rep index.
    pub rep: usize,
    /// Transition index k: stage k → k + 1.
    pub transition: usize,
    /// Resolved opportunities.
    pub resolved: u64,
    /// Converted opportunities.
    pub converted: u64,
    /// converted ÷ resolved.
    pub rate: Decimal,
    /// The benchmark (fixed, or pooled from the other reps).
    pub benchmark: Decimal,
    /// Upper bound of the one-sided Wilson interval.
    pub upper_bound: Decimal,
    /// (benchmark − rate) × resolved × team win rate from t.
    pub est_lost_wins: Decimal,
    /// est_lost_wins × team average won amount.
    pub est_revenue_impact: Decimal,
}

/// The upper bound of the one-sided Wilson score interval for `c` successes in `n`.
pub fn wilson_upper(c: u64, n: u64, z: f64) -> f64 {
    if n == 0 {
        return 1.0;
    }
    let n = n as f64;
    let p = c as f64 / n;
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n);
    let margin = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre + margin) / (1.0 + z2 / n)).min(1.0)
}

/// The benchmark of transition k for `rep`: fixed, else the pooled rate of the other reps.
pub fn benchmark(process: &Process, funnels: &[Funnel], team: &Funnel, rep: usize, k: usize) -> Option<Decimal> {
    if let Some(b) = process.benchmarks.get(&(k + 1)) {
        return Some(*b);
    }
    let own = funnels[rep].transitions[k];
    let all = team.transitions[k];
    let (c, n) = (all.converted - own.converted, all.resolved - own.resolved);
    (n > 0).then(|| Decimal::from(c) / Decimal::from(n))
}

/// Every fracture, by rep then transition; also returns each rep's funnel and the team's.
pub fn find(opps: &[Opp], reps: usize, process: &Process) -> (Vec<Fracture>, Vec<Funnel>, Funnel) {
    let funnels = by_rep(opps, reps, process);
    let mut team = Funnel::new(process);
    for f in &funnels {
        team.merge(f);
    }
    let avg_won = team.avg_won_amount().unwrap_or_default();
    let z = process.z.to_f64().unwrap_or(1.645);
    let keep = Decimal::ONE - process.tolerance;
    let mut out = Vec::new();
    for (r, f) in funnels.iter().enumerate() {
        for (k, c) in f.transitions.iter().enumerate() {
            if c.resolved < process.min_opportunities || c.resolved == 0 {
                continue;
            }
            let Some(bench) = benchmark(process, &funnels, &team, r, k) else {
                continue;
            };
            let upper = Decimal::from_f64(wilson_upper(c.converted, c.resolved, z)).unwrap_or(Decimal::ONE);
            if upper >= bench * keep {
                continue;
            }
            let rate = Decimal::from(c.converted) / Decimal::from(c.resolved);
            let win = win_rate_from(opps, k + 1).unwrap_or_default();
            let lost = (bench - rate) * Decimal::from(c.resolved) * win;
            out.push(Fracture {
                rep: r,
                transition: k,
                resolved: c.resolved,
                converted: c.converted,
                rate,
                benchmark: bench,
                upper_bound: upper,
                est_lost_wins: lost,
                est_revenue_impact: lost * avg_won,
            });
        }
    }
    (out, funnels, team)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_the_hand_derivation_of_case_26() {
        // 4 of 18 at z = 1.645: upper = 0.475249 / 1.150335 = 0.413140.
        assert!((wilson_upper(4, 18, 1.645) - 0.413140).abs() < 1e-6);
    }

    #[test]
    fn wilson_of_nothing_is_one() {
        assert_eq!(wilson_upper(0, 0, 1.645), 1.0);
    }
}
