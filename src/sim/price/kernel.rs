//! The kernel: plans whose schemes pay on own credit only commission (with
//! or without a deal-type or product filter), bonus curves and milestones
//! (any tiers, methods, bases, caps, draws; no clawback exposure), compiled into 64-bit integer tables and
//! exact integer fractions, and paid rep by rep for a batch of trials at a
//! time. Same rules, same cents as the engine; tested against it in
//! `tests/sim_engine.rs`.

use super::{bonus_cents, line, pow10, scale_of, settle, units, Comp, Pricer, Rate, RepCode, POW10_U64};
use super::{Paid, Scenario};
use crate::data::Roster;
use crate::plan::{ComponentKind, Plan};
use crate::sim::model::{Model, MAX_DRAW_CENTS};
use crate::units::Rounding;
/// One commission component in the kernel.
#[derive(Debug, Clone)]
struct KComp {
    attainment: bool,
    marginal: bool,
    /// Tier count.
    k: usize,
    /// Rates (mantissa, scale) and the originals.
    rates: Vec<Rate>,
    /// Per tier: the rate's mantissa and the divisor that takes slice × mantissa to cents.
    krates: Vec<Option<(u64, Divider)>>,
    /// Component cap in cents (`i64::MAX`: none).
    cap: i64,
    /// Per key: the scheme's weight where the component's filter passes, 0
    /// where it does not (`None`: no filter, the rep's credit).
    filtered: Option<Vec<i64>>,
}

/// Division by a fixed power of ten without a division instruction: a
/// multiply by the rounded-up reciprocal, exact while `v × d < 2^64`.
#[derive(Debug, Clone, Copy)]
struct Divider {
    d: u64,
    magic: u64,
    /// Values below this divide exactly by the multiply.
    vmax: u64,
}

impl Divider {
    fn new(d: u64) -> Self {
        if d <= 1 {
            return Self {
                d: 1,
                magic: 0,
                vmax: 0,
            };
        }
        Self {
            d,
            magic: (u64::MAX / d) + 1,
            vmax: u64::MAX / d,
        }
    }

    #[inline]
    fn div(&self, v: u64) -> u64 {
        if self.d == 1 {
            v
        } else if v < self.vmax {
            ((u128::from(v) * u128::from(self.magic)) >> 64) as u64
        } else {
            v / self.d
        }
    }
}

/// The hot path for plans whose schemes pay only commission (filtered or
/// not), bonuses and milestones on own credit (any tiers, methods, bases, caps,
/// draws; no clawback exposure): 64-bit integers, flat tables, one pass per
/// rep. Same rules, same cents.
#[derive(Debug, Clone)]
pub(super) struct Kernel {
    /// Per scheme: credit units per cent, per key.
    wm: Vec<Vec<i64>>,
    /// Per scheme: its components.
    comps: Vec<Vec<KComp>>,
    /// Per rep: where its components' tables start: (bounds, `above`) offsets,
    /// one pair per component; period p's bounds at `lo[off + p × k..][..k]`,
    /// its `above` bound (`i64::MIN`: none) at `above[aoff + p]`.
    offs: Vec<Vec<(usize, usize)>>,
    lo: Vec<i64>,
    prefix: Vec<i64>,
    above: Vec<i64>,
    /// Per rep × period: quota units, base pay, guarantee (cents), recoverable.
    quota: Vec<i64>,
    base: Vec<i64>,
    guarantee: Vec<i64>,
    recoverable: Vec<bool>,
    /// Per scheme: period and year caps (`i64::MAX`: none).
    caps: Vec<(i64, i64)>,
    /// Per scheme: its bonuses and milestones.
    extras: Vec<Vec<KExtra>>,
    /// Per rep, period and extra (rep r's at `xoff[r] + p × extras + e`): how
    /// it is worked out.
    xscale: Vec<XCode>,
    xoff: Vec<usize>,
}

/// How a bonus or milestone is worked out for one rep and period.
#[derive(Debug, Clone, Copy)]
enum XCode {
    /// By the engine's own `Decimal` operations: the numbers are so large or
    /// so fine that its rounding at 28 digits could decide a cent.
    Engine,
    /// In exact integers; a bonus's target × active share of the period as
    /// the fraction (numerator, denominator) (a milestone ignores it).
    Exact(i128, i128),
}

