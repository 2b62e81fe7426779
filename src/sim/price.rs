//! Paying a scenario under a plan: every rep and period, by the pay engine's rules.
//!
//! Two paths give the same cents. The **fast path** compiles the plan once per
//! run into integer programs: per rep and period the quota, tier bounds in
//! credit units (10^-S of the currency, S fixed per plan), the amounts of full
//! marginal tiers, base pay and draw guarantee; a trial then costs integer
//! comparisons, one multiply and one rounding per commission component. The
//! steps that need a quotient (bonus curves, milestones, overrides, clawback
//! rates) repeat the engine's own `Decimal` operations on the same values.
//! The **generic path** books the scenario into a `credit::Ledger` and calls
//! `comp::evaluate`, line items and all; it serves plans the fast path does
//! not cover (caps in fractions of a cent, credit finer than 10^-12), and
//! is the oracle the fast path is tested against.

use super::draw::Scenario;
use super::history::key_type;
use super::model::Model;
use crate::calendar::{day_number, Calendar};
use crate::comp::components::curve_at;
use crate::credit::{credit_set, quota, ClawHit, Ledger, SpiffHit, Tenure};
use crate::data::quotas::Quotas;
use crate::data::Roster;
use crate::plan::{Basis, ComponentKind, Method, Plan, Scope};
use crate::units::Rounding;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// The finest credit unit the fast path works in (10^-12).
pub const MAX_SCALE: u32 = 12;

/// One trial's pay under one plan, per rep and period (`r × periods + p`).
#[derive(Debug, Clone, Default)]
pub struct Paid {
    /// Incentive paid, cents.
    pub incentive: Vec<i64>,
    /// Total pay (base + incentive paid), cents.
    pub total: Vec<i64>,
    /// The rep's credit (team credit for team schemes), in credit units.
    pub credit: Vec<i128>,
    /// The rep's own credit, in credit units.
    pub own: Vec<i128>,
    /// Keep `credit` and `own` per rep and period even on the kernel path (tests).
    pub detail: bool,
    /// Whether `year` and `period` hold this trial's sums (the kernel fills
    /// them as it goes, and then leaves `credit` and `own` alone unless `detail`).
    pub summed: bool,
    /// Per rep: the year's total pay, incentive paid (cents) and credit (units).
    pub year: Vec<(i64, i64, i128)>,
    /// Per period: total incentive paid (cents) and total own credit (units).
    pub period: Vec<(i64, i128)>,
    /// The kernel's scratch: one rep's pay.
    batch: RepBatch,
}

impl Paid {
    /// Buffers that keep every rep's credit per period, also on the kernel path.
    pub fn detailed() -> Self {
        Self {
            detail: true,
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone)]
struct Rate {
    mant: u128,
    scale: u32,
    dec: Decimal,
}

#[derive(Debug, Clone)]
enum Comp {
    Commission {
        attainment: bool,
        marginal: bool,
        rates: Vec<Rate>,
        /// Per key: passes the filter (`None`: all pass).
        pass: Option<Vec<bool>>,
        /// Tier tables: period p's bounds are `lo[off + p × k..][..k]`.
        off: usize,
        /// `above` bounds: period p's at `above[aoff + p]`.
        aoff: usize,
        cap: Option<i64>,
    },
    Bonus {
        target: Decimal,
        curve: Vec<(Decimal, Decimal)>,
        cap: Option<i64>,
    },
    Milestone {
        at: Decimal,
        cents: i64,
        cap: Option<i64>,
    },
    Spiff {
        cap: Option<i64>,
    },
    Override {
        rate: Decimal,
        set: Vec<usize>,
        cap: Option<i64>,
    },
}

#[derive(Debug, Clone)]
struct PeriodCode {
    quota: Decimal,
    quota_units: i128,
    base: i64,
    guarantee: Option<(i64, bool)>,
    num: Decimal,
    den: Decimal,
}

#[derive(Debug, Clone)]
struct RepCode {
    scheme: usize,
    set: Vec<usize>,
    comps: Vec<Comp>,
    periods: Vec<PeriodCode>,
    cap_period: Option<i64>,
    cap_year: Option<i64>,
}

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

/// The hot path for plans whose schemes pay only unfiltered commission on own
/// credit (any tiers, methods, bases, caps, draws; no clawback exposure):
/// 64-bit integers, flat tables, one pass per rep. Same rules, same cents.
#[derive(Debug, Clone)]
struct Kernel {
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
        let k = mix.len();
        out.credit.clear();
        out.credit.resize(n * m, 0);
        out.earned.clear();
        out.earned.resize(n * m, 0);
        if k == 1 {
            // One deal type and product (the common case): one multiply per period.
            let (w0, w) = (wm[0], wm[mix[0].0 as usize]);
            for (j, (block, pipe)) in blocks.chunks_exact(n).zip(pipes.chunks_exact(n)).enumerate() {
                for (p, (&c, &win)) in block.iter().zip(pipe).enumerate() {
                    out.credit[p * m + j] = win * w0 + c * w;
                }
            }
        } else {
            for (j, (block, pipe)) in blocks.chunks_exact(n * k).zip(pipes.chunks_exact(n)).enumerate() {
                for (p, (cell, &win)) in block.chunks_exact(k).zip(pipe).enumerate() {
                    let mut credit = win * wm[0];
                    for (c, (key, _)) in cell.iter().zip(mix) {
                        credit += c * wm[*key as usize];
                    }
                    out.credit[p * m + j] = credit;
                }
            }
        }
        for p in 0..n {
            let quota = kn.quota[r * n + p];
            let credit = &out.credit[p * m..(p + 1) * m];
            let earned = &mut out.earned[p * m..(p + 1) * m];
            for (c, &(off, aoff)) in kn.comps[code.scheme].iter().zip(&kn.offs[r]) {
                if c.attainment && quota == 0 {
                    continue;
                }
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
                let paid = settle(e, kn.guarantee[i], kn.recoverable[i], &mut balance);
                out.paid[p * m + j] = paid;
                iy += paid;
                ty += kn.base[i] + paid;
            }
            out.year.push((ty, iy, i128::from(cy)));
        }
    }
}

