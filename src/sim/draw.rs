//! Drawing one trial's scenario from the model: every rep's bookings per
//! period and deal type/product, pipeline wins, cancellations and (when a plan
//! pays SPIFFs) won deal rows.
//!
//! Each trial has its own random streams, derived from (seed, part, trial):
//! a trial's draws never depend on which thread runs it or on the other
//! trials, so the output is the same for any number of threads. The parts
//! (bookings, cancellations, won rows, pipeline) have separate streams, so
//! drawing SPIFF rows for one plan does not move the bookings of another.

use super::model::{Body, Model, RepModel};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

/// A trial's random source: ChaCha8.
pub struct TrialRng {
    rng: ChaCha8Rng,
}

/// Stream parts.
const BOOKINGS: u64 = 1;
const CANCELS: u64 = 2;
const WON: u64 = 3;
const PIPELINE: u64 = 4;

impl TrialRng {
    /// The stream of `part` in `trial` under `seed`.
    pub fn new(seed: u64, part: u64, trial: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ part.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.set_stream(trial);
        Self { rng }
    }

    /// Uniform in [0, 1).
    #[inline]
    pub fn unit(&mut self) -> f64 {
        self.rng.random::<f64>()
    }

    /// Uniform index below `n` (> 0).
    #[inline]
    pub fn index(&mut self, n: usize) -> usize {
        if n <= 1 {
            0
        } else {
            self.rng.random_range(0..n)
        }
    }

    /// Standard normal (the ziggurat of `rand_distr`).
    #[inline]
    pub fn normal(&mut self) -> f64 {
        rand_distr::Distribution::sample(&rand_distr::StandardNormal, &mut self.rng)
    }

    /// Poisson with mean `lambda` (inversion of one uniform below 30, else a rounded normal).
    pub fn poisson(&mut self, lambda: f64) -> u32 {
        self.poisson_with(lambda, (-lambda).exp())
    }

    /// [`TrialRng::poisson`] with e^-lambda given (`limit`).
    pub fn poisson_with(&mut self, lambda: f64, limit: f64) -> u32 {
        if lambda.is_nan() || lambda <= 0.0 {
            return 0;
        }
        if lambda < 30.0 {
            // Inversion: one uniform, the cumulative probabilities summed up to it.
            let u = self.unit();
            let (mut k, mut p, mut cum) = (0u32, limit, limit);
            // The sum can stop a rounding short of 1: the bound ends the loop.
            let most = (10.0 * lambda) as u32 + 100;
            while u > cum && k < most {
                k += 1;
                p *= lambda / f64::from(k);
                cum += p;
                if p < f64::EPSILON * cum {
                    // The rest of the tail no longer moves the sum: this is the count.
                    break;
                }
            }
            k
        } else {
            (lambda + lambda.sqrt() * self.normal()).round().max(0.0) as u32
        }
    }
}

/// A won deal row drawn for SPIFFs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimWon {
    /// Rep.
    pub rep: usize,
    /// Plan period.
    pub period: usize,
    /// Close date (day number).
    pub day: i32,
    /// Amount before split.
    pub amount: Decimal,
    /// What the rep's scheme credits before split.
    pub value: Decimal,
    /// Split.
    pub split: Decimal,
    /// Deal type and product.
    pub key: u32,
}

/// A cancellation drawn for clawbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimCancel {
    /// Rep.
    pub rep: usize,
    /// Close period.
    pub period: usize,
    /// Close date (day number).
    pub close: i32,
    /// Cancel date (day number).
    pub cancel: i32,
    /// amount × split in cents.
    pub cents: i64,
    /// Deal type and product.
    pub key: u32,
}

/// One trial's scenario; buffers are reused from trial to trial.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    /// Bookings in cents: rep r's block starts at `offsets[r]`, `keys(r)` values per period.
    pub bookings: Vec<i64>,
    /// Block starts, one per rep plus the end.
    pub offsets: Vec<usize>,
    /// Pipeline wins in cents per rep and period (`r × periods + p`), deal type new, no product.
    pub pipe: Vec<i64>,
    /// Won deal rows (only when asked for).
    pub won: Vec<SimWon>,
    /// Cancellations.
    pub cancels: Vec<SimCancel>,
    /// Scratch for [`draw_rep`].
    amounts: Vec<f64>,
}

impl Scenario {
    /// Empty buffers shaped for `model`.
    pub fn new(model: &Model) -> Self {
        let mut offsets = Vec::with_capacity(model.reps.len() + 1);
        let mut o = 0;
        for m in &model.reps {
            offsets.push(o);
            o += m.mix.len() * model.periods;
        }
        offsets.push(o);
        Self {
            bookings: vec![0; o],
            offsets,
            pipe: vec![0; model.reps.len() * model.periods],
            won: Vec::new(),
            cancels: Vec::new(),
            amounts: Vec::new(),
        }
    }