/// A bonus or milestone in the kernel: attainment compared and the curve
/// interpolated in exact integer fractions; the engine's own `Decimal`
/// operations where a result lies within 2^-33 of a cent's half, or where
/// [`exact_ok`] finds the numbers too large or fine for exact integers to
/// agree with the engine.
#[derive(Debug, Clone)]
struct KExtra {
    /// The component's index among the scheme's (for the engine's operations).
    ci: usize,
    /// Decimals of the attainment values below (units of 10^-k).
    k: u32,
    kind: Extra,
    /// Component cap in cents (`i64::MAX`: none).
    cap: i64,
}

#[derive(Debug, Clone)]
enum Extra {
    /// Curve points (attainment, payout fraction) in units of 10^-k (`None`: too large).
    Bonus(Option<Vec<(i128, i128)>>),
    /// Pays `cents` from attainment `at` in units of 10^-k (`None`: too large).
    Milestone { at: Option<i128>, cents: i64 },
}

/// A kernel-paid plan, one rep at a time: what the trial loop calls to pay a
/// rep in a batch of trials (see `run`).
#[derive(Clone, Copy)]
pub struct RepKernel<'p, 'a> {
    pr: &'p Pricer<'a>,
    kn: &'p Kernel,
}

/// One rep's pay in a batch of `m` trials, from [`RepKernel::pay_batch`].
#[derive(Debug, Clone, Default)]
pub struct RepBatch {
    /// Credit per period and trial (`p × m + j`), credit units.
    pub credit: Vec<i64>,
    /// Incentive paid per period and trial (`p × m + j`), cents.
    pub paid: Vec<i64>,
    /// Per trial: the year's total pay, incentive paid (cents) and credit (units).
    pub year: Vec<(i64, i64, i128)>,
    /// Earned before the plan's caps and draws (`p × m + j`), cents.
    earned: Vec<i64>,
    /// Per component with a filter: the credit it passes (`p × m + j`).
    filtered: Vec<Vec<i64>>,
}

impl RepKernel<'_, '_> {
    /// Pays rep `r` in `m` trials from its bookings `blocks` (per trial
    /// `periods × keys`, period-major, trial after trial) and pipeline wins
    /// `pipes` (per trial, one per period). Component by component, the tables
    /// of a period serve the whole batch; caps and draws then run trial by trial.
    pub fn pay_batch(&self, r: usize, m: usize, blocks: &[i64], pipes: &[i64], out: &mut RepBatch) {
        let (pr, kn) = (self.pr, self.kn);
        let n = pr.cal.periods();
        out.year.clear();
        if m == 0 {
            return;
        }
        let (rounding, scale) = (pr.plan.rounding, pr.scale);
        let code = &pr.reps[r];
        let wm = &kn.wm[code.scheme];
        let mix = &pr.model.reps[r].mix;
        let comps = &kn.comps[code.scheme];
        credit_into(wm, mix, n, m, blocks, pipes, &mut out.credit);
        out.filtered.resize_with(comps.len(), Vec::new);
        for (c, f) in comps.iter().zip(&mut out.filtered) {
            if let Some(w) = &c.filtered {
                credit_into(w, mix, n, m, blocks, pipes, f);
            }
        }
        out.earned.clear();
        out.earned.resize(n * m, 0);
        for p in 0..n {
            let quota = kn.quota[r * n + p];
            let earned = &mut out.earned[p * m..(p + 1) * m];
            for ((c, &(off, aoff)), f) in comps.iter().zip(&kn.offs[r]).zip(&out.filtered) {
                if c.attainment && quota == 0 {
                    continue;
                }
                let credit = match c.filtered {
                    Some(_) => &f[p * m..(p + 1) * m],
                    None => &out.credit[p * m..(p + 1) * m],
                };
                let at = off + p * c.k;
                let (lo, prefix) = (&kn.lo[at..at + c.k], &kn.prefix[at..at + c.k]);
                let ab = kn.above[aoff + p];
                let mut add =
                    |lo: &[i64], prefix: &[i64]| commission(c, lo, prefix, ab, credit, earned, scale, rounding);
                // Tier counts known when compiled: the tier search unrolls.
                match c.k {
                    1 => fixed::<1>(lo, prefix, add),
                    2 => fixed::<2>(lo, prefix, add),
                    3 => fixed::<3>(lo, prefix, add),
                    4 => fixed::<4>(lo, prefix, add),
                    5 => fixed::<5>(lo, prefix, add),
                    6 => fixed::<6>(lo, prefix, add),
                    _ => add(lo, prefix),
                }
            }
            let extras = &kn.extras[code.scheme];
            if quota == 0 {
                continue; // no attainment: no bonus, no milestone
            }
            let credit = &out.credit[p * m..(p + 1) * m];
            for (x, xi) in extras.iter().zip(kn.xoff[r] + p * extras.len()..) {
                for (e, &c) in earned.iter_mut().zip(credit) {
                    *e += self.extra(x, kn.xscale[xi], r, p, c, quota).min(x.cap);
                }
            }
        }
        let (cap_p, cap_y) = kn.caps[code.scheme];
        out.year.clear();
        if cap_p == i64::MAX && cap_y == i64::MAX && kn.guarantee[r * n..(r + 1) * n].iter().all(|&d| d == 0) {
            // No scheme cap and no draw: what is earned is paid.
            std::mem::swap(&mut out.paid, &mut out.earned);
            let base: i64 = kn.base[r * n..(r + 1) * n].iter().sum();
            out.year.resize(m, (base, 0, 0));
            for (paid, credit) in out.paid.chunks_exact(m).zip(out.credit.chunks_exact(m)) {
                for ((y, &a), &c) in out.year.iter_mut().zip(paid).zip(credit) {
                    y.0 += a;
                    y.1 += a;
                    y.2 += i128::from(c);
                }
            }
            return;
        }
        out.paid.clear();
        out.paid.resize(n * m, 0);
        for j in 0..m {
            let (mut so_far, mut balance) = (0i64, 0i64);
            let (mut ty, mut iy, mut cy) = (0i64, 0i64, 0i64);
            for p in 0..n {
                let i = r * n + p;
                cy += out.credit[p * m + j];
                let e = out.earned[p * m + j].min(cap_p).min((cap_y - so_far).max(0));
                so_far += e;
                // The kernel's bound (see `kernel`) keeps the balance in 64 bits.
                let paid = settle(e, kn.guarantee[i], kn.recoverable[i], &mut balance).unwrap_or(0);
                out.paid[p * m + j] = paid;
                iy += paid;
                ty += kn.base[i] + paid;
            }
            out.year.push((ty, iy, i128::from(cy)));
        }
    }

