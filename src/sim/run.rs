//! Running the trials: draw each trial's scenario once, pay it under every
//! plan, keep what the summaries need. Trials run in parallel (rayon) in
//! fixed chunks whose results are merged in trial order, so the numbers do not
//! depend on the number of threads.

use super::draw::{
    bookings_rng, cancel_cells, draw, draw_cancels, draw_pipeline, draw_rep, draw_won, won_cells, Cell, Scenario,
    TrialRng, WonDraw,
};
use super::model::Model;
use super::price::{Chunk, ChunkPay, Overflow, Paid, Pricer};
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
    /// Whether the batches paid the plan (else the traced program, trial by trial).
    pub fast: bool,
    /// Per trial, per period then FY: total incentive paid, cents (`t × (periods + 1) + p`).
    pub incentive: Vec<i64>,
    /// Per trial, per period then FY: total own credit, credit units.
    pub credit: Vec<i128>,
    /// Per rep, per trial: the year's total pay, cents.
    pub rep_pay: RepPay,
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
    /// The first trial (in trial order) that could not be counted, if any:
    /// the run's numbers are then not to be used.
    pub overflow: Option<Overflow>,
}

/// A rep's year attainment, incentive paid and roster index, in one trial.
/// A rep's (attainment, incentive, roster index) in one year.
pub type Att = (f64, f64, usize);

/// One chunk's numbers for one plan: per trial `j` of the chunk, per period
/// then FY (`j × (periods + 1) + p`); pay per rep and trial (`r × m + j`).
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
    /// The chunk's first trial that could not be counted.
    overflow: Option<Overflow>,
}

impl ChunkOut {
    /// Zeros for `m` trials of `nr` reps over `n` periods.
    fn new(m: usize, nr: usize, n: usize) -> Self {
        Self {
            incentive: vec![0; m * (n + 1)],
            credit: vec![0; m * (n + 1)],
            pay: vec![0; nr * m],
            rep_incentive: vec![0; nr],
            attained: vec![0; nr],
            at_quota: vec![0; m],
            top10: Vec::with_capacity(m),
            corr: Vec::with_capacity(m),
            above_ote: vec![0; m],
            overflow: None,
        }
    }

    /// Records an overflow: the chunk keeps its earliest trial's.
    fn overflowed(&mut self, o: impl FnOnce() -> Overflow) {
        let o = o();
        if self.overflow.as_ref().is_none_or(|x| o.trial < x.trial) {
            self.overflow = Some(o);
        }
    }
}

/// Adds trial `t`'s pay to the chunk; the cross-rep statistics of a
/// comparison (top 10% share, correlation) only when `extras`.
#[allow(clippy::too_many_arguments)] // one trial of one plan into its chunk
fn summarise(
    pr: &Pricer,
    paid: &Paid,
    t: u64,
    nr: usize,
    n: usize,
    extras: bool,
    out: &mut ChunkOut,
    att: &mut Vec<Att>,
) {
    let j = out.top10.len();
    let base = j * (n + 1);
    att.clear();
    if let Some(o) = &paid.overflow {
        out.overflowed(|| o.clone().at(t));
    }
    let team = |p: Option<usize>| {
        move || Overflow::team(pr.cal(), p, "the sum of every rep's pay is beyond 2^63 - 1 cents").at(t)
    };
    for r in 0..nr {
        let year = {
            let (mut ty, mut iy, mut cy) = (0i64, 0i64, 0i128);
            let mut fits = true;
            for p in 0..n {
                let i = r * n + p;
                match out.incentive[base + p].checked_add(paid.incentive[i]) {
                    Some(v) => out.incentive[base + p] = v,
                    None => out.overflowed(team(Some(p))),
                }
                out.credit[base + p] += paid.own[i];
                cy += paid.credit[i];
                match (iy.checked_add(paid.incentive[i]), ty.checked_add(paid.total[i])) {
                    (Some(a), Some(b)) => (iy, ty) = (a, b),
                    _ => fits = false,
                }
            }
            if !fits {
                let what = "its pay summed over the year is beyond 2^63 - 1 cents";
                out.overflowed(|| Overflow::rep(pr.roster(), pr.cal(), r, None, what).at(t));
            }
            (ty, iy, cy)
        };
        tally(pr, r, j, &[year], out, extras.then_some(std::slice::from_mut(att)));
    }
    close_trial(n, j, t, extras, out, att, pr);
}

