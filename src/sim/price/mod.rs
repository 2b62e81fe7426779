//! Paying a scenario under a plan: every rep and period, by the pay engine's rules.
//!
//! Two paths give the same cents. The **fast path** compiles the plan once per
//! run into integer programs: per rep and period the quota, tier bounds in
//! credit units (10^-S of the currency, S fixed per plan), the amounts of full
//! marginal tiers, base pay and draw guarantee; a trial then costs integer
//! comparisons, one multiply and one rounding per commission component. The
//! steps that need a quotient (bonus curves, milestones, overrides, clawback
//! rates) repeat the engine's own `Decimal` operations on the same values.
//! For plans that pay only commission, bonuses and milestones on own credit,
//! the fast path runs as the `kernel` submodule: 64-bit tables and exact
//! integer fractions, paid rep by rep for a batch of trials.
//! The **generic path** books the scenario into a `credit::Ledger` and calls
//! `comp::evaluate`, line items and all; it serves plans the fast path does
//! not cover (caps in fractions of a cent, credit finer than 10^-12), and
//! is the oracle the fast path is tested against.

use super::draw::Scenario;
use super::history::key_type;
use super::model::Model;
use crate::calendar::{day_number, Calendar};
use crate::comp::components::curve_at;
use crate::comp::settle::clawback_amount;
use crate::credit::{quota, ClawHit, Ledger, SpiffHit, Tenure};
use crate::data::quotas::Quotas;
use crate::data::Roster;
use crate::diag::Diagnostic;
use crate::plan::{Basis, ComponentKind, CreditScope, Method, Plan, Scope};
use crate::units::Rounding;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// The finest credit unit the fast path works in (10^-12).
pub const MAX_SCALE: u32 = 12;

mod kernel;

use kernel::{kernel, Kernel};
pub use kernel::{RepBatch, RepKernel};

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
    /// The trial could not be counted (its numbers are then zeros).
    pub overflow: Option<Overflow>,
    /// The kernel's scratch: one rep's pay.
    batch: RepBatch,
    /// Scratch: team credit per rep and period (`r × periods + p`), and the
    /// same through each team filter.
    team: Vec<i128>,
    team_filtered: Vec<Vec<i128>>,
}

/// The largest amount simulate counts: 2^63 − 1 cents (about 9.2 × 10^16 of
/// the currency) for any rep's pay in a period or a year and for the team's
/// total in a period or a year.
pub const MAX_CENTS: i64 = i64::MAX;

/// A trial simulate cannot count: an amount beyond [`MAX_CENTS`], or beyond
/// the range of exact decimals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overflow {
    /// The trial (0-based).
    pub trial: u64,
    /// What could not be counted, located at the rep's row of reps.csv when one rep's.
    pub error: Diagnostic,
}

impl Overflow {
    /// Rep `r`'s pay in period `p` (`None`: the year) is beyond what simulate counts.
    pub fn rep(roster: &Roster, cal: &Calendar, r: usize, p: Option<usize>, what: &str) -> Self {
        let id = roster.reps.get(r).map_or("?", |x| x.id.as_str());
        let when = p.map_or("the year", |p| cal.label(p));
        Self {
            trial: 0,
            error: roster.at_rep(
                r,
                Diagnostic::error(format!("the pay of rep {id} in {when} cannot be counted: {what}"))
                    .with_code("simulate.out-of-range"),
            ),
        }
    }

    /// The team's total in period `p` (`None`: the year) is beyond what simulate counts.
    pub fn team(cal: &Calendar, p: Option<usize>, what: &str) -> Self {
        let when = p.map_or("the year", |p| cal.label(p));
        Self {
            trial: 0,
            error: Diagnostic::error(format!("the team's pay in {when} cannot be counted: {what}"))
                .with_code("simulate.out-of-range"),
        }
    }