    /// A bonus or milestone of rep `r` in period `p` at credit `c` (quota `q` > 0), in cents.
    #[inline]
    fn extra(&self, x: &KExtra, code: XCode, r: usize, p: usize, c: i64, q: i64) -> i64 {
        let rounding = self.pr.plan.rounding;
        let (c, q) = (i128::from(c), i128::from(q));
        let exact = match (&x.kind, code) {
            (Extra::Bonus(Some(points)), XCode::Exact(sn, sd)) => bonus_exact(points, x.k, sn, sd, c, q),
            (Extra::Milestone { at: Some(at), cents }, XCode::Exact(..)) => {
                reached(c, q, x.k, *at).map(|hit| if hit { *cents } else { 0 })
            }
            _ => None,
        };
        exact.unwrap_or_else(|| {
            // The engine's operations, as in the fast path.
            let code = &self.pr.reps[r];
            let pc = &code.periods[p];
            // 64-bit credit units are within Decimal's range, and so is their
            // quotient by a quota of at least a cent; the kernel's bound keeps
            // a bonus in 64-bit cents.
            let Some(a) = self.pr.dec(c).and_then(|c| c.checked_div(pc.quota)) else {
                return 0;
            };
            match &code.comps[x.ci] {
                Comp::Bonus { target, curve, .. } => bonus_cents(*target, curve, pc, a, rounding).unwrap_or(0),
                Comp::Milestone { at, cents, .. } if a >= *at => *cents,
                _ => 0,
            }
        })
    }
}

/// Credit per period and trial (`p × m + j`) from `m` trials' bookings
/// `blocks` and pipeline wins `pipes` (as in [`RepKernel::pay_batch`]) under
/// the per-key weights `wm` (pipeline wins are key 0: new, no product).
fn credit_into(wm: &[i64], mix: &[(u32, f64)], n: usize, m: usize, blocks: &[i64], pipes: &[i64], out: &mut Vec<i64>) {
    out.clear();
    out.resize(n * m, 0);
    let k = mix.len();
    if k == 1 {
        // One deal type and product (the common case): one multiply per period.
        let (w0, w) = (wm[0], wm[mix[0].0 as usize]);
        for (j, (block, pipe)) in blocks.chunks_exact(n).zip(pipes.chunks_exact(n)).enumerate() {
            for (p, (&c, &win)) in block.iter().zip(pipe).enumerate() {
                out[p * m + j] = win * w0 + c * w;
            }
        }
    } else {
        for (j, (block, pipe)) in blocks.chunks_exact(n * k).zip(pipes.chunks_exact(n)).enumerate() {
            for (p, (cell, &win)) in block.chunks_exact(k).zip(pipe).enumerate() {
                let mut credit = win * wm[0];
                for (c, (key, _)) in cell.iter().zip(mix) {
                    credit += c * wm[*key as usize];
                }
                out[p * m + j] = credit;
            }
        }
    }
}

