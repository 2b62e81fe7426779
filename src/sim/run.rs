//! Running the trials: draw each trial's scenario once, pay it under every
//! plan, keep what the summaries need. Trials run in parallel (rayon) in
//! fixed chunks whose results are merged in trial order, so the numbers do not
//! depend on the number of threads.

use super::draw::{draw, Scenario};
use super::model::Model;
use super::price::{Paid, Pricer};
use rayon::prelude::*;

/// Trials per unit of parallel work (and per progress tick).
pub const CHUNK: u64 = 64;

/// What one plan's trials produced.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Trials run.
    pub trials: u64,
    /// Plan periods.
    pub periods: usize,
    /// Credit units are 10^-scale.
    pub scale: u32,
    /// Whether the fast path paid the plan.
    pub fast: bool,
    /// Per trial, per period then FY: total incentive paid, cents (`t × (periods + 1) + p`).
    pub incentive: Vec<i64>,
    /// Per trial, per period then FY: total own credit, credit units.
    pub credit: Vec<i128>,
    /// Per rep, per trial: the year's total pay, cents (`r × trials + t`).
    pub rep_pay: Vec<i64>,
    /// Per rep: Σ over trials of the year's incentive paid, cents.
    pub rep_incentive_sum: Vec<i128>,
    /// Per rep: trials in which the rep reached its year quota.
    pub rep_attained: Vec<u64>,
    /// Reps with a year quota.
    pub with_quota: usize,
    /// Per rep: whether it has a year quota.
    pub rep_quota: Vec<bool>,
    /// Per trial: reps at or above their year quota.
    pub at_quota: Vec<u32>,
    /// Per trial: share of incentive paid to the top 10% of reps by attainment.
    pub top10_share: Vec<f64>,
    /// Per trial: correlation of year attainment and incentive across reps (NaN if undefined).
    pub correlation: Vec<f64>,
    /// Per trial: reps whose total pay is above their on-target earnings.
    pub above_ote: Vec<u32>,
}

/// One chunk's numbers for one plan, trial-major.
struct ChunkOut {
    incentive: Vec<i64>,
    credit: Vec<i128>,
    pay: Vec<i64>,
    rep_incentive: Vec<i128>,
    attained: Vec<u64>,
    at_quota: Vec<u32>,
    top10: Vec<f64>,
    corr: Vec<f64>,
    above_ote: Vec<u32>,
}

impl ChunkOut {
    fn new(nr: usize) -> Self {
        Self {
            incentive: Vec::new(),
            credit: Vec::new(),
            pay: Vec::new(),
            rep_incentive: vec![0; nr],
            attained: vec![0; nr],
            at_quota: Vec::new(),
            top10: Vec::new(),
            corr: Vec::new(),
            above_ote: Vec::new(),
        }
    }
}

/// Adds one trial's pay to the chunk; the cross-rep statistics of a
/// comparison (top 10% share, correlation) only when `extras`.
fn summarise(
    pr: &Pricer,
    paid: &Paid,
    nr: usize,
    n: usize,
    extras: bool,
    out: &mut ChunkOut,
    att: &mut Vec<(f64, f64, usize)>,
) {
    let base = out.incentive.len();
    out.incentive.resize(base + n + 1, 0);
    out.credit.resize(base + n + 1, 0);
    att.clear();
    let (mut above_ote, mut at_quota) = (0u32, 0u32);
    if paid.summed {
        for (p, &(inc, own)) in paid.period.iter().enumerate() {
            out.incentive[base + p] = inc;
            out.credit[base + p] = own;
        }
    }
    for r in 0..nr {
        let qy = pr.quota_year[r];
        let (cy, iy, ty) = if paid.summed {
            let (ty, iy, cy) = paid.year[r];
            (cy, iy, ty)
        } else {
            let (mut cy, mut iy, mut ty) = (0i128, 0i64, 0i64);
            for p in 0..n {
                let i = r * n + p;
                out.incentive[base + p] += paid.incentive[i];
                out.credit[base + p] += paid.own[i];
                cy += paid.credit[i];
                iy += paid.incentive[i];
                ty += paid.total[i];
            }
            (cy, iy, ty)
        };
        out.pay.push(ty);
        out.rep_incentive[r] += i128::from(iy);
        above_ote += u32::from(ty > pr.ote[r]);
        if qy > 0 {
            let hit = cy >= qy;
            out.attained[r] += u64::from(hit);
            at_quota += u32::from(hit);
            if extras {
                att.push((cy as f64 / qy as f64, iy as f64, r));
            }
        }
    }
    out.incentive[base + n] = out.incentive[base..base + n].iter().sum();
    out.credit[base + n] = out.credit[base..base + n].iter().sum();
    out.at_quota.push(at_quota);
    out.above_ote.push(above_ote);
    if extras {
        // Top 10% of reps with a quota by attainment (ties: roster order).
        let total_inc: f64 = att.iter().map(|a| a.1).sum();
        let top10 = if att.is_empty() || total_inc <= 0.0 {
            f64::NAN
        } else {
            let k = att.len().div_ceil(10);
            let mut order = att.clone();
            order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
            order[..k].iter().map(|a| a.1).sum::<f64>() / total_inc
        };
        out.top10.push(top10);
        out.corr.push(pearson(att));
    } else {
        out.top10.push(f64::NAN);
        out.corr.push(f64::NAN);
    }
}