/// Counts rep `r`'s years (total pay, incentive paid, credit) in the chunk's
/// trials from `j0` on, and its (attainment, incentive) in those trials' `atts` when given.
#[inline(always)]
fn tally(
    pr: &Pricer,
    r: usize,
    j0: usize,
    years: &[(i64, i64, i128)],
    out: &mut ChunkOut,
    atts: Option<&mut [Vec<Att>]>,
) {
    let m = out.above_ote.len();
    let (ote, qy) = (pr.ote[r], pr.quota_year[r]);
    let mut incentive = 0i128;
    let trials = j0..j0 + years.len();
    for ((&(ty, iy, _), pay), above) in years
        .iter()
        .zip(&mut out.pay[r * m..][trials.clone()])
        .zip(&mut out.above_ote[trials.clone()])
    {
        *pay = ty;
        incentive += i128::from(iy);
        *above += u32::from(ty > ote);
    }
    out.rep_incentive[r] += incentive;
    if qy > 0 {
        let mut hits = 0u64;
        for (&(_, _, cy), at) in years.iter().zip(&mut out.at_quota[trials]) {
            let hit = cy >= qy;
            hits += u64::from(hit);
            *at += u32::from(hit);
        }
        out.attained[r] += hits;
        if let Some(atts) = atts {
            for (&(_, iy, cy), att) in years.iter().zip(atts) {
                att.push((cy as f64 / qy as f64, iy as f64, r));
            }
        }
    }
}

/// Ends the chunk's trial `j` (trial `t`): its year totals, and the
/// comparison's cross-rep statistics.
fn close_trial(n: usize, j: usize, t: u64, extras: bool, out: &mut ChunkOut, att: &[Att], pr: &Pricer) {
    let base = j * (n + 1);
    match out.incentive[base..base + n]
        .iter()
        .try_fold(0i64, |a, &v| a.checked_add(v))
    {
        Some(v) => out.incentive[base + n] = v,
        None => out
            .overflowed(|| Overflow::team(pr.cal(), None, "the sum of every rep's pay is beyond 2^63 - 1 cents").at(t)),
    }
    out.credit[base + n] = out.credit[base..base + n].iter().sum();
    let (top10, corr) = if extras { cross_rep(att) } else { (f64::NAN, f64::NAN) };
    out.top10.push(top10);
    out.corr.push(corr);
}