/// Builds the kernel when every rep's scheme pays only commission (filtered
/// or not), bonuses and milestones on own credit, no rep is exposed to clawbacks, and
/// every credit number fits 64 bits with room for the largest drawn bookings.
#[allow(clippy::too_many_arguments)] // the compiled tables, handed over once
pub(super) fn kernel(
    plan: &Plan,
    roster: &Roster,
    model: &Model,
    reps: &[RepCode],
    wm: &[Vec<i128>],
    lo_flat: &[i128],
    prefix_flat: &[i64],
    above_flat: &[Option<i128>],
    quota_units: &[i128],
    scale: u32,
) -> Option<Kernel> {
    // Bookings are at most MAX_DRAW_CENTS (10^15) per rep and period, plus pipeline wins.
    const LIMIT: i128 = 9_000;
    for (r, rep) in roster.reps.iter().enumerate() {
        let s = &plan.schemes[rep.scheme];
        if s.credit != crate::plan::CreditScope::Own || (s.clawback_days.is_some() && model.reps[r].cancels.rate > 0.0)
        {
            return None;
        }
        for c in &s.components {
            match &c.kind {
                ComponentKind::Commission { .. } | ComponentKind::Bonus { .. } | ComponentKind::Milestone { .. } => {}
                _ => return None,
            }
        }
    }
    let small = |x: i128| i64::try_from(x).ok();
    let wm64: Vec<Vec<i64>> = wm
        .iter()
        .map(|ws| {
            ws.iter()
                .map(|&w| if w.abs() <= LIMIT { small(w) } else { None })
                .collect()
        })
        .collect::<Option<Vec<Vec<i64>>>>()?;
    // A rep's credit for the year stays in 64 bits: the largest draw and all
    // its pipeline wins in every period, at its scheme's largest weight.
    let n = reps.first().map_or(0, |c| c.periods.len()) as i128;
    for (r, rep) in roster.reps.iter().enumerate() {
        let pipe: i128 = model
            .pipeline
            .iter()
            .filter(|o| o.rep == r)
            .map(|o| i128::from(o.cents).abs())
            .sum();
        let wmax = wm64[rep.scheme].iter().map(|w| i128::from(*w).abs()).max().unwrap_or(0);
        let per_period = (MAX_DRAW_CENTS as i128 + pipe).checked_mul(wmax)?;
        let most = per_period.checked_mul(n)?;
        if most > i128::from(i64::MAX) {
            return None;
        }
        // And so does its pay: at most the largest rate on that credit per
        // commission, 100 × target per bonus, each milestone, capped as the
        // plan caps them, plus base pay and twice the draw (a top-up, and the
        // balance it may leave), in every period, within 2^62 cents; so no
        // line, sum, balance or year total of the kernel leaves 64 bits.
        if pay_bound(&reps[r], per_period as f64, scale).is_none_or(|b| b >= 2f64.powi(62)) {
            return None;
        }
    }
    let lo: Vec<i64> = lo_flat.iter().map(|&x| small(x)).collect::<Option<_>>()?;
    let above: Vec<i64> = above_flat
        .iter()
        .map(|a| match a {
            Some(x) => small(*x),
            None => Some(i64::MIN),
        })
        .collect::<Option<_>>()?;
    let quota: Vec<i64> = quota_units.iter().map(|&x| small(x)).collect::<Option<_>>()?;
    let (mut base, mut guarantee, mut recoverable) = (Vec::new(), Vec::new(), Vec::new());
    let mut caps = vec![(i64::MAX, i64::MAX); plan.schemes.len()];
    for code in reps {
        for pc in &code.periods {
            base.push(pc.base);
            let (d, rec) = pc.guarantee.unwrap_or((0, false));
            guarantee.push(d);
            recoverable.push(rec);
        }
        caps[code.scheme] = (code.cap_period.unwrap_or(i64::MAX), code.cap_year.unwrap_or(i64::MAX));
    }
    // Components per scheme (the same for every rep on it); table offsets per rep.
    let mut comps: Vec<Option<Vec<KComp>>> = vec![None; plan.schemes.len()];
    let mut extras: Vec<Option<Vec<KExtra>>> = vec![None; plan.schemes.len()];
    let mut offs: Vec<Vec<(usize, usize)>> = Vec::with_capacity(reps.len());
    let (mut xscale, mut xoff) = (Vec::new(), Vec::with_capacity(reps.len()));
    for code in reps {
        let mut v = Vec::new();
        let mut o = Vec::new();
        let x: Vec<KExtra> = code
            .comps
            .iter()
            .enumerate()
            .filter_map(|(ci, c)| extra(ci, c))
            .collect();
        xoff.push(xscale.len());
        for pc in &code.periods {
            for e in &x {
                xscale.push(match (&e.kind, &code.comps[e.ci]) {
                    (Extra::Bonus(Some(points)), Comp::Bonus { target, .. }) => match share(*target, pc.num, pc.den) {
                        Some((sn, sd)) if exact_ok(points, e.k, pc.quota_units, Some((sn, sd))) => XCode::Exact(sn, sd),
                        _ => XCode::Engine,
                    },
                    (Extra::Milestone { at: Some(at), .. }, _) if exact_ok(&[(*at, 0)], e.k, pc.quota_units, None) => {
                        XCode::Exact(1, 1)
                    }
                    _ => XCode::Engine,
                });
            }
        }
        if extras[code.scheme].is_none() {
            extras[code.scheme] = Some(x);
        }
        for c in &code.comps {
            if let Comp::Commission {
                attainment,
                marginal,
                rates,
                pass,
                off,
                aoff,
                cap,
                ..
            } = c
            {
                o.push((*off, *aoff));
                let krates = rates
                    .iter()
                    .map(|r| {
                        let s = scale + r.scale;
                        let mant = u64::try_from(r.mant).ok()?;
                        (2..=21)
                            .contains(&s)
                            .then(|| (mant, Divider::new(POW10_U64[(s - 2) as usize])))
                    })
                    .collect();
                v.push(KComp {
                    attainment: *attainment,
                    marginal: *marginal,
                    k: rates.len(),
                    rates: rates.clone(),
                    krates,
                    cap: cap.unwrap_or(i64::MAX),
                    filtered: pass.as_ref().map(|pass| {
                        let wm = &wm64[code.scheme];
                        wm.iter().zip(pass).map(|(&w, &ok)| if ok { w } else { 0 }).collect()
                    }),
                });
            }
        }
        offs.push(o);
        if comps[code.scheme].is_none() {
            comps[code.scheme] = Some(v);
        }
    }
    let comps = comps.into_iter().map(Option::unwrap_or_default).collect();
    let extras = extras.into_iter().map(Option::unwrap_or_default).collect();
    Some(Kernel {
        extras,
        xscale,
        xoff,
        wm: wm64,
        comps,
        offs,
        lo,
        prefix: prefix_flat.to_vec(),
        above,
        quota,
        base,
        guarantee,
        recoverable,
        caps,
    })
}

