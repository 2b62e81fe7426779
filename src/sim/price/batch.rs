//! The batches: a chunk of trials paid rep by rep, by the program's rules.
//!
//! [`Chunk`] holds the chunk's credit in integer units, booked rep by rep as
//! the trials' bookings are drawn, then summed over the reporting tree.
//! [`Pricer::pay_chunk`] pays every rep: each component over the whole batch
//! (`comp::program::tier_amount` with 64-bit cents, the bonus and milestone
//! rules in exact integers where they give the decimal rule's cents, SPIFF
//! rows, overrides), then, trial by trial, `comp::settle`'s scheme caps,
//! clawbacks and draws. Same rules, same cents as `evaluate`; tested against
//! it in `tests/sim_engine.rs`.

use super::{line, money_cents, Pricer, Rate, Step, XCode, POW10_U64};
use crate::comp::components::{bonus_amount, curve_at};
use crate::comp::program::tier_amount;
use crate::comp::settle::{self, Cents};
use crate::plan::CreditScope;
use crate::sim::draw::{SimCancel, SimWon};
use crate::units::Rounding;
use rust_decimal::Decimal;

/// Division by a fixed power of ten without a division instruction, exact
/// for every 64-bit dividend: Granlund and Montgomery's round-up method
/// (a multiply-high by a 65-bit reciprocal, an add and two shifts).
#[derive(Debug, Clone, Copy)]
pub(super) struct Divider {
    d: u64,
    /// The reciprocal less 2^64, and ⌈log2 d⌉.
    mprime: u64,
    l: u32,
}

impl Divider {
    fn new(d: u64) -> Self {
        if d <= 1 {
            return Self { d: 1, mprime: 0, l: 0 };
        }
        let l = 64 - (d - 1).leading_zeros();
        // d < 2^63, so (2^l - d) < 2^63 and the product fits 128 bits.
        let mprime = (((1u128 << 64) * ((1u128 << l) - u128::from(d))) / u128::from(d) + 1) as u64;
        Self { d, mprime, l }
    }

    #[inline]
    fn div(&self, v: u64) -> u64 {
        if self.d == 1 {
            return v;
        }
        let t = ((u128::from(v) * u128::from(self.mprime)) >> 64) as u64;
        (t + ((v - t) >> 1)) >> (self.l - 1)
    }
}

/// A rate's 64-bit form: its mantissa and the divider from slice × mantissa
/// to cents, when both fit.
pub(super) fn krate(r: &Rate, scale: u32) -> Option<(u64, Divider)> {
    let s = scale + r.scale;
    let mant = u64::try_from(r.mant).ok()?;
    // Up to 10^18 as the divisor: twice a remainder stays below 2 × 10^18.
    (2..=20)
        .contains(&s)
        .then(|| (mant, Divider::new(POW10_U64[(s - 2) as usize])))
}

/// A tier line, `round(slice × rate)` in cents: 64-bit integers with the
/// rate's divider when they hold the product, else [`line`].
#[inline(always)]
fn kline(slice: i128, rate: &Rate, k: Option<(u64, Divider)>, scale: u32, rounding: Rounding) -> Option<i64> {
    if slice <= 0 {
        return Some(0);
    }
    if let (Some((mant, div)), Ok(s)) = (k, u64::try_from(slice)) {
        if let Some(v) = s.checked_mul(mant) {
            let q = div.div(v);
            let twice = 2 * (v - q * div.d); // < 2d ≤ 2 × 10^18 (see `krate`): fits
                                             // Without branches: which way a cent rounds is a coin toss to the predictor.
            let up = match rounding {
                Rounding::HalfUp => u64::from(twice >= div.d),
                Rounding::HalfEven => u64::from(twice > div.d) | (u64::from(twice == div.d) & (q & 1)),
            };
            return i64::try_from(q + (up & u64::from(div.d > 1))).ok();
        }
    }
    line(slice, rate, scale, rounding)
}

/// A signed line: negative credit pays a negative amount, rounded alike.
#[inline]
fn signed_line(v: i128, rate: &Rate, k: Option<(u64, Divider)>, scale: u32, rounding: Rounding) -> Option<i64> {
    if v < 0 {
        kline(v.checked_neg()?, rate, k, scale, rounding)?.checked_neg()
    } else {
        kline(v, rate, k, scale, rounding)
    }
}