/// Runs the chunk's trials `a..b` rep by rep when the batches pay every plan:
/// each trial keeps its own bookings stream, and a rep's draws in it come in
/// the same order as [`draw`] makes them, so the numbers are those of the
/// trial-by-trial loop.
#[allow(clippy::too_many_arguments)] // one chunk's whole job
fn chunk_by_rep(
    model: &Model,
    pricers: &[Pricer],
    won: Option<&WonDraw>,
    cells: &(Vec<Cell>, Vec<Cell>),
    seed: u64,
    a: u64,
    b: u64,
    extras: bool,
    scratch: &mut Scratch,
) -> Vec<ChunkOut> {
    let (n, nr, m) = (model.periods, model.reps.len(), (b - a) as usize);
    let mut rngs: Vec<TrialRng> = (a..b).map(|t| bookings_rng(seed, t)).collect();
    // Pipeline wins per trial, by rep and period.
    let pipes: Vec<Vec<(usize, i64)>> = (a..b)
        .map(|t| {
            let mut wins = Vec::new();
            draw_pipeline(model, seed, t, |i, cents| wins.push((i, cents)));
            wins.sort_by_key(|w| w.0);
            wins
        })
        .collect();
    // Cancellations only when some plan claws back (their stream is their own).
    let claws = pricers.iter().any(|p| p.wants_cancels);
    let cancels: Vec<Vec<_>> = (a..b)
        .map(|t| {
            let mut v = Vec::new();
            if claws {
                draw_cancels(model, seed, t, &cells.0, &mut v);
            }
            v
        })
        .collect();
    let wons: Vec<Vec<_>> = (a..b)
        .map(|t| {
            let mut v = Vec::new();
            draw_won(seed, t, won, &cells.1, &mut v);
            v
        })
        .collect();
    let mut next = vec![0usize; m];
    let mut outs: Vec<ChunkOut> = pricers.iter().map(|_| ChunkOut::new(m, nr, n)).collect();
    let mut atts: Vec<Vec<Vec<Att>>> = vec![vec![Vec::new(); if extras { m } else { 0 }]; pricers.len()];
    let Scratch {
        chunks,
        pay,
        blocks,
        amounts,
    } = scratch;
    chunks.resize_with(pricers.len(), Chunk::default);
    for (c, pr) in chunks.iter_mut().zip(pricers) {
        c.start(pr, m);
    }
    let mut pipe = vec![0i64; m * n];
    for (r, rm) in model.reps.iter().enumerate() {
        let whole = pricers.iter().all(|p| p.whole(r));
        let kn = if whole { n } else { rm.mix.len() * n };
        blocks.resize(m * kn, 0);
        pipe.fill(0);
        draw_rep(rm, n, &mut rngs, &mut blocks[..m * kn], amounts, whole);
        for j in 0..m {
            let wins = &pipes[j];
            while let Some(&(i, cents)) = wins.get(next[j]).filter(|w| w.0 < (r + 1) * n) {
                pipe[j * n + i - r * n] += cents;
                next[j] += 1;
            }
        }
        for (c, pr) in chunks.iter_mut().zip(pricers) {
            c.book(pr, r, &blocks[..m * kn], &pipe, whole);
        }
    }
    let events: Vec<(&[_], &[_])> = cancels
        .iter()
        .zip(&wons)
        .map(|(c, w)| (c.as_slice(), w.as_slice()))
        .collect();
    for (x, pr) in pricers.iter().enumerate() {
        pr.pay_chunk(&mut chunks[x], &events, pay);
        // A trial the batch could not count in 64 bits is paid by the traced
        // program, which counts it or names what cannot be counted.
        for &j in &pay.bad {
            let t = a + j as u64;
            let mut sc = Scenario::new(model);
            draw(model, seed, t, won, &mut sc);
            let mut paid = Paid::default();
            pr.pay(&sc, &mut paid);
            if let Some(o) = paid.overflow {
                outs[x].overflowed(|| o.at(t));
                continue;
            }
            for r in 0..nr {
                let (mut ty, mut iy, mut cy) = (Some(0i64), Some(0i64), 0i128);
                for p in 0..n {
                    let (i, o) = (r * n + p, (r * n + p) * m + j);
                    pay.paid[o] = paid.incentive[i];
                    pay.total[o] = paid.total[i];
                    pay.credit[o] = paid.credit[i];
                    chunks[x].own[o] = paid.own[i];
                    ty = ty.and_then(|v| v.checked_add(paid.total[i]));
                    iy = iy.and_then(|v| v.checked_add(paid.incentive[i]));
                    cy += paid.credit[i];
                }
                match (ty, iy) {
                    (Some(ty), Some(iy)) => pay.year[r * m + j] = (ty, iy, cy),
                    _ => {
                        let what = "its pay summed over the year is beyond 2^63 - 1 cents";
                        outs[x].overflowed(|| Overflow::rep(pr.roster(), pr.cal(), r, None, what).at(t));
                        pay.year[r * m + j] = (0, 0, cy);
                    }
                }
            }
        }
        // Per period and trial (`p × m + j`): incentive paid and own credit, summed over reps.
        let (mut inc, mut cred) = (vec![0i64; n * m], vec![0i128; n * m]);
        // The earliest trial (and its period) whose team total leaves 64 bits.
        let mut first: Option<(usize, usize)> = None;
        for r in 0..nr {
            let at = r * n * m;
            let mut over = false;
            for (s, &v) in inc.iter_mut().zip(&pay.paid[at..at + n * m]) {
                let (t, o) = s.overflowing_add(v);
                *s = t;
                over |= o;
            }
            if over {
                // Rare: find the earliest trial (and its period) again, exactly.
                let mut again = vec![0i64; n * m];
                for x in 0..=r {
                    for (i, (s, &v)) in again.iter_mut().zip(&pay.paid[x * n * m..(x + 1) * n * m]).enumerate() {
                        match s.checked_add(v) {
                            Some(t) => *s = t,
                            None if first.is_none_or(|f| i % m < f.1) => first = Some((i / m, i % m)),
                            None => {}
                        }
                    }
                }
            }
            cred.iter_mut()
                .zip(&chunks[x].own[at..at + n * m])
                .for_each(|(s, &v)| *s += v);
            tally(
                pr,
                r,
                0,
                &pay.year[r * m..(r + 1) * m],
                &mut outs[x],
                extras.then_some(&mut atts[x][..]),
            );
        }
        if let Some((p, j)) = first {
            outs[x].overflowed(|| {
                Overflow::team(pr.cal(), Some(p), "the sum of every rep's pay is beyond 2^63 - 1 cents")
                    .at(a + j as u64)
            });
        }
        let o = &mut outs[x];
        for (i, (&v, &c)) in inc.iter().zip(&cred).enumerate() {
            let (p, j) = (i / m, i % m);
            o.incentive[j * (n + 1) + p] = v;
            o.credit[j * (n + 1) + p] = c;
        }
        for j in 0..m {
            close_trial(
                n,
                j,
                a + j as u64,
                extras,
                o,
                atts[x].get(j).map_or(&[], Vec::as_slice),
                pr,
            );
        }
    }
    outs
}