/// An upper bound, in cents, on rep `code`'s year with at most `credit`
/// units of credit per period: per period its base pay, what it can earn, and
/// twice its draw guarantee (what a top-up pays and the balance it leaves)
/// (`None`: a component the kernel does not pay).
fn pay_bound(code: &RepCode, credit: f64, scale: u32) -> Option<f64> {
    use rust_decimal::prelude::ToPrimitive;
    let per_cent = 10f64.powi(scale as i32 - 2);
    let mut earned = 0.0;
    for c in &code.comps {
        let (b, cap) = match c {
            Comp::Commission { rates, cap, .. } => {
                let top = rates
                    .iter()
                    .map(|r| r.dec.to_f64().unwrap_or(f64::INFINITY))
                    .fold(0.0, f64::max);
                // Each tier line rounds by at most half a cent.
                (credit / per_cent * top + rates.len() as f64 + 1.0, cap)
            }
            Comp::Bonus { target, curve, cap } => {
                let top = curve
                    .iter()
                    .map(|x| x.1.to_f64().unwrap_or(f64::INFINITY))
                    .fold(0.0, f64::max);
                (target.to_f64().unwrap_or(f64::INFINITY) * top * 100.0 + 1.0, cap)
            }
            Comp::Milestone { cents, cap, .. } => (*cents as f64, cap),
            _ => return None,
        };
        earned += cap.map_or(b, |c| b.min(c as f64));
    }
    Some(
        code.periods
            .iter()
            .map(|pc| pc.base as f64 + earned + 2.0 * pc.guarantee.map_or(0.0, |g| g.0 as f64))
            .sum(),
    )
}