/// A plan compiled against a roster and a model's keys.
pub struct Pricer<'a> {
    plan: &'a Plan,
    roster: &'a Roster,
    cal: &'a Calendar,
    quotas: &'a Quotas,
    model: &'a Model,
    /// Credit units are 10^-scale of the currency.
    pub scale: u32,
    fast: bool,
    /// Per scheme, per key: credit units per cent of bookings.
    wm: Vec<Vec<i128>>,
    /// Per scheme, per key: weight × multiplier.
    wm_dec: Vec<Vec<Decimal>>,
    reps: Vec<RepCode>,
    /// Per rep, per period: quota in credit units (for attainment statistics).
    pub quota_units: Vec<i128>,
    /// Tier lower bounds in credit units, per commission component and period.
    lo_flat: Vec<i128>,
    /// Σ of the full tiers below each tier, cents.
    prefix_flat: Vec<i64>,
    /// `above` bound per commission component and period (retroactive).
    above_flat: Vec<Option<i128>>,
    /// The commission-only kernel, when the plan is one.
    kernel: Option<Kernel>,
    /// Per rep: on-target earnings for its active time in the year, cents.
    pub ote: Vec<i64>,
    /// Per rep: the year's quota in credit units.
    pub quota_year: Vec<i128>,
    /// Whether any scheme pays SPIFFs (the scenario must draw won rows).
    pub wants_won: bool,
    spiff_windows: Vec<Vec<Option<(i32, i32)>>>,
}

fn pow10(k: u32) -> i128 {
    10i128.pow(k)
}

fn scale_of(d: Decimal) -> u32 {
    d.normalize().scale()
}

/// `d` in units of 10^-s, when exact.
fn units(d: Decimal, s: u32) -> Option<i128> {
    let n = d.normalize();
    if n.scale() > s {
        return None;
    }
    n.mantissa().checked_mul(pow10(s - n.scale()))
}

fn cents(d: Decimal) -> Option<i64> {
    units(d, 2).and_then(|u| i64::try_from(u).ok())
}

/// Powers of ten that fit in a u64.
const POW10_U64: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// [`round_cents`] for a non-negative value that fits in a u64 (the common case: no 128-bit division).
#[inline]
fn round_cents_u64(v: u64, s: u32, rounding: Rounding) -> i64 {
    if s <= 2 {
        return (v * POW10_U64[(2 - s) as usize]) as i64;
    }
    let k = s - 2;
    let d = POW10_U64[k as usize];
    let (q, r) = (v / d, v % d);
    let up = match rounding {
        Rounding::HalfUp => r >= d - r,
        Rounding::HalfEven => r > d - r || (r == d - r && q % 2 == 1),
    };
    (q + u64::from(up)) as i64
}