/// A thread's buffers for [`chunk_by_rep`], kept from chunk to chunk.
#[derive(Default)]
struct Scratch {
    chunks: Vec<Chunk>,
    pay: ChunkPay,
    blocks: Vec<i64>,
    amounts: Vec<f64>,
}

/// A trial's comparison statistics across reps with a quota, from their
/// (attainment, incentive, rep) in roster order: the share of incentive paid to
/// the top 10% by attainment (ties: roster order), and the correlation.
pub fn cross_rep(att: &[Att]) -> (f64, f64) {
    let total_inc: f64 = att.iter().map(|a| a.1).sum();
    let top10 = if att.is_empty() || total_inc <= 0.0 {
        f64::NAN
    } else {
        let k = att.len().div_ceil(10);
        let mut order = att.to_vec();
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
        order[..k].iter().map(|a| a.1).sum::<f64>() / total_inc
    };
    (top10, pearson(att))
}

/// Pearson correlation of the first two fields (NaN when either does not vary).
pub fn pearson(xy: &[Att]) -> f64 {
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
/// When the batches pay every plan, a chunk's trials run rep by rep.
pub fn run(
    model: &Model,
    pricers: &[Pricer],
    seed: u64,
    trials: u64,
    extras: bool,
    tick: &(dyn Fn(u64) + Sync),
) -> Vec<Outcome> {
    run_in(Order::ByRep, model, pricers, seed, trials, extras, tick)
}

/// The loop order within a chunk of trials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Rep by rep over the chunk's trials, when the batches pay every plan.
    ByRep,
    /// Every trial drawn and paid whole, one after the other: the reference
    /// the rep-by-rep loop is tested against (the same numbers).
    ByTrial,
}

/// [`run`] in the given loop order.
pub fn run_in(
    order: Order,
    model: &Model,
    pricers: &[Pricer],
    seed: u64,
    trials: u64,
    extras: bool,
    tick: &(dyn Fn(u64) + Sync),
) -> Vec<Outcome> {
    let n = model.periods;
    let nr = model.reps.len();
    if let Some(o) = pricers.first().and_then(|pr| pipeline_overflow(model, pr)) {
        // Pipeline wins are summed per rep and period in 64-bit cents.
        return pricers
            .iter()
            .map(|pr| Outcome {
                trials,
                periods: n,
                scale: pr.scale,
                fast: pr.is_fast(),
                overflow: Some(o.clone()),
                ..Outcome::default()
            })
            .collect();
    }
    let won = super::price::won_draw(model, pricers);
    let chunks: Vec<(u64, u64)> = (0..trials.div_ceil(CHUNK))
        .map(|c| (c * CHUNK, ((c + 1) * CHUNK).min(trials)))
        .collect();
    let batches = order == Order::ByRep && pricers.iter().all(Pricer::is_fast);
    // Where trials draw cancellations and won rows: the same cells in every trial.
    let cells = (
        cancel_cells(model),
        won.as_ref().map(|w| won_cells(model, w)).unwrap_or_default(),
    );
    let results: Vec<Vec<ChunkOut>> = match batches {
        true => chunks
            .par_iter()
            .map_init(Scratch::default, |scratch, &(a, b)| {
                let outs = chunk_by_rep(model, pricers, won.as_ref(), &cells, seed, a, b, extras, scratch);
                tick(b - a);
                outs
            })
            .collect(),
        false => chunks
            .par_iter()
            .map_init(
                || (Scenario::new(model), vec![Paid::default(); pricers.len()], Vec::new()),
                |(sc, paid, att), &(a, b)| {
                    let mut outs: Vec<ChunkOut> = (0..pricers.len())
                        .map(|_| ChunkOut::new((b - a) as usize, nr, n))
                        .collect();
                    for t in a..b {
                        draw(model, seed, t, won.as_ref(), sc);
                        for (i, pr) in pricers.iter().enumerate() {
                            pr.pay(sc, &mut paid[i]);
                            summarise(pr, &paid[i], t, nr, n, extras, &mut outs[i], att);
                        }
                    }
                    tick(b - a);
                    outs
                },
            )
            .collect(),
    };
    let tu = trials as usize;
    let mut outcomes: Vec<Outcome> = pricers
        .iter()
        .map(|pr| Outcome {
            trials,
            periods: n,
            scale: pr.scale,
            fast: pr.is_fast(),
            incentive: Vec::with_capacity(tu * (n + 1)),
            credit: Vec::with_capacity(tu * (n + 1)),
            rep_pay: RepPay {
                reps: nr,
                chunks: Vec::with_capacity(results.len()),
            },
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
            overflow: None,
        })
        .collect();
    for chunk in results {
        for (o, c) in outcomes.iter_mut().zip(chunk) {
            o.incentive.extend(&c.incentive);
            o.credit.extend(&c.credit);
            for r in 0..nr {
                o.rep_incentive_sum[r] += c.rep_incentive[r];
                o.rep_attained[r] += c.attained[r];
            }
            o.at_quota.extend(&c.at_quota);
            o.top10_share.extend(&c.top10);
            o.correlation.extend(&c.corr);
            o.above_ote.extend(&c.above_ote);
            o.rep_pay.chunks.push(c.pay);
            if o.overflow.is_none() {
                o.overflow = c.overflow;
            }
        }
    }
    outcomes
}