    /// The error to show: which trial, and the range simulate counts in.
    pub fn diagnostic(&self) -> Diagnostic {
        let mut d = self.error.clone();
        d.message = format!("trial {}: {}", self.trial + 1, d.message);
        d.with_help(
            "simulate counts pay in whole cents below 92,233,720,368,547,758.07 (2^63 - 1 cents) \
             per rep and for the team, per period and per year; check the plan's rates and \
             weights, or pay this data with `fuerza evaluate`, which has no such limit",
        )
    }

    /// The same, in trial `trial`.
    pub(crate) fn at(mut self, trial: u64) -> Self {
        self.trial = trial;
        self
    }
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
        /// For a rep on team credit with a filter: its filter among the Pricer's `team_passes`.
        team_pass: Option<usize>,
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
        /// Every rep below (else the direct reports).
        all: bool,
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
    /// Whose credit counts (the rep's, its direct reports', everyone's below).
    scope: CreditScope,
    comps: Vec<Comp>,
    periods: Vec<PeriodCode>,
    cap_period: Option<i64>,
    cap_year: Option<i64>,
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
    /// The kernel, when it pays the plan.
    kernel: Option<Kernel>,
    /// Per rep: on-target earnings for its active time in the year, cents.
    pub ote: Vec<i64>,
    /// Per rep: the year's quota in credit units.
    pub quota_year: Vec<i128>,
    /// Whether any scheme pays SPIFFs (the scenario must draw won rows).
    pub wants_won: bool,
    spiff_windows: Vec<Vec<Option<(i32, i32)>>>,
    /// Every rep, each after its reports (team sums are built in this order).
    order: Vec<usize>,
    /// Whether some rep's credit or override sums everyone below it.
    team_tree: bool,
    /// The distinct filters of commissions paid on team credit.
    team_passes: Vec<Vec<bool>>,
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
        let mut team_passes: Vec<Vec<bool>> = Vec::new();
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
                        let pass: Option<Vec<bool>> = (!filter.is_all()).then(|| {
                            (0..nkeys)
                                .map(|k| filter.passes(key_type(k as u32), product(k)))
                                .collect()
                        });
                        let team_pass = match &pass {
                            Some(ps) if scheme.credit == CreditScope::Team => {
                                Some(team_passes.iter().position(|x| x == ps).unwrap_or_else(|| {
                                    team_passes.push(ps.clone());
                                    team_passes.len() - 1
                                }))
                            }
                            _ => None,
                        };
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
                            // Σ of the full tiers below each; one beyond 2^63 cents is
                            // kept as i64::MAX, which no credit that reaches it can pay.
                            let mut prefix = vec![0i64; k];
                            for j in 1..k {
                                let full = line(lo[j] - lo[j - 1], &rates[j - 1], scale, rounding);
                                prefix[j] = full.and_then(|f| prefix[j - 1].checked_add(f)).unwrap_or(i64::MAX);
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
                            team_pass,
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
                        all: *scope == Scope::All,
                        cap: ccap,
                    },
                });
            }
            reps.push(RepCode {
                scheme: rep.scheme,
                scope: scheme.credit,
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
        let team_tree = reps.iter().any(|c| {
            c.scope == CreditScope::Team || c.comps.iter().any(|x| matches!(x, Comp::Override { all: true, .. }))
        });
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
            order: roster.bottom_up(),
            team_tree,
            team_passes,
        }
    }

    /// The plan's calendar.
    pub fn cal(&self) -> &'a Calendar {
        self.cal
    }

    /// The roster paid.
    pub fn roster(&self) -> &'a Roster {
        self.roster
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

    /// Pays `sc` into `out`. A trial whose pay cannot be counted (see
    /// [`MAX_CENTS`]) sets `out.overflow` and leaves zeros.
    pub fn pay(&self, sc: &Scenario, out: &mut Paid) {
        let n = self.cal.periods();
        let nr = self.roster.reps.len();
        out.overflow = None;
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
        // The fast path counts in integers what the engine counts in decimals;
        // a trial whose numbers leave its integers is paid by the engine itself.
        if self.fast && self.pay_fast(sc, out).is_some() {
            return;
        }
        if let Err(e) = self.pay_generic(sc, out) {
            for v in [&mut out.incentive, &mut out.total] {
                v.iter_mut().for_each(|x| *x = 0);
            }
            out.credit.iter_mut().for_each(|x| *x = 0);
            out.overflow = Some(e);
        }
    }

    /// Whether the kernel pays this plan.
    pub fn is_kernel(&self) -> bool {
        self.kernel.is_some()
    }

    /// Credit units as a decimal, when within Decimal's range.
    fn dec(&self, u: i128) -> Option<Decimal> {
        Decimal::try_from_i128_with_scale(u, self.scale).ok()
    }

    /// Rep `x`'s own credit in period `p` through the filter `pass`.
    fn filtered_own(&self, sc: &Scenario, x: usize, p: usize, pass: &[bool]) -> i128 {
        let n = self.cal.periods();
        let wm = &self.wm[self.reps[x].scheme];
        let mut u = 0i128;
        for (&c, (k, _)) in sc.cell(self.model, x, p).iter().zip(&self.model.reps[x].mix) {
            if pass[*k as usize] {
                u += i128::from(c) * wm[*k as usize];
            }
        }
        if pass[0] {
            u += i128::from(sc.pipe[x * n + p]) * wm[0];
        }
        u
    }

    /// Sums `own` (per rep and period) over everyone's subtree into `team`,
    /// bottom-up in one pass; `None` on overflow.
    fn tree_sums(&self, own: &[i128], team: &mut Vec<i128>) -> Option<()> {
        let n = self.cal.periods();
        team.clear();
        team.extend_from_slice(own);
        for &x in &self.order {
            for &c in &self.roster.reports[x] {
                for p in 0..n {
                    team[x * n + p] = team[x * n + p].checked_add(team[c * n + p])?;
                }
            }
        }
        Some(())
    }

    /// The integer fast path; `None` when a number leaves its integers (the
    /// engine then pays the trial).
    fn pay_fast(&self, sc: &Scenario, out: &mut Paid) -> Option<()> {
        let n = self.cal.periods();
        let rounding = self.plan.rounding;
        let roster = self.roster;
        let mut spiffs = self.spiff_hits(sc);
        spiffs.sort_by_key(|h| (h.0, h.1, h.2));
        let mut claws = self.claw_hits(sc);
        claws.sort_by_key(|h| (h.rep, h.cancel_period));
        // Team credit, and team credit through each filter, for every rep: one pass.
        let mut team = std::mem::take(&mut out.team);
        let mut team_filtered = std::mem::take(&mut out.team_filtered);
        let mut scratch = Vec::new();
        if self.team_tree {
            self.tree_sums(&out.own, &mut team)?;
        }
        team_filtered.resize_with(self.team_passes.len(), Vec::new);
        for (pass, t) in self.team_passes.iter().zip(&mut team_filtered) {
            scratch.clear();
            for x in 0..roster.reps.len() {
                scratch.extend((0..n).map(|p| self.filtered_own(sc, x, p, pass)));
            }
            self.tree_sums(&scratch, t)?;
        }
        let result = self.pay_fast_with(out, &spiffs, &claws, &team, &team_filtered, sc, rounding);
        out.team = team;
        out.team_filtered = team_filtered;
        result
    }

    #[allow(clippy::too_many_arguments)] // one trial's inputs, gathered once
    fn pay_fast_with(
        &self,
        out: &mut Paid,
        spiffs: &[(usize, usize, usize, Decimal, Decimal)],
        claws: &[ClawHit],
        team: &[i128],
        team_filtered: &[Vec<i128>],
        sc: &Scenario,
        rounding: Rounding,
    ) -> Option<()> {
        let n = self.cal.periods();
        let roster = self.roster;
        let mut rates: Vec<(i64, i128)> = Vec::with_capacity(n);
        for (r, code) in self.reps.iter().enumerate() {
            let (mut earned_so_far, mut balance) = (0i64, 0i64);
            rates.clear();
            // A rep and its direct reports, summed (in integers, in any order).
            let direct = |f: &dyn Fn(usize) -> i128| -> Option<i128> {
                roster.reports[r].iter().try_fold(f(r), |acc, &x| acc.checked_add(f(x)))
            };
            for (p, pc) in code.periods.iter().enumerate() {
                let credit: i128 = match code.scope {
                    CreditScope::Own => out.own[r * n + p],
                    CreditScope::DirectTeam => direct(&|x| out.own[x * n + p])?,
                    CreditScope::Team => team[r * n + p],
                };
                out.credit[r * n + p] = credit;
                let attain = || -> Option<Option<Decimal>> {
                    if pc.quota.is_zero() {
                        Some(None)
                    } else {
                        self.dec(credit)?.checked_div(pc.quota).map(Some)
                    }
                };
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
                            team_pass,
                            off,
                            aoff,
                            cap,
                        } => {
                            let a = if *attainment && pc.quota.is_zero() {
                                0
                            } else {
                                let cr = match (pass, team_pass) {
                                    (None, _) => credit,
                                    (Some(_), Some(t)) => team_filtered[*t][r * n + p],
                                    (Some(pass), None) => match code.scope {
                                        CreditScope::DirectTeam => direct(&|x| self.filtered_own(sc, x, p, pass))?,
                                        _ => self.filtered_own(sc, r, p, pass),
                                    },
                                };
                                let k = rs.len();
                                let at = off + p * k;
                                let lo = &self.lo_flat[at..at + k];
                                if cr <= 0 {
                                    0
                                } else if *marginal {
                                    match lo.iter().rposition(|&l| cr > l) {
                                        Some(j) => self.prefix_flat[at + j].checked_add(line(
                                            cr - lo[j],
                                            &rs[j],
                                            self.scale,
                                            rounding,
                                        )?)?,
                                        None => 0,
                                    }
                                } else {
                                    match lo.iter().rposition(|&l| l <= cr) {
                                        Some(j) => {
                                            let base = match self.above_flat[aoff + p] {
                                                Some(a) => (cr - a).max(0),
                                                None => cr,
                                            };
                                            line(base, &rs[j], self.scale, rounding)?
                                        }
                                        None => 0,
                                    }
                                }
                            };
                            let a = capped(a, cap);
                            commission = commission.checked_add(a)?;
                            a
                        }
                        Comp::Bonus { target, curve, cap } => {
                            let a = match attain()? {
                                Some(a) => bonus_cents(*target, curve, pc, a, rounding)?,
                                None => 0,
                            };
                            capped(a, cap)
                        }
                        Comp::Milestone { at, cents, cap } => match attain()? {
                            Some(a) if a >= *at => capped(*cents, cap),
                            _ => 0,
                        },
                        Comp::Spiff { cap } => {
                            let from = spiffs.partition_point(|h| (h.0, h.1, h.2) < (r, p, ci));
                            let s = crate::credit::sum(
                                spiffs[from..]
                                    .iter()
                                    .take_while(|h| (h.0, h.1, h.2) == (r, p, ci))
                                    .map(|h| h.4),
                            )
                            .ok()?;
                            capped(money_cents(s)?, cap)
                        }
                        Comp::Override { rate, all, cap } => {
                            let oc: i128 = if *all {
                                team[r * n + p] - out.own[r * n + p]
                            } else {
                                direct(&|x| out.own[x * n + p])? - out.own[r * n + p]
                            };
                            let a = if oc == 0 {
                                0
                            } else {
                                money_cents(rounding.money(self.dec(oc)?.checked_mul(*rate)?))?
                            };
                            capped(a, cap)
                        }
                    };
                    e = e.checked_add(amount)?;
                }
                if let Some(c) = code.cap_period {
                    e = e.min(c);
                }
                if let Some(c) = code.cap_year {
                    e = e.min(c.checked_sub(earned_so_far)?.max(0));
                }
                earned_so_far = earned_so_far.checked_add(e)?;
                rates.push((commission, credit));
                let mut claw = 0i64;
                let from = claws.partition_point(|h| (h.rep, h.cancel_period) < (r, p));
                for h in claws[from..].iter().take_while(|h| (h.rep, h.cancel_period) == (r, p)) {
                    let (cm, cr) = rates.get(h.close_period).copied().unwrap_or_default();
                    if cr == 0 || cm == 0 {
                        continue;
                    }
                    let x = clawback_amount(h.credit, Decimal::new(cm, 2), self.dec(cr)?).ok()?;
                    claw = claw.checked_sub(money_cents(rounding.money(x))?)?;
                }
                let net = e.checked_add(claw)?;
                let (d, recoverable) = pc.guarantee.unwrap_or((0, false));
                let paid = settle(net, d, recoverable, &mut balance)?;
                out.incentive[r * n + p] = paid;
                out.total[r * n + p] = pc.base.checked_add(paid)?;
            }
        }
        Some(())
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

    /// Pays the trial with the engine itself, or says what cannot be counted.
    fn pay_generic(&self, sc: &Scenario, out: &mut Paid) -> Result<(), Overflow> {
        let n = self.cal.periods();
        let ledger = self.ledger(sc);
        let ev = crate::comp::try_evaluate(self.plan, self.roster, self.cal, &ledger, self.quotas).map_err(|e| {
            Overflow {
                trial: 0,
                error: e
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Diagnostic::error("an amount cannot be represented")),
            }
        })?;
        let beyond = "beyond 2^63 - 1 cents";
        for rp in &ev.reps {
            for (p, pay) in rp.periods.iter().enumerate() {
                let i = rp.rep * n + p;
                let too_big =
                    |what: &str| Overflow::rep(self.roster, self.cal, rp.rep, Some(p), &format!("{what} {beyond}"));
                out.incentive[i] = money_cents(pay.incentive_paid)
                    .ok_or_else(|| too_big(&format!("incentive paid {}", pay.incentive_paid)))?;
                out.total[i] =
                    money_cents(pay.total_pay).ok_or_else(|| too_big(&format!("total pay {}", pay.total_pay)))?;
                out.credit[i] =
                    units_round(pay.credit, self.scale).ok_or_else(|| too_big(&format!("credit {}", pay.credit)))?;
            }
        }
        Ok(())
    }
}