/// A chunk of trials' credit under one plan, in credit units.
#[derive(Debug, Clone, Default)]
pub struct Chunk {
    /// Trials in the chunk.
    pub m: usize,
    n: usize,
    /// Own credit per rep, period and trial (`(r × periods + p) × m + j`).
    pub own: Vec<i128>,
    /// Per filter class: own credit through it, alike (empty: not needed).
    filtered: Vec<Vec<i128>>,
    /// Own credit summed over each rep's subtree (empty: no scheme needs it).
    team: Vec<i128>,
    /// Per filter class on team credit: the same through it.
    team_filtered: Vec<Vec<i128>>,
}

impl Chunk {
    /// Starts a chunk of `m` trials: every credit zero.
    pub fn start(&mut self, pr: &Pricer, m: usize) {
        let (nr, n) = (pr.roster.reps.len(), pr.cal.periods());
        self.m = m;
        self.n = n;
        // Every rep's own credit is booked whole; a class's, for the reps that
        // need it (the others stay 0): no table is cleared from chunk to chunk.
        let size = nr * n * m;
        self.own.resize(size, 0);
        if self.filtered.len() != pr.classes.len() || self.filtered.first().is_some_and(|f| f.len() != size) {
            self.filtered.clear();
            self.filtered.resize_with(pr.classes.len(), || vec![0; size]);
        }
    }

    /// Books rep `r`'s bookings for the chunk: `blocks` per trial
    /// `periods × keys` cents (period-major, trial after trial) and `pipes`
    /// per trial one per period (pipeline wins: new, no product); with
    /// `whole`, one total per period ([`Pricer::whole`]).
    pub fn book(&mut self, pr: &Pricer, r: usize, blocks: &[i64], pipes: &[i64], whole: bool) {
        let (n, m) = (self.n, self.m);
        let at = r * n * m;
        let rw = &pr.weights[r];
        book_into(&rw.own, whole, n, m, blocks, pipes, &mut self.own[at..at + n * m]);
        for (w, f) in rw.classes.iter().zip(&mut self.filtered) {
            if let Some(w) = w {
                book_into(w, whole, n, m, blocks, pipes, &mut f[at..at + n * m]);
            }
        }
    }

    /// Sums own credit over the reporting tree, when some scheme needs it.
    fn trees(&mut self, pr: &Pricer) {
        let nm = self.n * self.m;
        let sum = |own: &[i128], team: &mut Vec<i128>| {
            team.clear();
            team.extend_from_slice(own);
            for &x in &pr.order {
                for &c in &pr.roster.reports[x] {
                    // Within MAX_SCALE units a subtree's credit fits 128 bits.
                    for i in 0..nm {
                        team[x * nm + i] += team[c * nm + i];
                    }
                }
            }
        };
        if pr.team_tree {
            let mut team = std::mem::take(&mut self.team);
            sum(&self.own, &mut team);
            self.team = team;
        }
        self.team_filtered.resize_with(pr.classes.len(), Vec::new);
        for c in 0..pr.classes.len() {
            if pr.class_tree[c] {
                let mut t = std::mem::take(&mut self.team_filtered[c]);
                sum(&self.filtered[c], &mut t);
                self.team_filtered[c] = t;
            }
        }
    }
}

/// How one rep's drawn cells become credit, worked out once per run: the
/// weight of pipeline wins and of each of the rep's keys (units per cent),
/// in its own credit or through a filter.
#[derive(Debug, Clone, Default)]
pub(super) struct Weights {
    w0: i128,
    ws: Vec<i128>,
    /// The same in 64 bits, when each cell's product fits them (cells are at
    /// most MAX_DRAW_CENTS, 10^15, and weights below 9,000; checked all the same).
    ws64: Option<Vec<i64>>,
    /// Every key has the same weight.
    uniform: bool,
}

impl Weights {
    /// The weights `wm` by key, through the filter `pass` when given, for the keys of `mix`.
    pub(super) fn new(wm: &[i128], pass: Option<&[bool]>, mix: &[(u32, f64)]) -> Self {
        let w = |key: u32| match pass {
            Some(ps) if !ps[key as usize] => 0,
            _ => wm[key as usize],
        };
        let ws: Vec<i128> = mix.iter().map(|(key, _)| w(*key)).collect();
        Self {
            w0: w(0),
            ws64: ws
                .iter()
                .all(|w| w.unsigned_abs() < 9_000)
                .then(|| ws.iter().map(|&w| w as i64).collect()),
            uniform: ws.windows(2).all(|x| x[0] == x[1]),
            ws,
        }
    }
}