/// Calls `f` with `lo` and `prefix` as arrays of `K` tiers (as the slices
/// they are when their length is not `K`).
#[inline(always)]
fn fixed<const K: usize>(lo: &[i64], prefix: &[i64], f: impl FnOnce(&[i64], &[i64])) {
    match (<&[i64; K]>::try_from(lo), <&[i64; K]>::try_from(prefix)) {
        (Ok(lo), Ok(prefix)) => f(lo, prefix),
        _ => f(lo, prefix),
    }
}

/// Adds a commission component's amount, capped, to `earned` for each
/// trial's `credit`: tier lower bounds `lo`, full tiers below each `prefix`,
/// the `above` bound `ab` (`i64::MIN`: none).
#[allow(clippy::too_many_arguments)] // one component of one period, for the whole batch
#[inline(always)]
fn commission(
    c: &KComp,
    lo: &[i64],
    prefix: &[i64],
    ab: i64,
    credit: &[i64],
    earned: &mut [i64],
    scale: u32,
    rounding: Rounding,
) {
    if c.marginal {
        for (e, &x) in earned.iter_mut().zip(credit) {
            // Bounds increase: the tier is a count, without branches.
            let reached = lo.iter().map(|&l| usize::from(x > l)).sum::<usize>();
            let a = match reached.checked_sub(1) {
                Some(t) if x > 0 => prefix[t] + kline(x - lo[t], c, t, scale, rounding),
                _ => 0,
            };
            *e += a.min(c.cap);
        }
    } else {
        for (e, &x) in earned.iter_mut().zip(credit) {
            let reached = lo.iter().map(|&l| usize::from(l <= x)).sum::<usize>();
            let a = match reached.checked_sub(1) {
                Some(t) if x > 0 => {
                    let base = if ab == i64::MIN { x } else { (x - ab).max(0) };
                    kline(base, c, t, scale, rounding)
                }
                _ => 0,
            };
            *e += a.min(c.cap);
        }
    }
}

/// A kernel tier line: [`line`] on 64-bit credit units with the tier's divider.
#[inline(always)]
fn kline(slice: i64, c: &KComp, j: usize, scale: u32, rounding: Rounding) -> i64 {
    if slice <= 0 {
        return 0;
    }
    if let Some((mant, div)) = c.krates[j] {
        if let Some(v) = (slice as u64).checked_mul(mant) {
            if rounding == Rounding::HalfUp && div.d > 1 {
                // d is an even power of ten: ⌊(v + d/2) / d⌋ rounds half up.
                if let Some(w) = v.checked_add(div.d / 2) {
                    return div.div(w) as i64;
                }
            }
            let q = div.div(v);
            let twice = 2 * (v - q * div.d); // < 2d ≤ 2 × 10^18: fits
                                             // Without branches: which way a cent rounds is a coin toss to the predictor.
            let up = match rounding {
                Rounding::HalfUp => u64::from(twice >= div.d),
                Rounding::HalfEven => u64::from(twice > div.d) | (u64::from(twice == div.d) & (q & 1)),
            };
            return (q + (up & u64::from(div.d > 1))) as i64;
        }
    }
    // Within the kernel's bound (see `kernel`) every line fits 64-bit cents.
    line(i128::from(slice), &c.rates[j], scale, rounding).unwrap_or(0)
}

impl<'a> Pricer<'a> {
    pub(super) fn pay_kernel(&self, kn: &Kernel, sc: &Scenario, out: &mut Paid) {
        let n = self.cal.periods();
        let rk = RepKernel { pr: self, kn };
        out.summed = true;
        out.year.clear();
        out.period.clear();
        out.period.resize(n, (0, 0));
        for r in 0..self.reps.len() {
            let block = &sc.bookings[sc.offsets[r]..sc.offsets[r + 1]];
            rk.pay_batch(r, 1, block, &sc.pipe[r * n..(r + 1) * n], &mut out.batch);
            for p in 0..n {
                let (i, credit, paid) = (r * n + p, out.batch.credit[p], out.batch.paid[p]);
                out.incentive[i] = paid;
                out.total[i] = kn.base[i] + paid;
                if out.detail {
                    out.own[i] = i128::from(credit);
                    out.credit[i] = i128::from(credit);
                }
                let per = &mut out.period[p];
                match per.0.checked_add(paid) {
                    Some(v) => per.0 = v,
                    None => {
                        let what = "the sum of every rep's incentive is beyond 2^63 - 1 cents";
                        out.overflow
                            .get_or_insert_with(|| super::Overflow::team(self.cal, Some(p), what));
                    }
                }
                per.1 += i128::from(credit);
            }
            out.year.push(out.batch.year[0]);
        }
    }