/// A decimal in units of 10^-s: `(d × 10^s).round()` as always, or, where
/// that product is beyond Decimal's range, `d` rounded half to even to `s`
/// decimals (exact: a decimal that large has no more than `s` decimals);
/// `None` when it does not fit an i128.
fn units_round(d: Decimal, s: u32) -> Option<i128> {
    if let Some(x) = d.checked_mul(Decimal::from_i128_with_scale(pow10(s), 0)) {
        return x.round().to_i128();
    }
    let r = d.round_dp_with_strategy(s, rust_decimal::RoundingStrategy::MidpointNearestEven);
    r.mantissa().checked_mul(10i128.checked_pow(s.checked_sub(r.scale())?)?)
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

/// A period's pay under a draw guaranteeing `d` cents (0: none) from its
/// earnings `e`: the guarantee when earnings fall short (the top-up, and any
/// negative earnings, carried in `balance` when recoverable), else the
/// earnings less what the balance recovers. The engine's rule, in cents;
/// `None` when the balance leaves 64 bits.
#[inline(always)]
fn settle(e: i64, d: i64, recoverable: bool, balance: &mut i64) -> Option<i64> {
    if e >= d {
        // 0 ≤ e - d ≤ e when d ≥ 0 (a guarantee is never negative).
        let recovered = (*balance).min(e.checked_sub(d)?).max(0);
        *balance -= recovered;
        Some(e - recovered)
    } else {
        let topup = d - e.max(0);
        *balance = balance.checked_add(e.checked_neg()?.max(0))?;
        if recoverable {
            *balance = balance.checked_add(topup)?;
        }
        Some(d)
    }
}

/// A bonus at attainment `a`: target × f(a) for the active share of the
/// period, in cents, by the engine's own `Decimal` operations (`None`: beyond
/// 2^63 cents, as a target near 10^15 at a payout of 100 × target is).
fn bonus_cents(
    target: Decimal,
    curve: &[(Decimal, Decimal)],
    pc: &PeriodCode,
    a: Decimal,
    rounding: Rounding,
) -> Option<i64> {
    let fa = curve_at(curve, a);
    if fa.is_zero() {
        Some(0)
    } else {
        money_cents(rounding.money(target * pc.num * fa / pc.den))
    }
}

/// A money amount already rounded to cents, as cents (`None`: beyond 2^63 cents).
fn money_cents(d: Decimal) -> Option<i64> {
    let s = d.scale();
    if s <= 2 {
        return i64::try_from(d.mantissa().checked_mul(pow10(2 - s))?).ok();
    }
    d.checked_mul(Decimal::ONE_HUNDRED)?.round().to_i64()
}

/// One tier line: round(slice × rate) in cents, slice in units of 10^-scale.
/// Integer arithmetic when the engine's `Decimal` product is exact (it then
/// is the same number); the engine's own operations otherwise. `None` when
/// the amount is beyond 2^63 cents (or the product beyond Decimal's range).
#[inline]
fn line(slice: i128, rate: &Rate, scale: u32, rounding: Rounding) -> Option<i64> {
    if slice <= 0 {
        return Some(0);
    }
    let s = scale + rate.scale;
    if s <= 28 {
        if let Some(v) = (slice as u128).checked_mul(rate.mant) {
            if let (Ok(v64), true) = (u64::try_from(v), s <= 21) {
                if s > 2 || v64 <= i64::MAX as u64 / 100 {
                    return Some(round_cents_u64(v64, s, rounding));
                }
            }
            if v < (1u128 << 96) {
                return i64::try_from(round_cents(v as i128, s, rounding)).ok();
            }
        }
    }
    let x = Decimal::try_from_i128_with_scale(slice, scale)
        .ok()?
        .checked_mul(rate.dec)?;
    money_cents(rounding.money(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_beyond_64_bit_cents_are_none_not_wrong() {
        let rate = |d: Decimal| {
            let n = d.normalize();
            Rate {
                mant: n.mantissa().unsigned_abs(),
                scale: n.scale(),
                dec: d,
            }
        };
        // 9 × 10^16 of credit (units of 10^-2) at 100 = 9 × 10^18 cents: fits.
        let hundred = rate(Decimal::ONE_HUNDRED);
        assert_eq!(
            line(9 * 10i128.pow(16), &hundred, 2, Rounding::HalfUp),
            Some(9 * 10i64.pow(18))
        );
        // At 10 × 10^16, 10^19 cents: beyond 2^63 - 1.
        assert_eq!(line(10i128.pow(17), &hundred, 2, Rounding::HalfUp), None);
        // Beyond Decimal's 96 bits in units: None, not a panic.
        assert_eq!(
            line(1i128 << 100, &rate(Decimal::new(1, 1)), 12, Rounding::HalfUp),
            None
        );
        assert_eq!(line(12_345, &rate(Decimal::new(1, 1)), 3, Rounding::HalfUp), Some(123));
        assert_eq!(money_cents(Decimal::new(i64::MAX, 2)), Some(i64::MAX));
        assert_eq!(money_cents(Decimal::new(i64::MAX, 2) + Decimal::new(1, 2)), None);
        assert_eq!(money_cents(Decimal::new(12_340, 3)), Some(1234));
        let mut balance = i64::MAX - 5;
        assert_eq!(settle(-10, 0, false, &mut balance), None);
        let mut balance = 0;
        assert_eq!(settle(-10, 300, true, &mut balance), Some(300));
        assert_eq!(balance, 310);
        assert_eq!(units_round(Decimal::new(12_345, 3), 2), Some(1234));
        assert_eq!(units_round(Decimal::MAX, 12), None);
        // 10^17 money in units of 10^-12: beyond Decimal once multiplied, an exact i128 still.
        let big = Decimal::new(100_000_000_000_000_000, 0) + Decimal::new(15, 11);
        assert!(big.checked_mul(Decimal::new(1_000_000_000_000, 0)).is_none());
        assert_eq!(units_round(big, 12), Some(10i128.pow(29) + 150));
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