    /// Bookings of rep `r` in period `p`, one per mix key.
    pub fn cell(&self, model: &Model, r: usize, p: usize) -> &[i64] {
        let k = model.reps[r].mix.len();
        let o = self.offsets[r] + p * k;
        &self.bookings[o..o + k]
    }
}

/// Which won deal rows a trial draws: only those some plan's SPIFF could pay.
///
/// Won rows follow a Poisson process per rep and period; keeping only the rows
/// in the SPIFF windows whose type, product and amount some SPIFF accepts is
/// the same process thinned, so the SPIFFs see the same law for less work.
#[derive(Debug, Clone, Default)]
pub struct WonDraw {
    /// The union of the SPIFF windows, as disjoint sorted day spans.
    pub windows: Vec<(i32, i32)>,
    /// Per rep: the share of its won rows some SPIFF accepts, and those rows.
    pub reps: Vec<(f64, Vec<super::model::WonSample>)>,
}

/// Draws trial `trial` into `sc`; won deal rows only as `won` says.
pub fn draw(model: &Model, seed: u64, trial: u64, won: Option<&WonDraw>, sc: &mut Scenario) {
    let n = model.periods;
    let mut rng = [bookings_rng(seed, trial)];
    for (r, m) in model.reps.iter().enumerate() {
        let block = &mut sc.bookings[sc.offsets[r]..sc.offsets[r + 1]];
        draw_rep(m, n, &mut rng, block, &mut sc.amounts, false);
    }
    draw_cancels(model, seed, trial, &cancel_cells(model), &mut sc.cancels);
    let cells = won.map(|w| won_cells(model, w)).unwrap_or_default();
    draw_won(seed, trial, won, &cells, &mut sc.won);
    sc.pipe.iter_mut().for_each(|x| *x = 0);
    draw_pipeline(model, seed, trial, |i, cents| sc.pipe[i] += cents);
}

/// One rep and period (and SPIFF window) where a trial draws Poisson
/// arrivals: cancellations or won rows.
#[derive(Debug, Clone, Copy)]
pub struct Cell {
    rep: usize,
    period: usize,
    /// The mean count, and e^-mean (the same in every trial: worked out once).
    lambda: f64,
    limit: f64,
    /// First day, and how many days an arrival falls in.
    lo: i32,
    days: i32,
}

impl Cell {
    fn new(rep: usize, period: usize, lambda: f64, lo: i32, days: i32) -> Option<Self> {
        // A mean that is not positive draws nothing (and reads no random number).
        (lambda > 0.0).then(|| Self {
            rep,
            period,
            lambda,
            limit: (-lambda).exp(),
            lo,
            days,
        })
    }
}

/// Where a trial draws cancellations, in the order it draws them.
pub fn cancel_cells(model: &Model) -> Vec<Cell> {
    let t = &model.timeline;
    let mut cells = Vec::new();
    for (r, m) in model.reps.iter().enumerate() {
        if m.cancels.rate <= 0.0 || m.cancels.samples.is_empty() {
            continue;
        }
        for p in 0..model.periods {
            let (start, days) = (t.period_start(p as i64), t.period_days(p as i64));
            cells.extend(Cell::new(r, p, m.cancels.rate * m.scale[p], start, days.max(1)));
        }
    }
    cells
}

/// Where a trial draws won rows for SPIFFs, in the order it draws them.
pub fn won_cells(model: &Model, won: &WonDraw) -> Vec<Cell> {
    let t = &model.timeline;
    let mut cells = Vec::new();
    for (r, m) in model.reps.iter().enumerate() {
        let (frac, samples) = &won.reps[r];
        if m.won.rate <= 0.0 || samples.is_empty() {
            continue;
        }
        for p in 0..model.periods {
            let (start, days) = (t.period_start(p as i64), t.period_days(p as i64));
            for &(a, b) in &won.windows {
                let (lo, hi) = (a.max(start), b.min(start + days - 1));
                if hi < lo {
                    continue;
                }
                let share = f64::from(hi - lo + 1) / f64::from(days.max(1));
                cells.extend(Cell::new(r, p, m.won.rate * m.scale[p] * frac * share, lo, hi - lo + 1));
            }
        }
    }
    cells
}