    /// The kernel, one rep at a time, when it pays this plan.
    pub fn rep_kernel(&self) -> Option<RepKernel<'_, 'a>> {
        self.kernel.as_ref().map(|kn| RepKernel { pr: self, kn })
    }
}

/// The kernel's form of a bonus or milestone (`None` for other components).
fn extra(ci: usize, c: &Comp) -> Option<KExtra> {
    let (kind, k, cap) = match c {
        Comp::Bonus { curve, cap, .. } => {
            let k = curve
                .iter()
                .map(|(a, f)| scale_of(*a).max(scale_of(*f)))
                .max()
                .unwrap_or(0);
            let points = curve
                .iter()
                .map(|(a, f)| Some((units(*a, k)?, units(*f, k)?)))
                .collect();
            (Extra::Bonus(points), k, cap)
        }
        Comp::Milestone { at, cents, cap } => {
            let k = scale_of(*at);
            (
                Extra::Milestone {
                    at: units(*at, k),
                    cents: *cents,
                },
                k,
                cap,
            )
        }
        _ => return None,
    };
    Some(KExtra {
        ci,
        k,
        kind,
        cap: cap.unwrap_or(i64::MAX),
    })
}

/// Whether exact integers give the engine's cents for attainment `points`
/// (units of 10^-k) against quota `q` (credit units) and, for a bonus,
/// target × share `sn / sd`. The engine rounds attainment and its products to
/// 28 significant digits: that cannot move attainment across a point while
/// q × 10^k × (largest point + 2) stays below 10^27, nor a bonus by 10^-11 of
/// a cent (far inside the kernel's 2^-33 margin around a cent's half) while
/// 100 × target × share × (steepest slope + largest payout) × (largest point
/// + 2) stays below 10^15.
fn exact_ok(points: &[(i128, i128)], k: u32, q: i128, share: Option<(i128, i128)>) -> bool {
    let Some(amax) = points.iter().map(|x| x.0).max() else {
        return false;
    };
    let reach = amax / pow10(k) + 2;
    let compares = q
        .checked_mul(pow10(k))
        .and_then(|v| v.checked_mul(reach))
        .is_some_and(|v| v < pow10(27));
    let Some((sn, sd)) = share else {
        return compares;
    };
    let unit = 10f64.powi(k as i32);
    let fmax = points.iter().map(|x| x.1).max().unwrap_or(0) as f64 / unit;
    let slope = points
        .windows(2)
        .map(|w| ((w[1].1 - w[0].1) as f64 / (w[1].0 - w[0].0) as f64).abs())
        .fold(0.0, f64::max);
    let bound = 100.0 * (sn as f64 / sd as f64).abs() * (slope + fmax) * (reach as f64);
    compares && bound.is_finite() && bound < 1e15
}

/// target × num / den as an exact fraction of integers (`None`: too large, or den ≤ 0).
fn share(
    target: rust_decimal::Decimal,
    num: rust_decimal::Decimal,
    den: rust_decimal::Decimal,
) -> Option<(i128, i128)> {
    let tn = target.checked_mul(num)?.normalize();
    let den = den.normalize();
    if den.mantissa() <= 0 {
        return None;
    }
    let sn = tn.mantissa().checked_mul(pow10(den.scale()))?;
    let sd = pow10(tn.scale()).checked_mul(den.mantissa())?;
    Some((sn, sd))
}

/// Whether attainment c / q reaches `at` × 10^-k (q > 0), when the products fit.
fn reached(c: i128, q: i128, k: u32, at: i128) -> Option<bool> {
    Some(c.checked_mul(pow10(k))? >= at.checked_mul(q)?)
}