/// A rep whose open pipeline, all won in one period, would leave 64-bit cents.
fn pipeline_overflow(model: &Model, pr: &Pricer) -> Option<Overflow> {
    let mut sums = vec![0i128; model.reps.len()];
    for o in &model.pipeline {
        if let Some(s) = sums.get_mut(o.rep) {
            *s += i128::from(o.cents).abs();
        }
    }
    let r = sums.iter().position(|&s| s > i128::from(i64::MAX))?;
    let what = format!(
        "its open opportunities add up to {} cents, beyond the 2^63 - 1 cents simulate counts in a period",
        sums[r]
    );
    Some(Overflow::rep(pr.roster(), pr.cal(), r, None, &what))
}

/// The most trials one run simulates.
pub const MAX_TRIALS: u64 = 10_000_000;

/// The most a run keeps of its trials for the summaries, in bytes (8 GiB).
pub const MAX_KEPT_BYTES: u64 = 8 << 30;

/// The bytes a run keeps per trial for `plans` plans of `reps` reps over
/// `periods` periods: per plan every rep's year pay (8 bytes), and per
/// period and for the year the team's incentive (8) and credit (16), with
/// 24 bytes of the trial's statistics, these last twice (the chunks'
/// results and the run's, while they are merged).
pub fn bytes_per_trial(reps: usize, periods: usize, plans: usize) -> u64 {
    let (reps, periods, plans) = (reps as u64, periods as u64, plans as u64);
    plans * (8 * reps + 2 * (24 * (periods + 1) + 24))
}

/// Whether `trials` trials are within the documented maximum ([`MAX_TRIALS`])
/// and what the run would keep within [`MAX_KEPT_BYTES`]; else the error,
/// naming the most trials this roster allows.
pub fn check_trials(trials: u64, reps: usize, periods: usize, plans: usize) -> Result<(), crate::diag::Diagnostic> {
    use crate::diag::Diagnostic;
    if trials == 0 {
        return Err(Diagnostic::error("--trials must be at least 1")
            .with_value("0")
            .with_code("args.trials"));
    }
    let per = bytes_per_trial(reps, periods, plans).max(1);
    let most = (MAX_KEPT_BYTES / per).min(MAX_TRIALS);
    if trials > MAX_TRIALS {
        return Err(
            Diagnostic::error(format!("--trials {trials} is above the maximum of {MAX_TRIALS}"))
                .with_code("args.trials")
                .with_value(trials.to_string())
                .with_help(format!("run at most {MAX_TRIALS} trials")),
        );
    }
    if trials > most {
        let gib = (trials as f64 * per as f64) / f64::from(1u32 << 30);
        return Err(Diagnostic::error(format!(
            "--trials {trials} would keep {gib:.1} GiB of results for {reps} reps, above the {} GiB a run may keep",
            MAX_KEPT_BYTES >> 30
        ))
        .with_code("args.trials-memory")
        .with_value(trials.to_string())
        .with_help(format!(
            "every rep's pay in every trial is kept for its percentiles: with {reps} reps and {plans} plan(s) run at most {most} trials"
        )));
    }
    Ok(())
}

/// Every rep's year pay in every trial, cents, kept in the chunks of trials
/// the run produced (within a chunk: rep after rep, trial after trial).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepPay {
    reps: usize,
    chunks: Vec<Vec<i64>>,
}

impl RepPay {
    /// Rep `r`'s pay in every trial, in trial order, into `out`.
    pub fn rep(&self, r: usize, out: &mut Vec<i64>) {
        out.clear();
        if r >= self.reps {
            return;
        }
        for c in &self.chunks {
            let m = c.len() / self.reps;
            out.extend_from_slice(&c[r * m..(r + 1) * m]);
        }
    }

    /// Σ over every rep and trial.
    pub fn total(&self) -> i128 {
        self.chunks.iter().flatten().map(|&v| i128::from(v)).sum()
    }
}