/// Draws trial `trial`'s cancellations into `cancels`, rep after rep, at the
/// cells [`cancel_cells`] gives.
pub fn draw_cancels(model: &Model, seed: u64, trial: u64, cells: &[Cell], cancels: &mut Vec<SimCancel>) {
    cancels.clear();
    let mut rng = TrialRng::new(seed, CANCELS, trial);
    for c in cells {
        let samples = &model.reps[c.rep].cancels.samples;
        for _ in 0..rng.poisson_with(c.lambda, c.limit) {
            let s = samples[rng.index(samples.len())];
            let close = c.lo + rng.index(c.days as usize) as i32;
            cancels.push(SimCancel {
                rep: c.rep,
                period: c.period,
                close,
                cancel: close + s.lag,
                cents: s.cents,
                key: s.key,
            });
        }
    }
}

/// Draws trial `trial`'s won deal rows into `out` at the cells [`won_cells`]
/// gives for `won` (none without it).
pub fn draw_won(seed: u64, trial: u64, won: Option<&WonDraw>, cells: &[Cell], out: &mut Vec<SimWon>) {
    out.clear();
    if let Some(w) = won {
        let mut rng = TrialRng::new(seed, WON, trial);
        for c in cells {
            let samples = &w.reps[c.rep].1;
            for _ in 0..rng.poisson_with(c.lambda, c.limit) {
                let s = samples[rng.index(samples.len())];
                out.push(SimWon {
                    rep: c.rep,
                    period: c.period,
                    day: c.lo + rng.index(c.days as usize) as i32,
                    amount: s.amount,
                    value: s.value,
                    split: s.split,
                    key: s.key,
                });
            }
        }
    }
}

/// The stream trial `trial`'s bookings are drawn from, rep after rep ([`draw_rep`]).
pub fn bookings_rng(seed: u64, trial: u64) -> TrialRng {
    TrialRng::new(seed, BOOKINGS, trial)
}

/// Draws one rep's bookings for every period in a batch of trials, one
/// bookings stream per trial, into `blocks` (per trial `periods × keys`,
/// period-major, trial after trial). Each stream is read in the same order
/// whatever the batch, so a trial's bookings do not depend on it; the random
/// draws come first and the exponentials then run as one batch. With
/// `whole`, each period's bookings stay one total (`periods` values per
/// trial): the same draws and the same sum as the keys' cells, for plans that
/// do not tell the rep's keys apart.
pub fn draw_rep(
    m: &RepModel,
    n: usize,
    rngs: &mut [TrialRng],
    blocks: &mut [i64],
    amounts: &mut Vec<f64>,
    whole: bool,
) {
    // Per trial and period: the bookings before scaling (first their log, for a lognormal).
    amounts.clear();
    let always = m.dist.p_zero <= 0.0 && m.scale[..n].iter().all(|&s| s > 0.0);
    match m.dist.body {
        Body::LogNormal { mu, sigma } if always => {
            // The common case: a normal draw for every period, nothing else.
            amounts.resize(rngs.len() * n, 0.0);
            for (rng, z) in rngs.iter_mut().zip(amounts.chunks_exact_mut(n)) {
                z.iter_mut().for_each(|z| *z = rng.normal());
            }
            for a in amounts.iter_mut() {
                *a = crate::fmath::exp(mu + sigma * *a);
            }
        }
        body => {
            for rng in rngs.iter_mut() {
                for &scale in &m.scale[..n] {
                    let zero = m.dist.p_zero >= 1.0 || (m.dist.p_zero > 0.0 && rng.unit() < m.dist.p_zero);
                    amounts.push(match body {
                        Body::LogNormal { .. } if zero || scale <= 0.0 => f64::NEG_INFINITY,
                        Body::LogNormal { mu, sigma } => mu + sigma * rng.normal(),
                        Body::Point(_) if zero || scale <= 0.0 => 0.0,
                        Body::Point(v) => v,
                    });
                }
            }
            if let Body::LogNormal { .. } = body {
                // Both sides of the choice, so that the loop runs without branches.
                for a in amounts.iter_mut() {
                    let e = crate::fmath::exp(*a);
                    *a = if *a == f64::NEG_INFINITY { 0.0 } else { e };
                }
            }
        }
    }
    let k = m.mix.len();
    if k == 1 || whole {
        for (block, amounts) in blocks.chunks_exact_mut(n).zip(amounts.chunks_exact(n)) {
            for ((cell, &a), &scale) in block.iter_mut().zip(amounts).zip(&m.scale[..n]) {
                *cell = to_cents(a * scale);
            }
        }
        return;
    }
    for (block, amounts) in blocks.chunks_exact_mut(n * k).zip(amounts.chunks_exact(n)) {
        for (p, (cell, &a)) in block.chunks_exact_mut(k).zip(amounts).enumerate() {
            let total = to_cents(a * m.scale[p]);
            // Each key its share, the last what is left. When the shares' cents
            // fit in the total (nearly always), no key is cut: the rounded
            // shares are the cells, worked out side by side.
            let (head, last) = cell.split_at_mut(k - 1);
            let mut sum = 0i64;
            for (c, (_, share)) in head.iter_mut().zip(&m.mix) {
                *c = to_cents(total as f64 * share);
                sum += *c;
            }
            if sum <= total {
                last[0] = total - sum;
            } else {
                // A key is cut to what the keys before it left.
                let mut left = total;
                for c in head.iter_mut() {
                    *c = (*c).min(left);
                    left -= *c;
                }
                last[0] = left;
            }
        }
    }
}