/// Rounds a non-negative or negative value `v × 10^-s` to cents.
fn round_cents(v: i128, s: u32, rounding: Rounding) -> i128 {
    if s <= 2 {
        return v * pow10(2 - s);
    }
    let d = pow10(s - 2);
    let (q, r) = (v / d, v % d);
    let (q, r, neg) = if v < 0 { (-q, -r, true) } else { (q, r, false) };
    let twice = 2 * r;
    let up = match rounding {
        Rounding::HalfUp => twice >= d,
        Rounding::HalfEven => twice > d || (twice == d && q % 2 == 1),
    };
    let m = if up { q + 1 } else { q };
    if neg {
        -m
    } else {
        m
    }
}

impl<'a> Pricer<'a> {
    /// Compiles `plan` for the roster; `force_generic` always uses the engine.
    pub fn new(
        plan: &'a Plan,
        roster: &'a Roster,
        cal: &'a Calendar,
        quotas: &'a Quotas,
        model: &'a Model,
        force_generic: bool,
    ) -> Self {
        let n = cal.periods();
        let nkeys = model.products.len() * 3;
        let product = |key: usize| -> Option<&str> {
            match key / 3 {
                0 => None,
                i => model.products.get(i).map(String::as_str),
            }
        };
        let wm_dec: Vec<Vec<Decimal>> = plan
            .schemes
            .iter()
            .map(|s| {
                (0..nkeys)
                    .map(|k| s.weights[key_type(k as u32).index()] * s.multiplier(product(k)))
                    .collect()
            })
            .collect();
        // Quotas, tenure facts, and the finest scale any bound or credit needs.
        let mut scale = 2u32;
        for w in wm_dec.iter().flatten() {
            scale = scale.max(2 + scale_of(*w));
        }
        let mut fast = !force_generic;
        let mut periods_of = Vec::with_capacity(roster.reps.len());
        for (r, rep) in roster.reps.iter().enumerate() {
            let scheme = &plan.schemes[rep.scheme];
            let tenure = Tenure::of(rep, cal);
            let ps: Vec<(Decimal, Decimal, Decimal)> = (0..n)
                .map(|p| {
                    let (num, den) = tenure.active(cal, p);
                    (quota::quota(plan, scheme, &tenure, cal, quotas, r, p), num, den)
                })
                .collect();
            for (q, _, _) in &ps {
                scale = scale.max(scale_of(*q));
                for c in &scheme.components {
                    if let ComponentKind::Commission {
                        basis, tiers, above, ..
                    } = &c.kind
                    {
                        for f in tiers.iter().map(|t| t.from).chain(*above) {
                            let b = match basis {
                                Basis::Attainment => f * *q,
                                Basis::Amount => f,
                            };
                            scale = scale.max(scale_of(b));
                        }
                    }
                }
            }
            periods_of.push((tenure, ps));
        }
        if scale > MAX_SCALE {
            fast = false;
            scale = MAX_SCALE;
        }
        let wm: Vec<Vec<i128>> = wm_dec
            .iter()
            .map(|ws| ws.iter().map(|w| units(*w, scale - 2).unwrap_or(0)).collect())
            .collect();
        let rounding = plan.rounding;
        let mut quota_units = Vec::with_capacity(roster.reps.len() * n);
        let (mut lo_flat, mut prefix_flat, mut above_flat) = (Vec::new(), Vec::new(), Vec::new());
        type TableKey = (usize, usize, Vec<i128>, Vec<Option<i128>>);
        let mut tables: std::collections::HashMap<TableKey, (usize, usize)> = std::collections::HashMap::new();
        let mut ote = Vec::with_capacity(roster.reps.len());
        let mut reps = Vec::with_capacity(roster.reps.len());
        let cap = |d: Option<Decimal>, fast: &mut bool| -> Option<i64> {
            d.map(|x| {
                cents(x).unwrap_or_else(|| {
                    *fast = false;
                    0
                })
            })
        };
        for (r, rep) in roster.reps.iter().enumerate() {
            let scheme = &plan.schemes[rep.scheme];
            let (tenure, ps) = &periods_of[r];
            let periods: Vec<PeriodCode> = ps
                .iter()
                .enumerate()
                .map(|(p, (q, num, den))| {
                    let guarantee = match &scheme.draw {
                        Some(d) if tenure.draw_active(cal, p, d.months) => Some((
                            cents(rounding.money(d.amount * *num / *den)).unwrap_or(0),
                            d.recoverable,
                        )),
                        _ => None,
                    };
                    PeriodCode {
                        quota: *q,
                        quota_units: units(*q, scale).unwrap_or(0),
                        base: cents(rounding.money(scheme.base_salary * *num / (*den * Decimal::from(n as u64))))
                            .unwrap_or(0),
                        guarantee,
                        num: *num,
                        den: *den * Decimal::from(n as u64),
                    }
                })
                .collect();
            quota_units.extend(periods.iter().map(|p| p.quota_units));
            ote.push(
                ps.iter()
                    .map(|(_, num, den)| {
                        cents(rounding.money(scheme.ote() * *num / (*den * Decimal::from(n as u64)))).unwrap_or(0)
                    })
                    .sum(),
            );
            let mut comps = Vec::with_capacity(scheme.components.len());
            for (ci, c) in scheme.components.iter().enumerate() {
                let ccap = cap(c.cap, &mut fast);
                comps.push(match &c.kind {
                    ComponentKind::Commission {
                        basis,
                        method,
                        tiers,
                        filter,
                        above,
                    } => {
                        let rates: Vec<Rate> = tiers
                            .iter()
                            .map(|t| {
                                let n = t.rate.normalize();
                                Rate {
                                    mant: n.mantissa().unsigned_abs(),
                                    scale: n.scale(),
                                    dec: t.rate,
                                }
                            })
                            .collect();
                        let pass = (!filter.is_all()).then(|| {
                            (0..nkeys)
                                .map(|k| filter.passes(key_type(k as u32), product(k)))
                                .collect()
                        });
                        let k = tiers.len();
                        // This rep's tables for every period; reps whose quotas are the
                        // same share one copy (a small working set for the kernel).
                        let (mut lo_all, mut prefix_all, mut above_all) = (Vec::new(), Vec::new(), Vec::new());
                        for pc in &periods {
                            let bound = |f: Decimal| match basis {
                                Basis::Attainment => f * pc.quota,
                                Basis::Amount => f,
                            };
                            let lo: Vec<i128> = tiers
                                .iter()
                                .map(|t| {
                                    units(bound(t.from), scale).unwrap_or_else(|| {
                                        fast = false;
                                        0
                                    })
                                })
                                .collect();
                            let mut prefix = vec![0i64; k];
                            for j in 1..k {
                                let full = line(lo[j] - lo[j - 1], &rates[j - 1], scale, rounding);
                                prefix[j] = prefix[j - 1] + full;
                            }
                            lo_all.extend(lo);
                            prefix_all.extend(prefix);
                            above_all.push(above.map(|a| units(bound(a), scale).unwrap_or(0)));
                        }
                        let key = (rep.scheme, ci, lo_all, above_all);
                        let (off, aoff) = match tables.get(&key) {
                            Some(&at) => at,
                            None => {
                                let at = (lo_flat.len(), above_flat.len());
                                lo_flat.extend(key.2.iter().copied());
                                prefix_flat.extend(prefix_all);
                                above_flat.extend(key.3.iter().copied());
                                tables.insert(key, at);
                                at
                            }
                        };
                        Comp::Commission {
                            attainment: *basis == Basis::Attainment,
                            marginal: *method == Method::Marginal,
                            rates,
                            pass,
                            off,
                            aoff,
                            cap: ccap,
                        }
                    }
                    ComponentKind::Bonus { target, curve } => Comp::Bonus {
                        target: *target,
                        curve: curve.clone(),
                        cap: ccap,
                    },
                    ComponentKind::Milestone { at, amount } => Comp::Milestone {
                        at: *at,
                        cents: cents(rounding.money(*amount)).unwrap_or(0),
                        cap: ccap,
                    },
                    ComponentKind::Spiff { .. } => Comp::Spiff { cap: ccap },
                    ComponentKind::Override { rate, scope } => Comp::Override {
                        rate: *rate,
                        set: match scope {
                            Scope::Direct => roster.reports[r].clone(),
                            Scope::All => roster.descendants(r),
                        },
                        cap: ccap,
                    },
                });
            }
            reps.push(RepCode {
                scheme: rep.scheme,
                set: credit_set(plan, roster, r),
                comps,
                periods,
                cap_period: cap(scheme.cap_period, &mut fast),
                cap_year: cap(scheme.cap_year, &mut fast),
            });
        }
        let spiff_windows: Vec<Vec<Option<(i32, i32)>>> = plan
            .schemes
            .iter()
            .map(|s| {
                s.components
                    .iter()
                    .map(|c| match &c.kind {
                        ComponentKind::Spiff { from, to, .. } => Some((day_number(*from), day_number(*to))),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let wants_won = spiff_windows.iter().flatten().any(Option::is_some);
        let kernel = if fast {
            kernel(
                plan,
                roster,
                model,
                &reps,
                &wm,
                &lo_flat,
                &prefix_flat,
                &above_flat,
                &quota_units,
                scale,
            )
        } else {
            None
        };
        Self {
            plan,
            roster,
            cal,
            quotas,
            model,
            scale,
            fast,
            wm,
            wm_dec,
            reps,
            quota_year: quota_units.chunks(n.max(1)).map(|q| q.iter().sum()).collect(),
            quota_units,
            lo_flat,
            prefix_flat,
            above_flat,
            kernel,
            ote,
            wants_won,
            spiff_windows,
        }
    }

    /// Whether the fast path pays this plan.
    pub fn is_fast(&self) -> bool {
        self.fast
    }

    /// The SPIFF hits of a scenario: (rep, period, component, split, amount).
    fn spiff_hits(&self, sc: &Scenario) -> Vec<(usize, usize, usize, Decimal, Decimal)> {
        let mut hits = Vec::new();
        if !self.wants_won {
            return hits;
        }
        for w in &sc.won {
            let s = self.reps[w.rep].scheme;
            for (ci, win) in self.spiff_windows[s].iter().enumerate() {
                let Some((from, to)) = win else { continue };
                if let ComponentKind::Spiff {
                    filter,
                    per_deal,
                    min_amount,
                    ..
                } = &self.plan.schemes[s].components[ci].kind
                {
                    let product = self.product(w.key);
                    if w.day >= *from
                        && w.day <= *to
                        && filter.passes(key_type(w.key), product)
                        && w.amount >= *min_amount
                    {
                        hits.push((
                            w.rep,
                            w.period,
                            ci,
                            w.split,
                            self.plan.rounding.money(*per_deal * w.split),
                        ));
                    }
                }
            }
        }
        hits
    }

    fn product(&self, key: u32) -> Option<&'a str> {
        match key / 3 {
            0 => None,
            i => self.model.products.get(i as usize).map(String::as_str),
        }
    }

    /// The clawback hits of a scenario under this plan.
    fn claw_hits(&self, sc: &Scenario) -> Vec<ClawHit> {
        let mut out = Vec::new();
        let t = &self.model.timeline;
        for c in &sc.cancels {
            let s = self.reps[c.rep].scheme;
            let Some(w) = self.plan.schemes[s].clawback_days else {
                continue;
            };
            if i64::from(c.cancel - c.close) > w {
                continue;
            }
            let cp = t.period_of(c.cancel);
            if !(0..self.cal.periods() as i64).contains(&cp) {
                continue;
            }
            let credit = Decimal::new(c.cents, 2) * self.wm_dec[s][c.key as usize];
            out.push(ClawHit {
                rep: c.rep,
                close_period: c.period,
                cancel_period: cp as usize,
                deal_id: "simulated".into(),
                cancel_date: chrono::NaiveDate::from_num_days_from_ce_opt(c.cancel).unwrap_or_default(),
                credit,
            });
        }
        out
    }

    /// Pays `sc` into `out`.
    pub fn pay(&self, sc: &Scenario, out: &mut Paid) {
        let n = self.cal.periods();
        let nr = self.roster.reps.len();
        out.incentive.resize(nr * n, 0);
        out.total.resize(nr * n, 0);
        out.credit.resize(nr * n, 0);
        out.own.resize(nr * n, 0);
        if let Some(k) = &self.kernel {
            self.pay_kernel(k, sc, out);
            return;
        }
        out.summed = false;
        // Own credit in units.
        for r in 0..nr {
            let wm = &self.wm[self.reps[r].scheme];
            let mix = &self.model.reps[r].mix;
            for p in 0..n {
                let cell = sc.cell(self.model, r, p);
                let mut u: i128 = cell
                    .iter()
                    .zip(mix)
                    .map(|(&c, (k, _))| i128::from(c) * wm[*k as usize])
                    .sum();
                u += i128::from(sc.pipe[r * n + p]) * wm[0];
                out.own[r * n + p] = u;
            }
        }
        if self.fast {
            self.pay_fast(sc, out);
        } else {
            self.pay_generic(sc, out);
        }
    }

    /// Whether the commission-only kernel pays this plan.
    pub fn is_kernel(&self) -> bool {
        self.kernel.is_some()
    }

    fn pay_kernel(&self, kn: &Kernel, sc: &Scenario, out: &mut Paid) {
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
                per.0 += paid;
                per.1 += i128::from(credit);
            }
            out.year.push(out.batch.year[0]);
        }
    }

    /// The commission-only kernel, one rep at a time, when it pays this plan.
    pub fn rep_kernel(&self) -> Option<RepKernel<'_, 'a>> {
        self.kernel.as_ref().map(|kn| RepKernel { pr: self, kn })
    }

    fn dec(&self, u: i128) -> Decimal {
        Decimal::from_i128_with_scale(u, self.scale)
    }

    fn filtered(&self, sc: &Scenario, set: &[usize], p: usize, pass: &[bool]) -> i128 {
        let n = self.cal.periods();
        let mut u = 0i128;
        for &x in set {
            let wm = &self.wm[self.reps[x].scheme];
            for (&c, (k, _)) in sc.cell(self.model, x, p).iter().zip(&self.model.reps[x].mix) {
                if pass[*k as usize] {
                    u += i128::from(c) * wm[*k as usize];
                }
            }
            if pass[0] {
                u += i128::from(sc.pipe[x * n + p]) * wm[0];
            }
        }
        u
    }

    fn pay_fast(&self, sc: &Scenario, out: &mut Paid) {
        let n = self.cal.periods();
        let rounding = self.plan.rounding;
        let mut spiffs = self.spiff_hits(sc);
        spiffs.sort_by_key(|h| (h.0, h.1, h.2));
        let mut claws = self.claw_hits(sc);
        claws.sort_by_key(|h| (h.rep, h.cancel_period));
        let mut rates: Vec<(i64, i128)> = Vec::with_capacity(n);
        for (r, code) in self.reps.iter().enumerate() {
            let (mut earned_so_far, mut balance) = (0i64, 0i64);
            rates.clear();
            for (p, pc) in code.periods.iter().enumerate() {
                let credit: i128 = code.set.iter().map(|&x| out.own[x * n + p]).sum();
                out.credit[r * n + p] = credit;
                let attain = || (!pc.quota.is_zero()).then(|| self.dec(credit) / pc.quota);
                let (mut e, mut commission) = (0i64, 0i64);
                for (ci, comp) in code.comps.iter().enumerate() {
                    let capped = |a: i64, cap: &Option<i64>| match cap {
                        Some(c) if a > *c => *c,
                        _ => a,
                    };
                    let amount = match comp {
                        Comp::Commission {
                            attainment,
                            marginal,
                            rates: rs,
                            pass,
                            off,
                            aoff,
                            cap,
                        } => {
                            let a = if *attainment && pc.quota.is_zero() {
                                0
                            } else {
                                let cr = match pass {
                                    Some(pass) => self.filtered(sc, &code.set, p, pass),
                                    None => credit,
                                };
                                let k = rs.len();
                                let at = off + p * k;
                                let lo = &self.lo_flat[at..at + k];
                                if cr <= 0 {
                                    0
                                } else if *marginal {
                                    match lo.iter().rposition(|&l| cr > l) {
                                        Some(j) => {
                                            self.prefix_flat[at + j] + line(cr - lo[j], &rs[j], self.scale, rounding)
                                        }
                                        None => 0,
                                    }
                                } else {
                                    match lo.iter().rposition(|&l| l <= cr) {
                                        Some(j) => {
                                            let base = match self.above_flat[aoff + p] {
                                                Some(a) => (cr - a).max(0),
                                                None => cr,
                                            };
                                            line(base, &rs[j], self.scale, rounding)
                                        }
                                        None => 0,
                                    }
                                }
                            };
                            let a = capped(a, cap);
                            commission += a;
                            a
                        }
                        Comp::Bonus { target, curve, cap } => {
                            let a = match attain() {
                                Some(a) => {
                                    let fa = curve_at(curve, a);
                                    if fa.is_zero() {
                                        0
                                    } else {
                                        money_cents(rounding.money(*target * pc.num * fa / pc.den))
                                    }
                                }
                                None => 0,
                            };
                            capped(a, cap)
                        }
                        Comp::Milestone { at, cents, cap } => match attain() {
                            Some(a) if a >= *at => capped(*cents, cap),
                            _ => 0,
                        },
                        Comp::Spiff { cap } => {
                            let from = spiffs.partition_point(|h| (h.0, h.1, h.2) < (r, p, ci));
                            let s: Decimal = spiffs[from..]
                                .iter()
                                .take_while(|h| (h.0, h.1, h.2) == (r, p, ci))
                                .map(|h| h.4)
                                .sum();
                            capped(money_cents(s), cap)
                        }
                        Comp::Override { rate, set, cap } => {
                            let oc: i128 = set.iter().map(|&x| out.own[x * n + p]).sum();
                            let a = if oc == 0 {
                                0
                            } else {
                                money_cents(rounding.money(self.dec(oc) * *rate))
                            };
                            capped(a, cap)
                        }
                    };
                    e += amount;
                }
                if let Some(c) = code.cap_period {
                    e = e.min(c);
                }
                if let Some(c) = code.cap_year {
                    e = e.min((c - earned_so_far).max(0));
                }
                earned_so_far += e;
                rates.push((commission, credit));
                let mut claw = 0i64;
                let from = claws.partition_point(|h| (h.rep, h.cancel_period) < (r, p));
                for h in claws[from..].iter().take_while(|h| (h.rep, h.cancel_period) == (r, p)) {
                    let (cm, cr) = rates.get(h.close_period).copied().unwrap_or_default();
                    if cr == 0 || cm == 0 {
                        continue;
                    }
                    claw -= money_cents(rounding.money(h.credit * Decimal::new(cm, 2) / self.dec(cr)));
                }
                let net = e + claw;
                let (d, recoverable) = pc.guarantee.unwrap_or((0, false));
                let paid = settle(net, d, recoverable, &mut balance);
                out.incentive[r * n + p] = paid;
                out.total[r * n + p] = pc.base + paid;
            }
        }
    }

    /// Books the scenario into a ledger, exactly as deals.csv would have.
    pub fn ledger(&self, sc: &Scenario) -> Ledger {
        let n = self.cal.periods();
        let mut ledger = Ledger::new(self.plan, self.roster, self.cal, false);
        for r in 0..self.roster.reps.len() {
            let s = self.reps[r].scheme;
            let mix = &self.model.reps[r].mix;
            for p in 0..n {
                for (&c, (k, _)) in sc.cell(self.model, r, p).iter().zip(mix) {
                    if c != 0 {
                        let credit = Decimal::new(c, 2) * self.wm_dec[s][*k as usize];
                        ledger.add_credit(r, p, key_type(*k), self.product(*k), credit);
                    }
                }
                let w = sc.pipe[r * n + p];
                if w != 0 {
                    let credit = Decimal::new(w, 2) * self.wm_dec[s][0];
                    ledger.add_credit(r, p, key_type(0), None, credit);
                }
            }
        }
        for (rep, period, component, split, amount) in self.spiff_hits(sc) {
            ledger.spiffs.push(SpiffHit {
                rep,
                period,
                component,
                deal_id: "simulated".into(),
                split,
                amount,
            });
        }
        ledger.clawbacks = self.claw_hits(sc);
        ledger
    }

    fn pay_generic(&self, sc: &Scenario, out: &mut Paid) {
        let n = self.cal.periods();
        let ledger = self.ledger(sc);
        let ev = crate::comp::evaluate(self.plan, self.roster, self.cal, &ledger, self.quotas);
        for rp in &ev.reps {
            for (p, pay) in rp.periods.iter().enumerate() {
                let i = rp.rep * n + p;
                out.incentive[i] = money_cents(pay.incentive_paid);
                out.total[i] = money_cents(pay.total_pay);
                out.credit[i] = (pay.credit * Decimal::from_i128_with_scale(pow10(self.scale), 0))
                    .round()
                    .to_i128()
                    .unwrap_or(0);
            }
        }
    }
}

/// The won deal rows the plans' SPIFFs could pay (`None`: no plan pays SPIFFs).
pub fn won_draw(model: &Model, pricers: &[Pricer]) -> Option<super::draw::WonDraw> {
    if !pricers.iter().any(|p| p.wants_won) {
        return None;
    }
    let mut spans: Vec<(i32, i32)> = pricers
        .iter()
        .flat_map(|p| p.spiff_windows.iter().flatten().flatten().copied())
        .collect();
    spans.sort_unstable();
    let mut windows: Vec<(i32, i32)> = Vec::new();
    for (a, b) in spans {
        match windows.last_mut() {
            Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
            _ => windows.push((a, b)),
        }
    }
    let reps = model
        .reps
        .iter()
        .enumerate()
        .map(|(r, m)| {
            let keep: Vec<_> = m
                .won
                .samples
                .iter()
                .filter(|w| {
                    pricers.iter().any(|pr| {
                        let s = pr.reps[r].scheme;
                        pr.plan.schemes[s].components.iter().any(|c| match &c.kind {
                            ComponentKind::Spiff { filter, min_amount, .. } => {
                                filter.passes(key_type(w.key), pr.product(w.key)) && w.amount >= *min_amount
                            }
                            _ => false,
                        })
                    })
                })
                .copied()
                .collect();
            let frac = if m.won.samples.is_empty() {
                0.0
            } else {
                keep.len() as f64 / m.won.samples.len() as f64
            };
            (frac, keep)
        })
        .collect();
    Some(super::draw::WonDraw { windows, reps })
}

/// Builds the kernel when every rep's scheme pays only unfiltered commission
/// on own credit, no rep is exposed to clawbacks, and every number fits 64 bits
/// with room for the largest drawn bookings.
#[allow(clippy::too_many_arguments)] // the compiled tables, handed over once
fn kernel(
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
        if s.credit != crate::plan::CreditScope::Own
            || (s.clawback_days.is_some() && model.reps[r].cancels.rate > 0.0)
            || model
                .pipeline
                .iter()
                .any(|o| o.rep == r && o.cents > 1_000_000_000_000_000)
        {
            return None;
        }
        for c in &s.components {
            match &c.kind {
                ComponentKind::Commission { filter, .. } if filter.is_all() => {}
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
    let mut offs: Vec<Vec<(usize, usize)>> = Vec::with_capacity(reps.len());
    for code in reps {
        let mut v = Vec::new();
        let mut o = Vec::new();
        for c in &code.comps {
            if let Comp::Commission {
                attainment,
                marginal,
                rates,
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
                });
            }
        }
        offs.push(o);
        if comps[code.scheme].is_none() {
            comps[code.scheme] = Some(v);
        }
    }
    let comps = comps.into_iter().map(Option::unwrap_or_default).collect();
    Some(Kernel {
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

/// A period's pay under a draw guaranteeing `d` cents (0: none) from its
/// earnings `e`: the guarantee when earnings fall short (the top-up, and any
/// negative earnings, carried in `balance` when recoverable), else the
/// earnings less what the balance recovers. The engine's rule, in cents.
#[inline(always)]
fn settle(e: i64, d: i64, recoverable: bool, balance: &mut i64) -> i64 {
    if e >= d {
        let recovered = (*balance).min(e - d).max(0);
        *balance -= recovered;
        e - recovered
    } else {
        let topup = d - e.max(0);
        *balance += (-e).max(0);
        if recoverable {
            *balance += topup;
        }
        d
    }
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
    line(i128::from(slice), &c.rates[j], scale, rounding)
}

/// A money amount already rounded to cents, as cents.
fn money_cents(d: Decimal) -> i64 {
    let s = d.scale();
    if s <= 2 {
        if let Some(v) = d.mantissa().checked_mul(pow10(2 - s)) {
            return i64::try_from(v).unwrap_or(0);
        }
    }
    (d * Decimal::ONE_HUNDRED).round().to_i64().unwrap_or(0)
}

/// One tier line: round(slice × rate) in cents, slice in units of 10^-scale.
/// Integer arithmetic when the engine's `Decimal` product is exact (it then
/// is the same number); the engine's own operations otherwise.
#[inline]
fn line(slice: i128, rate: &Rate, scale: u32, rounding: Rounding) -> i64 {
    if slice <= 0 {
        return 0;
    }
    let s = scale + rate.scale;
    if s <= 28 {
        if let Some(v) = (slice as u128).checked_mul(rate.mant) {
            if let (Ok(v64), true) = (u64::try_from(v), s <= 21) {
                return round_cents_u64(v64, s, rounding);
            }
            if v < (1u128 << 96) {
                return round_cents(v as i128, s, rounding) as i64;
            }
        }
    }
    money_cents(rounding.money(Decimal::from_i128_with_scale(slice, scale) * rate.dec))
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
    fn rounding_to_cents_follows_the_plan() {
        assert_eq!(round_cents(12345, 3, Rounding::HalfUp), 1235);
        assert_eq!(round_cents(12345, 3, Rounding::HalfEven), 1234);
        assert_eq!(round_cents(12355, 3, Rounding::HalfEven), 1236);
        assert_eq!(round_cents(-12345, 3, Rounding::HalfUp), -1235);
        assert_eq!(round_cents(-12345, 3, Rounding::HalfEven), -1234);
        assert_eq!(round_cents(7, 1, Rounding::HalfUp), 70);
        for v in [0u64, 4, 5, 6, 14, 15, 16, 12345, 12355, 999_999_999_995] {
            for s in 2..8 {
                for r in [Rounding::HalfUp, Rounding::HalfEven] {
                    assert_eq!(
                        round_cents_u64(v, s, r) as i128,
                        round_cents(v as i128, s, r),
                        "{v} {s}"
                    );
                }
            }
        }
    }
}