/// Pearson correlation of the first two fields (NaN when either does not vary).
pub fn pearson(xy: &[(f64, f64, usize)]) -> f64 {
    let m = xy.len() as f64;
    if xy.len() < 2 {
        return f64::NAN;
    }
    let mx = xy.iter().map(|a| a.0).sum::<f64>() / m;
    let my = xy.iter().map(|a| a.1).sum::<f64>() / m;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for a in xy {
        sxy += (a.0 - mx) * (a.1 - my);
        sxx += (a.0 - mx) * (a.0 - mx);
        syy += (a.1 - my) * (a.1 - my);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        f64::NAN
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Runs `trials` trials of `model` under every plan; `extras` adds the
/// comparison's cross-rep statistics; `tick(k)` reports k more trials done.
pub fn run(
    model: &Model,
    pricers: &[Pricer],
    seed: u64,
    trials: u64,
    extras: bool,
    tick: &(dyn Fn(u64) + Sync),
) -> Vec<Outcome> {
    let n = model.periods;
    let nr = model.reps.len();
    let won = super::price::won_draw(model, pricers);
    let chunks: Vec<(u64, u64)> = (0..trials.div_ceil(CHUNK))
        .map(|c| (c * CHUNK, ((c + 1) * CHUNK).min(trials)))
        .collect();
    let results: Vec<Vec<ChunkOut>> = chunks
        .par_iter()
        .map_init(
            || (Scenario::new(model), vec![Paid::default(); pricers.len()], Vec::new()),
            |(sc, paid, att), &(a, b)| {
                let mut outs: Vec<ChunkOut> = (0..pricers.len()).map(|_| ChunkOut::new(nr)).collect();
                for t in a..b {
                    draw(model, seed, t, won.as_ref(), sc);
                    for (i, pr) in pricers.iter().enumerate() {
                        pr.pay(sc, &mut paid[i]);
                        summarise(pr, &paid[i], nr, n, extras, &mut outs[i], att);
                    }
                }
                tick(b - a);
                outs
            },
        )
        .collect();
    let tu = trials as usize;
    pricers
        .iter()
        .enumerate()
        .map(|(i, pr)| {
            let mut o = Outcome {
                trials,
                periods: n,
                scale: pr.scale,
                fast: pr.is_fast(),
                incentive: Vec::with_capacity(tu * (n + 1)),
                credit: Vec::with_capacity(tu * (n + 1)),
                rep_pay: vec![0; nr * tu],
                rep_incentive_sum: vec![0; nr],
                rep_attained: vec![0; nr],
                with_quota: (0..nr)
                    .filter(|&r| pr.quota_units[r * n..(r + 1) * n].iter().sum::<i128>() > 0)
                    .count(),
                rep_quota: (0..nr)
                    .map(|r| pr.quota_units[r * n..(r + 1) * n].iter().sum::<i128>() > 0)
                    .collect(),
                at_quota: Vec::with_capacity(tu),
                top10_share: Vec::with_capacity(tu),
                correlation: Vec::with_capacity(tu),
                above_ote: Vec::with_capacity(tu),
            };
            let mut t = 0usize;
            for chunk in &results {
                let c = &chunk[i];
                o.incentive.extend(&c.incentive);
                o.credit.extend(&c.credit);
                let k = c.at_quota.len();
                for r in 0..nr {
                    let dst = &mut o.rep_pay[r * tu + t..r * tu + t + k];
                    for (j, d) in dst.iter_mut().enumerate() {
                        *d = c.pay[j * nr + r];
                    }
                    o.rep_incentive_sum[r] += c.rep_incentive[r];
                    o.rep_attained[r] += c.attained[r];
                }
                o.at_quota.extend(&c.at_quota);
                o.top10_share.extend(&c.top10);
                o.correlation.extend(&c.corr);
                o.above_ote.extend(&c.above_ote);
                t += k;
            }
            o
        })
        .collect()
}