/// Whole cents from an amount of cents: ⌊x + ½⌋ for x in [0, MAX_DRAW_CENTS]
/// (above: the maximum), in float operations only, so that a batch of them
/// runs without branches or calls. Drawn amounts are never negative or NaN
/// (a fitted body is at least half a cent, scales are positive); were one
/// so, it would give 0.
#[inline(always)]
#[allow(clippy::manual_clamp)] // not `clamp`: a NaN must give 0, not NaN
fn to_cents(x: f64) -> i64 {
    // 2^52: adding it leaves a double below 2^52 rounded to an integer.
    const TWO52: f64 = 4_503_599_627_370_496.0;
    let t = x.max(0.0).min(super::model::MAX_DRAW_CENTS) + 0.5;
    let r = (t + TWO52) - TWO52;
    let r = if r > t { r - 1.0 } else { r };
    (r + TWO52).to_bits().wrapping_sub(TWO52.to_bits()) as i64
}

/// Draws trial `trial`'s pipeline wins: `add(r × periods + p, cents)` for each
/// opportunity won in a plan period, in pipeline order.
pub fn draw_pipeline(model: &Model, seed: u64, trial: u64, mut add: impl FnMut(usize, i64)) {
    let n = model.periods;
    let t = &model.timeline;
    let mut rng = TrialRng::new(seed, PIPELINE, trial);
    for o in &model.pipeline {
        let u = rng.unit();
        let c = if model.cycles.is_empty() {
            0
        } else {
            model.cycles[rng.index(model.cycles.len())]
        };
        if u >= o.p_win {
            continue;
        }
        let close = (o.created + c).max(model.as_of + 1) + model.shift;
        let close = close.max(model.year.0);
        if close > model.year.1 {
            continue;
        }
        let p = t.period_of(close);
        if (0..n as i64).contains(&p) {
            add(o.rep * n + p as usize, o.cents);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{to_cents, TrialRng};

    #[test]
    fn poisson_counts_have_the_mean_and_variance_of_the_law() {
        for lambda in [0.05, 0.3, 2.5, 12.0, 29.0] {
            let mut rng = TrialRng::new(7, 9, 3);
            let n = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| f64::from(rng.poisson(lambda))).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
            // Within 5 standard errors of λ (the mean's SE is √(λ/n)); the variance within 3%.
            assert!(
                (mean - lambda).abs() < 5.0 * (lambda / n as f64).sqrt(),
                "{lambda}: mean {mean}"
            );
            assert!((var / lambda - 1.0).abs() < 0.03, "{lambda}: variance {var}");
            // P(0) = e^-λ.
            let zeros = xs.iter().filter(|&&x| x == 0.0).count() as f64 / n as f64;
            assert!((zeros - (-lambda).exp()).abs() < 0.005, "{lambda}: P(0) {zeros}");
        }
    }
    use crate::sim::model::MAX_DRAW_CENTS;

    #[test]
    fn to_cents_is_floor_of_x_plus_a_half() {
        // Halves, just either side of them, integers, and spread over the range.
        let mut xs = vec![
            0.0,
            0.25,
            0.5,
            0.499_999_999,
            1.5,
            2.5,
            1e15,
            123_456.5,
            9_007_199.499_999,
        ];
        let mut x = 0.37;
        while x < MAX_DRAW_CENTS {
            let half = x.floor() + 0.5;
            let (below, above) = (f64::from_bits(half.to_bits() - 1), f64::from_bits(half.to_bits() + 1));
            xs.extend([x, half, below, above, x.floor(), x.floor() + 1.0]);
            x *= 1.07;
        }
        for x in xs {
            assert_eq!(to_cents(x), (x + 0.5) as i64, "{x}");
        }
        assert_eq!(to_cents(-3.2), 0);
        assert_eq!(to_cents(f64::INFINITY), 1_000_000_000_000_000);
        assert_eq!(to_cents(f64::NAN), 0);
    }
}