/// A rep's [`Weights`]: its own credit's, and per filter class the
/// filtered credit's when the plan counts it (`None`: not needed).
#[derive(Debug, Clone, Default)]
pub(super) struct RepWeights {
    pub(super) own: Weights,
    pub(super) classes: Vec<Option<Weights>>,
}

/// Credit per period and trial (`p × m + j`) from `m` trials' bookings under
/// the weights `w`; `whole`: one total per period (the keys' weights being
/// the same). Keys of one weight are summed before the one multiply: the
/// cost does not grow with the keys the plan does not tell apart.
fn book_into(w: &Weights, whole: bool, n: usize, m: usize, blocks: &[i64], pipes: &[i64], out: &mut [i128]) {
    let k = if whole { 1 } else { w.ws.len() };
    let first = w.ws.first().copied().unwrap_or(0);
    if k == 1 && first == w.w0 {
        // One weight for the bookings and the pipeline wins: one multiply.
        for (j, (block, pipe)) in blocks.chunks_exact(n).zip(pipes.chunks_exact(n)).enumerate() {
            for (p, (&c, &win)) in block.iter().zip(pipe).enumerate() {
                out[p * m + j] = (i128::from(c) + i128::from(win)) * w.w0;
            }
        }
        return;
    }
    for (j, (block, pipe)) in blocks.chunks_exact(n * k.max(1)).zip(pipes.chunks_exact(n)).enumerate() {
        for (p, &win) in pipe.iter().enumerate() {
            let cell = &block[p * k..(p + 1) * k];
            let booked = match &w.ws64 {
                _ if w.uniform || whole => i128::from(cell.iter().sum::<i64>()) * first,
                Some(ws64) => cell
                    .iter()
                    .zip(ws64)
                    .map(|(&c, &w)| {
                        c.checked_mul(w)
                            .map_or_else(|| i128::from(c) * i128::from(w), i128::from)
                    })
                    .sum(),
                None => cell.iter().zip(&w.ws).map(|(&c, &w)| i128::from(c) * w).sum(),
            };
            out[p * m + j] = i128::from(win) * w.w0 + booked;
        }
    }
}

/// A chunk's pay under one plan.
#[derive(Debug, Clone, Default)]
pub struct ChunkPay {
    /// Incentive paid per rep, period and trial (`(r × periods + p) × m + j`), cents.
    pub paid: Vec<i64>,
    /// Total pay, alike.
    pub total: Vec<i64>,
    /// The rep's credit (team credit for team schemes), alike, credit units.
    pub credit: Vec<i128>,
    /// Per rep and trial (`r × m + j`): the year's total pay, incentive paid and credit.
    pub year: Vec<(i64, i64, i128)>,
    /// The chunk's trials some amount of which left 64 bits in the batch
    /// (their numbers here are not to be used; the traced program pays them).
    pub bad: Vec<usize>,
    earned: Vec<i64>,
    commission: Vec<i64>,
    /// Per rep: its SPIFF hits (period, component, trial, cents) and clawbacks (trial, row).
    spiffs: Vec<Vec<(usize, usize, usize, i64)>>,
    clawed: Vec<Vec<(usize, super::Claw)>>,
    scratch: Vec<i128>,
    scratch2: Vec<i128>,
}

/// What one trial carries through a rep's year.
#[derive(Debug, Clone, Copy, Default)]
struct Year {
    so_far: i64,
    balance: i64,
    incentive: i64,
    total: i64,
    credit: i128,
}