/// A bonus in cents from the exact fraction target × share × f(c / q), where
/// the curve `points` are in units of 10^-k and target × share = sn / sd;
/// `None` when a product does not fit, the fraction is negative, or it lies
/// within 2^-33 of a cent's half (where the engine's rounding of its
/// intermediate results could decide the cent).
fn bonus_exact(points: &[(i128, i128)], k: u32, sn: i128, sd: i128, c: i128, q: i128) -> Option<i64> {
    let ck = c.checked_mul(pow10(k))?;
    let &(a0, _) = points.first()?;
    if ck < a0.checked_mul(q)? {
        return Some(0);
    }
    // f(a) = num / den: 0 below the first point, linear between, flat after the last.
    let mut f = None;
    for w in points.windows(2) {
        let ((a0, f0), (a1, f1)) = (w[0], w[1]);
        if ck < a1.checked_mul(q)? {
            let (da, df) = (a1 - a0, f1 - f0);
            let num = f0
                .checked_mul(q)?
                .checked_mul(da)?
                .checked_add(ck.checked_sub(a0.checked_mul(q)?)?.checked_mul(df)?)?;
            f = Some((num, pow10(k).checked_mul(q)?.checked_mul(da)?));
            break;
        }
    }
    let (num, den) = match f {
        Some(f) => f,
        None => (points.last()?.1, pow10(k)),
    };
    if num == 0 {
        return Some(0);
    }
    let n = num.checked_mul(sn)?.checked_mul(100)?;
    let d = den.checked_mul(sd)?;
    if n < 0 || d <= 0 {
        return None;
    }
    let (whole, rem) = (n / d, n % d);
    let twice = rem.checked_mul(2)?;
    if (twice - d).abs() <= d >> 32 {
        return None;
    }
    i64::try_from(whole + i128::from(twice > d)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_divider_divides_exactly() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for &d in &POW10_U64 {
            let div = Divider::new(d);
            for v in [
                0,
                1,
                d - 1,
                d,
                d.saturating_add(1),
                d.saturating_mul(2) - 1,
                u64::MAX / d - 1,
                u64::MAX / d,
                u64::MAX - 1,
                u64::MAX,
            ] {
                assert_eq!(div.div(v), v / d, "{v} / {d}");
            }
            for _ in 0..10_000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let v = x >> (x % 64);
                assert_eq!(div.div(v), v / d, "{v} / {d}");
            }
        }
    }

    #[test]
    fn exact_integers_only_where_the_engine_rounding_cannot_decide_a_cent() {
        // A milestone at 1.1 on a 1,000,000.00 quota: exact.
        assert!(exact_ok(&[(11, 0)], 1, 100_000_000, None));
        // At 1.00999999999000000001 on 10,000,000.01: the engine's 28-digit
        // attainment could round onto the point, so the engine decides.
        let at = 100_999_999_999_000_000_001i128;
        assert!(!exact_ok(&[(at, 0)], 20, 1_000_000_001, None));
        // A bonus of 12,000 a year at a quarter's share on a gentle curve: exact.
        let curve = [(60, 30), (100, 100), (140, 180)];
        assert!(exact_ok(&curve, 2, 25_000_000_000, Some((12_000, 4))));
        // A 10^15 target on a curve that climbs 0 to 100 between 1.0 and 1.0001: the engine.
        let steep = [(10_000, 0), (10_001, 1_000_000)];
        assert!(!exact_ok(&steep, 4, 296_658_900_156, Some((1_000_000_000_000_000, 1))));
    }

    #[test]
    fn a_bonus_as_an_exact_fraction() {
        // Curve [[0.6, 0.3], [1.0, 1.0], [1.4, 1.8]], target × share = 3,000.
        let curve = [(60, 30), (100, 100), (140, 180)];
        let q = 10_000_000; // 100,000.00 in cents
                            // Below the first point: nothing.
        assert_eq!(bonus_exact(&curve, 2, 3_000, 1, 5_999_999, q), Some(0));
        // On the first point: 0.3 × 3,000 = 900.00.
        assert_eq!(bonus_exact(&curve, 2, 3_000, 1, 6_000_000, q), Some(90_000));
        // At 80%: 0.3 + 0.2 × 0.7 / 0.4 = 0.65 → 1,950.00.
        assert_eq!(bonus_exact(&curve, 2, 3_000, 1, 8_000_000, q), Some(195_000));
        // Above the last point: flat at 1.8 → 5,400.00.
        assert_eq!(bonus_exact(&curve, 2, 3_000, 1, 90_000_000, q), Some(540_000));
        // A one-point curve (flat at 1.0): 1/6 of a unit is 16.67 cents, so 17;
        // 1/200 is exactly half a cent, which the engine decides.
        assert_eq!(bonus_exact(&[(0, 100)], 2, 1, 6, 1, 1), Some(17));
        assert_eq!(bonus_exact(&[(0, 100)], 2, 1, 200, 1, 1), None);
    }
}
