//! Small numeric helpers for the generator: draws that give the same bits on
//! every platform, weighted picks, and plain-decimal money text.
//!
//! Only `+ − × ÷` and comparisons are used on floats here (no `ln`, `exp`,
//! `cos` from the platform's maths library), so a seed yields byte-identical
//! files wherever it runs.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// The random source of the generator: ChaCha8, seeded from `--seed`.
pub type GenRng = ChaCha8Rng;

/// The random stream for one part of the data, so that the parts do not
/// disturb each other (more deals do not change the roster).
pub fn stream(seed: u64, part: u64) -> GenRng {
    use rand::SeedableRng;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(part);
    rng
}

/// A uniform draw in [0, 1).
pub fn unit(rng: &mut GenRng) -> f64 {
    rng.random::<f64>()
}

/// A uniform integer in `lo..=hi`.
pub fn between(rng: &mut GenRng, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        return lo;
    }
    rng.random_range(lo..=hi)
}

/// A uniform index below `n` (`n` > 0).
pub fn index(rng: &mut GenRng, n: usize) -> usize {
    if n <= 1 {
        return 0;
    }
    rng.random_range(0..n)
}

/// Whether an event of probability `p` happens.
pub fn chance(rng: &mut GenRng, p: f64) -> bool {
    unit(rng) < p
}

/// An approximately standard normal draw: the Irwin–Hall sum of twelve
/// uniforms less six (mean 0, variance 1, tails cut at ±6).
pub fn normal(rng: &mut GenRng) -> f64 {
    let mut s = 0.0;
    for _ in 0..12 {
        s += unit(rng);
    }
    s - 6.0
}

pub use crate::fmath::exp;

/// A lognormal draw with mean close to 1 and log-scale spread `sigma`.
pub fn lognormal(rng: &mut GenRng, sigma: f64) -> f64 {
    exp(sigma * normal(rng) - sigma * sigma / 2.0)
}

/// Picks an index with probability proportional to `weights` (all ≥ 0).
/// Returns `None` when every weight is zero.
pub fn weighted(rng: &mut GenRng, weights: &[f64]) -> Option<usize> {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut x = unit(rng) * total;
    let mut last = None;
    for (i, w) in weights.iter().enumerate() {
        if *w > 0.0 {
            last = Some(i);
            if x < *w {
                return Some(i);
            }
            x -= w;
        }
    }
    last
}

/// Picks from a cumulative weight table (strictly the running sums).
pub fn pick_cumulative(rng: &mut GenRng, cumulative: &[f64]) -> Option<usize> {
    let total = *cumulative.last()?;
    if total <= 0.0 {
        return None;
    }
    let x = unit(rng) * total;
    let i = cumulative.partition_point(|c| *c <= x);
    Some(i.min(cumulative.len() - 1))
}

/// Money in cents as a plain decimal with two places (`12345.67`).
pub fn cents_text(cents: i64, out: &mut String) {
    use std::fmt::Write;
    out.clear();
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let _ = write!(out, "{sign}{}.{:02}", c / 100, c % 100);
}

/// An amount in currency units, rounded to cents (at least one cent).
pub fn to_cents(amount: f64) -> i64 {
    let c = (amount * 100.0).round();
    if c.is_finite() && c >= 1.0 {
        c.min(9.0e16) as i64
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lognormal_mean_is_about_one() {
        let mut rng = stream(7, 0);
        let n = 20_000;
        let mean: f64 = (0..n).map(|_| lognormal(&mut rng, 0.7)).sum::<f64>() / f64::from(n);
        assert!((mean - 1.0).abs() < 0.03, "mean {mean}");
    }

    #[test]
    fn cents_are_plain_decimals() {
        let mut s = String::new();
        cents_text(1_234_567, &mut s);
        assert_eq!(s, "12345.67");
        cents_text(5, &mut s);
        assert_eq!(s, "0.05");
        assert_eq!(to_cents(12.345), 1235);
        assert_eq!(to_cents(0.0), 1);
    }

    #[test]
    fn weighted_never_picks_zero_weight() {
        let mut rng = stream(1, 0);
        for _ in 0..1000 {
            let i = weighted(&mut rng, &[0.0, 1.0, 0.0, 2.0]).unwrap();
            assert!(i == 1 || i == 3);
        }
        assert_eq!(weighted(&mut rng, &[0.0, 0.0]), None);
        for _ in 0..1000 {
            let i = pick_cumulative(&mut rng, &[0.0, 1.0, 1.0, 3.0]).unwrap();
            assert!(i == 1 || i == 3);
        }
    }
}