impl Pricer<'_> {
    /// Whether the plan does not tell rep `r`'s keys apart: one weight for
    /// all of them, in its credit and through every filter it counts, so
    /// that its bookings can be drawn as one total per period.
    pub fn whole(&self, r: usize) -> bool {
        self.whole[r]
    }

    /// [`Pricer::whole`], worked out.
    pub(super) fn tell_apart(&self, r: usize) -> bool {
        let s = self.program.reps[r].scheme;
        let mix = &self.model.reps[r].mix;
        let same = |f: &dyn Fn(usize) -> i128| mix.windows(2).all(|x| f(x[0].0 as usize) == f(x[1].0 as usize));
        let wm = &self.wm[s];
        !(same(&|k| wm[k])
            && self
                .classes
                .iter()
                .enumerate()
                .all(|(c, pass)| !self.counts_class(s, c) || same(&|k| if pass[k] { wm[k] } else { 0 })))
    }

    /// Whether reps of scheme `s` need their credit through filter class `c`:
    /// a commission of theirs counts it, or a scheme on team credit does.
    pub(super) fn counts_class(&self, s: usize, c: usize) -> bool {
        self.class_tree[c]
            || self.steps[s]
                .iter()
                .any(|x| matches!(x, Step::Commission { class: Some(k), .. } if *k == c))
    }

    /// Pays the chunk's trials; `events` holds each trial's cancellations and
    /// won rows (as drawn).
    pub fn pay_chunk(&self, chunk: &mut Chunk, events: &[(&[SimCancel], &[SimWon])], out: &mut ChunkPay) {
        chunk.trees(self);
        let (n, m, nr) = (chunk.n, chunk.m, self.roster.reps.len());
        let (rounding, scale) = (self.plan.rounding, self.scale);
        let nm = n * m;
        // Every entry is written below.
        out.paid.resize(nr * nm, 0);
        out.total.resize(nr * nm, 0);
        out.credit.resize(nr * nm, 0);
        out.year.resize(nr * m, (0, 0, 0));
        out.bad.clear();
        let mut bad = vec![false; m];
        // The chunk's SPIFF hits and clawbacks, by rep: each rep reads only its own.
        let mut spiffs = std::mem::take(&mut out.spiffs);
        let mut clawed = std::mem::take(&mut out.clawed);
        spiffs.resize_with(nr, Vec::new);
        clawed.resize_with(nr, Vec::new);
        spiffs.iter_mut().for_each(Vec::clear);
        clawed.iter_mut().for_each(Vec::clear);
        for (j, (cancels, won)) in events.iter().enumerate() {
            for h in self.spiff_hits(won) {
                spiffs[h.0].push((h.1, h.2, j, h.4));
            }
            for (c, _) in self.claw_hits(cancels) {
                clawed[c.rep].push((j, c));
            }
        }
        let mut sums: Vec<Option<i64>> = vec![Some(0); m];
        let mut claw_cents: Vec<i64> = Vec::new();
        let mut state: Vec<Year> = Vec::with_capacity(m);
        for r in 0..nr {
            let rt = &self.program.reps[r];
            let st = &self.program.schemes[rt.scheme];
            let steps = &self.steps[rt.scheme];
            let tab = &self.reps[r];
            let at = r * nm;
            let reports = &self.roster.reports[r];
            // Commission per period is kept for the rates clawbacks recover at.
            let claws = st.clawback_days.is_some();
            // The rep's credit by its scheme's scope.
            let credit: &[i128] = match st.scope {
                CreditScope::Own => &chunk.own[at..at + nm],
                CreditScope::Team => &chunk.team[at..at + nm],
                CreditScope::DirectTeam => {
                    out.scratch.clear();
                    out.scratch.extend_from_slice(&chunk.own[at..at + nm]);
                    for &x in reports {
                        for (s, &v) in out.scratch.iter_mut().zip(&chunk.own[x * nm..(x + 1) * nm]) {
                            *s += v;
                        }
                    }
                    &out.scratch
                }
            };
            out.credit[at..at + nm].copy_from_slice(credit);
            out.earned.clear();
            out.earned.resize(nm, 0);
            out.commission.clear();
            out.commission.resize(nm, 0);
            for p in 0..n {
                let q = self.quota_units[r * n + p];
                let t = self.terms(r, p);
                let cred = &credit[p * m..(p + 1) * m];
                let earned = &mut out.earned[p * m..(p + 1) * m];
                let commission = &mut out.commission[p * m..(p + 1) * m];
                for (ci, step) in steps.iter().enumerate() {
                    let cap = st.caps[ci];
                    let mut add = |j: usize, a: Option<i64>, e: &mut [i64]| match a {
                        Some(a) => match e[j].checked_add(settle::cap(a, cap)) {
                            Some(v) => e[j] = v,
                            None => bad[j] = true,
                        },
                        None => bad[j] = true,
                    };
                    match step {
                        Step::Commission {
                            attainment,
                            method,
                            rates,
                            krates,
                            class,
                            // A plan with one is paid by the traced program.
                            per_deal: _,
                        } => {
                            if *attainment && q == 0 {
                                continue;
                            }
                            let cr: &[i128] = match class {
                                None => cred,
                                Some(c) => match st.scope {
                                    CreditScope::Own => &chunk.filtered[*c][at + p * m..at + (p + 1) * m],
                                    CreditScope::Team => &chunk.team_filtered[*c][at + p * m..at + (p + 1) * m],
                                    CreditScope::DirectTeam => {
                                        out.scratch2.clear();
                                        out.scratch2
                                            .extend_from_slice(&chunk.filtered[*c][at + p * m..at + (p + 1) * m]);
                                        for &x in reports {
                                            let o = x * nm + p * m;
                                            for (s, &v) in out.scratch2.iter_mut().zip(&chunk.filtered[*c][o..o + m]) {
                                                *s += v;
                                            }
                                        }
                                        &out.scratch2
                                    }
                                },
                            };
                            let (off, aoff) = tab.offs[ci];
                            let k = rates.len();
                            let o = off + p * k;
                            let (lo, full) = (&self.lo[o..o + k], &self.prefix[o..o + k]);
                            let ab = self.above[aoff + p];
                            let above = (ab != i128::MIN).then_some(ab);
                            for (j, &x) in cr.iter().enumerate() {
                                let a = if x <= 0 {
                                    Some(0)
                                } else {
                                    tier_amount(*method, x, lo, full, above, |t, slice| {
                                        kline(slice, &rates[t], krates[t], scale, rounding)
                                    })
                                };
                                if let (Some(a), true) = (a, claws) {
                                    commission[j] = commission[j].saturating_add(settle::cap(a, cap));
                                }
                                add(j, a, earned);
                            }
                        }
                        Step::Bonus { target, curve, .. } => {
                            if q == 0 {
                                continue;
                            }
                            let exact = tab.bonuses[p * steps.len() + ci].as_ref();
                            for (j, &c) in cred.iter().enumerate() {
                                let a = exact.and_then(|b| b.cents(c)).or_else(|| {
                                    let a = self.dec(c)?.checked_div(t.quota)?;
                                    let fa = curve_at(curve, a);
                                    if fa.is_zero() {
                                        return Some(0);
                                    }
                                    money_cents(bonus_amount(*target, t.num, t.year_den, fa, rounding))
                                });
                                add(j, a, earned);
                            }
                        }
                        Step::Milestone {
                            at: mark,
                            at_units,
                            k,
                            cents,
                        } => {
                            if q == 0 {
                                continue;
                            }
                            let code = tab.xcodes[p * steps.len() + ci];
                            for (j, &c) in cred.iter().enumerate() {
                                let hit = match (at_units, code) {
                                    (Some(u), XCode::Exact) => crate::comp::exact::reached(c, q, *k, *u),
                                    _ => None,
                                }
                                .or_else(|| Some(self.dec(c)?.checked_div(t.quota)? >= *mark));
                                add(j, hit.map(|h| if h { *cents } else { 0 }), earned);
                            }
                        }
                        Step::Spiff { .. } => {
                            sums.fill(Some(0));
                            for &(hp, hci, j, cents) in &spiffs[r] {
                                if (hp, hci) == (p, ci) {
                                    sums[j] = sums[j].and_then(|s| s.checked_add(cents));
                                }
                            }
                            for (j, &s) in sums.iter().enumerate() {
                                add(j, s, earned);
                            }
                        }
                        // Plans with such a step are paid by the traced program, never here.
                        Step::Traced | Step::Contest { .. } => {}
                        Step::Override { rate, krate: k, all } => {
                            let k = *k;
                            let own = &chunk.own[at + p * m..at + (p + 1) * m];
                            for (j, &mine) in own.iter().enumerate() {
                                let oc = if *all {
                                    chunk.team[at + p * m + j] - mine
                                } else {
                                    reports.iter().map(|&x| chunk.own[x * nm + p * m + j]).sum()
                                };
                                add(j, signed_line(oc, rate, k, scale, rounding), earned);
                            }
                        }
                    }
                }
            }
            // Trial by trial: scheme caps, clawbacks, draws (period after period
            // for the whole batch; each trial carries its own year).
            // The rep's clawbacks, per cancel period and trial, at their close
            // periods' commission per unit of credit.
            claw_cents.clear();
            claw_cents.resize(nm, 0);
            for (j, c) in &clawed[r] {
                let j = *j;
                let x = (|| -> Option<i64> {
                    let cm = *out.commission.get(c.close_period * m + j)?;
                    let cr = *credit.get(c.close_period * m + j)?;
                    // Exact integers, or the decimal rule where they cannot tell
                    // (and for a graded share of the credit).
                    let exact = if c.share == Decimal::ONE {
                        crate::comp::exact::clawback_exact(c.units, cm.into(), cr, scale)
                    } else {
                        None
                    };
                    let x = match exact {
                        Some(x) => x,
                        None => {
                            let basis = self.claw_credit(c).checked_mul(c.share)?;
                            settle::clawback(basis, Decimal::new(cm, 2), self.dec(cr)?, rounding)
                                .ok()?
                                .unwrap_or(0)
                        }
                    };
                    claw_cents[c.cancel_period * m + j].checked_add(i64::try_from(x).ok()?)
                })();
                match x {
                    Some(x) => claw_cents[c.cancel_period * m + j] = x,
                    None => bad[j] = true,
                }
            }
            state.clear();
            state.resize(m, Year::default());
            for p in 0..n {
                let base = self.base[r * n + p];
                let (d, recoverable) = self.guarantee[r * n + p];
                for (j, y) in state.iter_mut().enumerate() {
                    let i = p * m + j;
                    let paid = (|| -> Option<i64> {
                        let capped = settle::scheme_caps(out.earned[i], st.cap_period, st.cap_year, &mut y.so_far)?;
                        let net = capped.earned.plus(claw_cents[i])?;
                        Some(settle::settle(net, d, recoverable, st.recovery_cap, &mut y.balance)?.paid)
                    })();
                    let o = at + i;
                    match paid.and_then(|x| Some((x, base.checked_add(x)?))) {
                        Some((paid, total)) => {
                            out.paid[o] = paid;
                            out.total[o] = total;
                            match (y.incentive.checked_add(paid), y.total.checked_add(total)) {
                                (Some(a), Some(b)) => (y.incentive, y.total) = (a, b),
                                _ => bad[j] = true,
                            }
                        }
                        None => {
                            (out.paid[o], out.total[o]) = (0, 0);
                            bad[j] = true;
                        }
                    }
                    y.credit += credit[i];
                }
            }
            for (j, y) in state.iter().enumerate() {
                out.year[r * m + j] = (y.total, y.incentive, y.credit);
            }
        }
        out.bad.extend(bad.iter().enumerate().filter(|x| *x.1).map(|x| x.0));
        out.spiffs = spiffs;
        out.clawed = clawed;
    }
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
    fn the_64_bit_tier_lines_are_the_lines() {
        for rate in ["0.02", "0.065", "1.5", "0.0125", "12"] {
            let r = Rate::new(rate.parse().unwrap_or_default());
            for scale in [2u32, 3, 4, 6] {
                let k = krate(&r, scale);
                for slice in [1i128, 5, 49, 50, 51, 12_345, 99_999_995, 1 << 40] {
                    for rounding in [Rounding::HalfUp, Rounding::HalfEven] {
                        assert_eq!(
                            kline(slice, &r, k, scale, rounding),
                            line(slice, &r, scale, rounding),
                            "{rate} {scale} {slice}"
                        );
                    }
                }
            }
        }
        let r = Rate::new(Decimal::new(15, 1));
        assert_eq!(signed_line(-1001, &r, krate(&r, 2), 2, Rounding::HalfUp), Some(-1502));
        // A divisor of 10^19 (scale 12, rate 0.123456789) leaves the 64-bit shortcut to `line`.
        let r = Rate::new(Decimal::new(123_456_789, 9));
        assert!(krate(&r, 12).is_none());
        assert_eq!(kline(77_000_000_000, &r, krate(&r, 12), 12, Rounding::HalfUp), Some(1));
    }
}
