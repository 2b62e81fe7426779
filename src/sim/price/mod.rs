//! Paying a scenario under a plan: every rep and period, by the pay
//! program's rules (`comp::program`, `comp::settle`), batched over trials.
//!
//! [`Pricer::new`] compiles the plan once per run: the program's terms (quotas,
//! active shares, base pay, draw guarantees, caps, in cents), and for the
//! simulation's integer credit (units of 10^-S of the currency, S fixed per
//! plan) the tier bounds of every rep and period, the amounts of the full
//! tiers below each bound, the rates and the filters. The `batch` submodule
//! then pays a batch of trials rep by rep: component by component over the
//! whole batch, then caps, clawbacks and draws trial by trial, each rule
//! called from `comp`. Team credit and overrides sum the reporting tree over
//! the batch; SPIFFs and clawbacks take each trial's drawn rows.
//!
//! Plans whose credit needs units finer than 10^-12 (weights or tier bounds
//! with more decimals) are paid by the traced program itself: each trial is
//! booked into a `credit::Ledger` and paid by `comp::try_evaluate`, as
//! `evaluate` pays deals.csv. That run is also the reference the batches are
//! tested against (`--generic`), and what names an amount simulate cannot count.

use super::draw::{Scenario, SimCancel, SimWon};
use super::history::key_type;
use super::model::Model;
use crate::calendar::{day_number, Calendar};
use crate::comp::program::{self, full_tiers, PeriodTerms, Program};
use crate::credit::{ClawHit, DealHit, Ledger, SpiffHit};
use crate::data::quotas::Quotas;
use crate::data::Roster;
use crate::diag::Diagnostic;
use crate::plan::{Basis, ComponentKind, CreditScope, Method, Plan, Scope};
use crate::units::Rounding;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// The finest credit unit the batches work in (10^-12).
pub const MAX_SCALE: u32 = 12;

mod batch;

pub use batch::{Chunk, ChunkPay};

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
    /// The trial could not be counted (its numbers are then zeros).
    pub overflow: Option<Overflow>,
    /// Scratch: the trial as a batch of one.
    chunk: Chunk,
    pay: ChunkPay,
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
    /// Empty buffers (every rep's credit per period is always kept).
    pub fn detailed() -> Self {
        Self::default()
    }
}

/// A rate as an exact fraction: mantissa × 10^-scale, and the original.
#[derive(Debug, Clone)]
struct Rate {
    mant: u128,
    scale: u32,
    dec: Decimal,
}

impl Rate {
    fn new(d: Decimal) -> Self {
        let n = d.normalize();
        Self {
            mant: n.mantissa().unsigned_abs(),
            scale: n.scale(),
            dec: d,
        }
    }
}

/// A component as the batches pay it (the rules are `comp`'s).
#[derive(Debug, Clone)]
enum Step {
    Commission {
        attainment: bool,
        method: Method,
        rates: Vec<Rate>,
        /// Per tier: the rate's mantissa and the divisor that takes slice × mantissa to cents.
        krates: Vec<Option<(u64, batch::Divider)>>,
        /// The filter class of the credit it counts (`None`: all credit).
        class: Option<usize>,
        /// Paid deal row by deal row (`basis = "deal"` or `deal_limits`): by
        /// the traced program, on the trial's drawn won rows.
        per_deal: bool,
    },
    Bonus {
        target: Decimal,
        curve: Vec<(Decimal, Decimal)>,
        /// Curve points in units of 10^-k (`None`: too large for exact integers).
        points: Option<Vec<(i128, i128)>>,
        k: u32,
    },
    Milestone {
        at: Decimal,
        /// `at` in units of 10^-k (`None`: too large).
        at_units: Option<i128>,
        k: u32,
        cents: i64,
    },
    Spiff {
        /// First and last day of the window (day numbers).
        window: (i32, i32),
        /// Per key: whether its filter passes.
        pass: Vec<bool>,
        per_deal: Rate,
        min_amount: Decimal,
        /// Times the split (else whole to every credited rep).
        split: bool,
    },
    /// Paid by the traced program only (management objectives).
    Traced,
    /// A contest: paid by the traced program, on the trial's drawn won rows.
    Contest {
        /// First and last day of the window (day numbers).
        window: (i32, i32),
        /// Per key: whether its filter passes.
        pass: Vec<bool>,
        /// Scored by won rows (else by credit).
        deals: bool,
    },
    Override {
        rate: Rate,
        krate: Option<(u64, batch::Divider)>,
        /// Every rep below (else the direct reports).
        all: bool,
    },
}

/// A cancelled row a plan claws back, in one trial.
#[derive(Debug, Clone, Copy)]
struct Claw {
    rep: usize,
    close_period: usize,
    cancel_period: usize,
    /// The share recovered (the scheme's clawback schedule; 1 without one).
    share: Decimal,
    /// The row's amount × split in cents, and its key.
    cents: i64,
    key: u32,
    /// The row's credit in credit units.
    units: i128,
}

/// How a milestone is worked out for one rep and period.
#[derive(Debug, Clone, Copy)]
enum XCode {
    /// By the decimal rule: the numbers are so large or so fine that the
    /// decimal rounding at 28 digits could decide a cent.
    Decimal,
    /// In exact integers.
    Exact,
}

/// One rep's compiled tables.
#[derive(Debug, Clone, Default)]
struct RepTables {
    /// Per component: where its tier tables start (commissions; period p's
    /// bounds at `lo[off + p × k..][..k]`, its `above` bound at `above[aoff + p]`).
    offs: Vec<(usize, usize)>,
    /// Per period and component (`p × components + c`): milestone codes.
    xcodes: Vec<XCode>,
    /// Alike: a bonus compiled for exact integers (`None`: the decimal rule).
    bonuses: Vec<Option<crate::comp::exact::BonusLine>>,
}

/// A plan compiled against a roster and a model's keys.
pub struct Pricer<'a> {
    plan: &'a Plan,
    roster: &'a Roster,
    cal: &'a Calendar,
    quotas: &'a Quotas,
    model: &'a Model,
    /// The scored objectives every trial pays `mbo` components on (as given: they are not simulated).
    objectives: Vec<crate::data::objectives::Objective>,
    /// Credit units are 10^-scale of the currency.
    pub scale: u32,
    /// Whether the batches pay the plan (else the traced program, trial by trial).
    fast: bool,
    program: Program,
    /// Per scheme, per key: credit units per cent of bookings.
    wm: Vec<Vec<i128>>,
    /// Per scheme, per key: weight × multiplier.
    wm_dec: Vec<Vec<Decimal>>,
    /// Per scheme: its components.
    steps: Vec<Vec<Step>>,
    reps: Vec<RepTables>,
    /// Per filter class: per key, whether it passes.
    classes: Vec<Vec<bool>>,
    /// Per filter class: whether every rep's credit through it is needed
    /// (a scheme on team credit counts it), else only its own reps'.
    class_tree: Vec<bool>,
    /// Per rep, per period: quota in credit units (for attainment statistics).
    pub quota_units: Vec<i128>,
    /// Tier lower bounds in credit units, per commission component and period.
    lo: Vec<i128>,
    /// The full tiers below each bound, cents (`i64::MAX`: beyond 64 bits).
    prefix: Vec<i64>,
    /// `above` bound per commission component and period (`i128::MIN`: none).
    above: Vec<i128>,
    /// Per rep: on-target earnings for its active time in the year, cents.
    pub ote: Vec<i64>,
    /// Per rep: the year's quota in credit units.
    pub quota_year: Vec<i128>,
    /// Whether any scheme pays SPIFFs (the scenario must draw won rows).
    pub wants_won: bool,
    /// Whether any scheme claws back (the batches must draw cancellations).
    pub wants_cancels: bool,
    spiff_windows: Vec<Vec<Option<(i32, i32)>>>,
    /// Every rep, each after its reports (team sums are built in this order).
    order: Vec<usize>,
    /// Whether some rep's credit or override sums everyone below it.
    team_tree: bool,
    /// Per rep: whether its bookings can be drawn whole ([`Pricer::whole`]).
    whole: Vec<bool>,
    /// Per rep: how its drawn cells become credit.
    weights: Vec<batch::RepWeights>,
    /// Per rep and period: base pay, cents.
    base: Vec<i64>,
    /// Per rep and period: the draw guarantee in cents (0: none) and whether recoverable.
    guarantee: Vec<(i64, bool)>,
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

/// A tier bound in credit: the fraction of the quota, or the amount.
fn bound(basis: Basis, f: Decimal, quota: Decimal) -> Decimal {
    match basis {
        Basis::Attainment => f.checked_mul(quota).unwrap_or(Decimal::MAX),
        Basis::Amount | Basis::Deal => f,
    }
}

impl<'a> Pricer<'a> {
    /// Compiles `plan` for the roster and the model's keys; `reference`
    /// pays every trial by the traced program instead of the batches.
    pub fn new(
        plan: &'a Plan,
        roster: &'a Roster,
        cal: &'a Calendar,
        quotas: &'a Quotas,
        model: &'a Model,
        reference: bool,
    ) -> Self {
        let n = cal.periods();
        let nkeys = model.products.len() * 3;
        let product = |key: usize| -> Option<&str> {
            match key / 3 {
                0 => None,
                i => model.products.get(i).map(String::as_str),
            }
        };
        let program = program::compile(plan, roster, cal, quotas);
        let wm_dec: Vec<Vec<Decimal>> = plan
            .schemes
            .iter()
            .map(|s| {
                (0..nkeys)
                    .map(|k| s.weights[key_type(k as u32).index()] * s.multiplier(product(k)))
                    .collect()
            })
            .collect();
        // The finest scale any credit or tier bound needs.
        let mut scale = 2u32;
        for w in wm_dec.iter().flatten() {
            scale = scale.max(2 + scale_of(*w));
        }
        for rt in &program.reps {
            for t in &rt.periods {
                scale = scale.max(scale_of(t.quota));
                for c in &plan.schemes[rt.scheme].components {
                    if let ComponentKind::Commission {
                        basis, tiers, above, ..
                    } = &c.kind
                    {
                        for f in tiers.iter().map(|t| t.from).chain(*above) {
                            scale = scale.max(scale_of(bound(*basis, f, t.quota)));
                        }
                    }
                }
            }
        }
        // Cumulative components (a year-to-date true-up) are paid by the traced program.
        // So are gated components (a component paid only above an attainment),
        // and per-deal commissions (on the trial's drawn won rows).
        let cumulative = plan.schemes.iter().any(|s| {
            s.components.iter().any(|c| {
                c.cumulative
                    || c.gate.is_some()
                    || c.per_deal()
                    || matches!(c.kind, ComponentKind::Mbo { .. } | ComponentKind::Contest { .. })
            })
        });
        let mut fast = !reference && scale <= MAX_SCALE && !cumulative;
        let scale = scale.min(MAX_SCALE);
        let wm: Vec<Vec<i128>> = wm_dec
            .iter()
            .map(|ws| ws.iter().map(|w| units(*w, scale - 2).unwrap_or(0)).collect())
            .collect();
        let rounding = plan.rounding;
        // Filter classes: the distinct filters of commissions, as per-key passes.
        let mut classes: Vec<Vec<bool>> = Vec::new();
        let mut class_tree: Vec<bool> = Vec::new();
        let steps: Vec<Vec<Step>> = plan
            .schemes
            .iter()
            .map(|s| {
                s.components
                    .iter()
                    .map(|c| match &c.kind {
                        ComponentKind::Commission {
                            basis,
                            method,
                            tiers,
                            filter,
                            above: _,
                            deal_limits,
                        } => {
                            let rates: Vec<Rate> = tiers.iter().map(|t| Rate::new(t.rate)).collect();
                            let class = (!filter.is_all()).then(|| {
                                let pass: Vec<bool> = (0..nkeys)
                                    .map(|k| filter.passes(key_type(k as u32), product(k)))
                                    .collect();
                                let i = classes.iter().position(|x| *x == pass).unwrap_or_else(|| {
                                    classes.push(pass);
                                    class_tree.push(false);
                                    classes.len() - 1
                                });
                                class_tree[i] |= s.credit != CreditScope::Own;
                                i
                            });
                            Step::Commission {
                                attainment: *basis == Basis::Attainment,
                                method: *method,
                                krates: rates.iter().map(|r| batch::krate(r, scale)).collect(),
                                rates,
                                class,
                                per_deal: *basis == Basis::Deal || deal_limits.is_some(),
                            }
                        }
                        ComponentKind::Bonus { target, curve } => {
                            let k = curve
                                .iter()
                                .map(|(a, f)| scale_of(*a).max(scale_of(*f)))
                                .max()
                                .unwrap_or(0);
                            Step::Bonus {
                                target: *target,
                                curve: curve.clone(),
                                points: curve
                                    .iter()
                                    .map(|(a, f)| Some((units(*a, k)?, units(*f, k)?)))
                                    .collect(),
                                k,
                            }
                        }
                        ComponentKind::Milestone { at, amount } => {
                            let k = scale_of(*at);
                            Step::Milestone {
                                at: *at,
                                at_units: units(*at, k),
                                k,
                                cents: cents(rounding.money(*amount)).unwrap_or(0),
                            }
                        }
                        ComponentKind::Spiff {
                            from,
                            to,
                            filter,
                            per_deal,
                            min_amount,
                            split,
                        } => Step::Spiff {
                            window: (day_number(*from), day_number(*to)),
                            pass: (0..nkeys)
                                .map(|k| filter.passes(key_type(k as u32), product(k)))
                                .collect(),
                            per_deal: Rate::new(*per_deal),
                            min_amount: *min_amount,
                            split: *split,
                        },
                        ComponentKind::Mbo { .. } => Step::Traced,
                        ComponentKind::Contest {
                            filter, from, to, by, ..
                        } => Step::Contest {
                            window: (day_number(*from), day_number(*to)),
                            pass: (0..nkeys)
                                .map(|k| filter.passes(key_type(k as u32), product(k)))
                                .collect(),
                            deals: *by == crate::plan::ContestScore::Deals,
                        },
                        ComponentKind::Override { rate, scope } => {
                            let rate = Rate::new(*rate);
                            Step::Override {
                                krate: batch::krate(&rate, scale),
                                rate,
                                all: *scope == Scope::All,
                            }
                        }
                    })
                    .collect()
            })
            .collect();
        let mut quota_units = Vec::with_capacity(roster.reps.len() * n);
        let (mut lo_flat, mut prefix_flat, mut above_flat) = (Vec::new(), Vec::new(), Vec::new());
        type TableKey = (usize, usize, Vec<i128>, Vec<i128>);
        let mut tables: std::collections::HashMap<TableKey, (usize, usize)> = std::collections::HashMap::new();
        let mut reps = Vec::with_capacity(roster.reps.len());
        for rt in &program.reps {
            let scheme = &plan.schemes[rt.scheme];
            quota_units.extend(rt.periods.iter().map(|t| units(t.quota, scale).unwrap_or(0)));
            let mut tab = RepTables::default();
            for (ci, c) in scheme.components.iter().enumerate() {
                let ComponentKind::Commission {
                    basis, tiers, above, ..
                } = &c.kind
                else {
                    tab.offs.push((0, 0));
                    continue;
                };
                let Step::Commission { rates, .. } = &steps[rt.scheme][ci] else {
                    continue;
                };
                // This rep's tables for every period; reps whose quotas are the
                // same share one copy (a small working set for the batches).
                let (mut lo_all, mut prefix_all, mut above_all) = (Vec::new(), Vec::new(), Vec::new());
                for t in &rt.periods {
                    let lo: Vec<i128> = tiers
                        .iter()
                        .map(|x| {
                            units(bound(*basis, x.from, t.quota), scale).unwrap_or_else(|| {
                                fast = false;
                                0
                            })
                        })
                        .collect();
                    // The full tiers below each bound, by the tier rule; one beyond
                    // 2^63 cents is kept as i64::MAX, which no credit that reaches it can pay.
                    let full = full_tiers(&lo, |k, slice| line(slice, &rates[k], scale, rounding));
                    prefix_all.extend(full.into_iter().map(|f| f.unwrap_or(i64::MAX)));
                    lo_all.extend(lo);
                    above_all.push(above.map_or(i128::MIN, |a| {
                        units(bound(*basis, a, t.quota), scale).unwrap_or_else(|| {
                            fast = false;
                            0
                        })
                    }));
                }
                let key = (rt.scheme, ci, lo_all, above_all);
                let at = match tables.get(&key) {
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
                tab.offs.push(at);
            }
            for t in &rt.periods {
                let qu = units(t.quota, scale).unwrap_or(0);
                for st in &steps[rt.scheme] {
                    tab.bonuses.push(match st {
                        Step::Bonus {
                            target,
                            points: Some(points),
                            k,
                            ..
                        } => crate::comp::exact::share(*target, t.num, t.year_den)
                            .filter(|&s| crate::comp::exact::exact_ok(points, *k, qu, Some(s)))
                            .and_then(|(sn, sd)| crate::comp::exact::BonusLine::new(points, *k, sn, sd, qu)),
                        _ => None,
                    });
                    tab.xcodes.push(match st {
                        Step::Milestone {
                            at_units: Some(at), k, ..
                        } if crate::comp::exact::exact_ok(&[(*at, 0)], *k, qu, None) => XCode::Exact,
                        _ => XCode::Decimal,
                    });
                }
            }
            reps.push(tab);
        }
        let spiff_windows: Vec<Vec<Option<(i32, i32)>>> = steps
            .iter()
            .map(|ss| {
                ss.iter()
                    .map(|st| match st {
                        Step::Spiff { window, .. } | Step::Contest { window, .. } => Some(*window),
                        Step::Commission { per_deal: true, .. } => {
                            Some((day_number(cal.start()), day_number(cal.end())))
                        }
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let wants_won = spiff_windows.iter().flatten().any(Option::is_some);
        let team_tree = program.reps.iter().any(|rt| {
            program.schemes[rt.scheme].scope == CreditScope::Team
                || steps[rt.scheme]
                    .iter()
                    .any(|x| matches!(x, Step::Override { all: true, .. }))
        });
        let ote = program
            .reps
            .iter()
            .map(|rt| rt.periods.iter().map(|t| t.ote).sum())
            .collect();
        let mut pricer = Self {
            plan,
            roster,
            cal,
            quotas,
            model,
            scale,
            fast,
            objectives: Vec::new(),
            program,
            wm,
            wm_dec,
            steps,
            reps,
            classes,
            class_tree,
            quota_year: quota_units.chunks(n.max(1)).map(|q| q.iter().sum()).collect(),
            quota_units,
            lo: lo_flat,
            prefix: prefix_flat,
            above: above_flat,
            ote,
            wants_won,
            wants_cancels: plan.schemes.iter().any(|s| s.clawback_days.is_some()),
            spiff_windows,
            order: roster.bottom_up(),
            team_tree,
            whole: Vec::new(),
            weights: Vec::new(),
            base: Vec::new(),
            guarantee: Vec::new(),
        };
        pricer.whole = (0..roster.reps.len()).map(|r| !pricer.tell_apart(r)).collect();
        pricer.weights = (0..roster.reps.len())
            .map(|r| {
                let s = pricer.program.reps[r].scheme;
                let (wm, mix) = (&pricer.wm[s], &model.reps[r].mix);
                batch::RepWeights {
                    own: batch::Weights::new(wm, None, mix),
                    classes: (0..pricer.classes.len())
                        .map(|c| {
                            pricer
                                .counts_class(s, c)
                                .then(|| batch::Weights::new(wm, Some(&pricer.classes[c]), mix))
                        })
                        .collect(),
                }
            })
            .collect();
        for rt in &pricer.program.reps {
            for t in &rt.periods {
                pricer.base.push(t.base);
                pricer.guarantee.push(t.guarantee.unwrap_or((0, false)));
            }
        }
        pricer
    }

    /// The plan's calendar.
    pub fn cal(&self) -> &'a Calendar {
        self.cal
    }

    /// The roster paid.
    pub fn roster(&self) -> &'a Roster {
        self.roster
    }

    /// Gives every trial these scored objectives (objectives.csv): `mbo`
    /// components pay on them as evaluate does.
    pub fn with_objectives(mut self, objectives: &[crate::data::objectives::Objective]) -> Self {
        self.objectives = objectives.to_vec();
        self
    }

    /// Whether the batches pay this plan (else the traced program, trial by trial).
    pub fn is_fast(&self) -> bool {
        self.fast
    }

    /// The terms of rep `r` in period `p`.
    fn terms(&self, r: usize, p: usize) -> &PeriodTerms {
        &self.program.reps[r].periods[p]
    }

    fn product(&self, key: u32) -> Option<&'a str> {
        match key / 3 {
            0 => None,
            i => self.model.products.get(i as usize).map(String::as_str),
        }
    }

    /// The SPIFF hits of a trial's won rows under this plan: (rep, period,
    /// component, split, amount), in the order of the rows.
    fn spiff_hits(&self, won: &[SimWon]) -> Vec<(usize, usize, usize, Decimal, i64)> {
        let mut hits = Vec::new();
        if !self.wants_won {
            return hits;
        }
        for w in won {
            let s = self.program.reps[w.rep].scheme;
            for (ci, step) in self.steps[s].iter().enumerate() {
                let Step::Spiff {
                    window: (from, to),
                    pass,
                    per_deal,
                    min_amount,
                    split,
                } = step
                else {
                    continue;
                };
                if w.day >= *from && w.day <= *to && pass[w.key as usize] && w.amount >= *min_amount {
                    // per_deal × split rounded to cents, as a tier line of the split (whole: split 1).
                    let split = if *split { w.split.normalize() } else { Decimal::ONE };
                    let cents = line(split.mantissa(), per_deal, split.scale(), self.plan.rounding).unwrap_or(i64::MAX);
                    hits.push((w.rep, w.period, ci, w.split, cents));
                }
            }
        }
        hits
    }

    /// The clawback hits of a trial's cancellations under this plan: (the
    /// hit, its cancel date).
    fn claw_hits(&self, cancels: &[SimCancel]) -> Vec<(Claw, i32)> {
        let mut out = Vec::new();
        let t = &self.model.timeline;
        for c in cancels {
            let s = self.program.reps[c.rep].scheme;
            let Some(w) = self.program.schemes[s].clawback_days else {
                continue;
            };
            if i64::from(c.cancel - c.close) > w {
                continue;
            }
            let cp = t.period_of(c.cancel);
            if !(0..self.cal.periods() as i64).contains(&cp) {
                continue;
            }
            let claw = Claw {
                rep: c.rep,
                close_period: c.period,
                cancel_period: cp as usize,
                share: self.program.schemes[s].clawback_share(i64::from(c.cancel - c.close)),
                cents: c.cents,
                key: c.key,
                units: i128::from(c.cents) * self.wm[s][c.key as usize],
            };
            out.push((claw, c.cancel));
        }
        out
    }

    /// A clawed row's credit as an exact decimal.
    fn claw_credit(&self, c: &Claw) -> Decimal {
        Decimal::new(c.cents, 2) * self.wm_dec[self.program.reps[c.rep].scheme][c.key as usize]
    }

    /// Credit units as a decimal, when within Decimal's range.
    fn dec(&self, u: i128) -> Option<Decimal> {
        Decimal::try_from_i128_with_scale(u, self.scale).ok()
    }

    /// Pays `sc` into `out`. A trial whose pay cannot be counted (see
    /// [`MAX_CENTS`]) sets `out.overflow` and leaves zeros.
    pub fn pay(&self, sc: &Scenario, out: &mut Paid) {
        let n = self.cal.periods();
        let nr = self.roster.reps.len();
        out.overflow = None;
        for v in [&mut out.incentive, &mut out.total] {
            v.clear();
            v.resize(nr * n, 0);
        }
        for v in [&mut out.credit, &mut out.own] {
            v.clear();
            v.resize(nr * n, 0);
        }
        if self.fast {
            let chunk = &mut out.chunk;
            chunk.start(self, 1);
            for r in 0..nr {
                let block = &sc.bookings[sc.offsets[r]..sc.offsets[r + 1]];
                chunk.book(self, r, block, &sc.pipe[r * n..(r + 1) * n], false);
            }
            let events = [(sc.cancels.as_slice(), sc.won.as_slice())];
            self.pay_chunk(chunk, &events, &mut out.pay);
            if out.pay.bad.is_empty() {
                for r in 0..nr {
                    for p in 0..n {
                        let i = r * n + p;
                        out.incentive[i] = out.pay.paid[i];
                        out.total[i] = out.pay.total[i];
                        out.credit[i] = out.pay.credit[i];
                        out.own[i] = out.chunk.own[i];
                    }
                }
                return;
            }
        }
        if let Err(e) = self.pay_generic(sc, out) {
            for v in [&mut out.incentive, &mut out.total] {
                v.iter_mut().for_each(|x| *x = 0);
            }
            out.credit.iter_mut().for_each(|x| *x = 0);
            out.overflow = Some(e);
        }
    }

    /// Books the scenario into a ledger, exactly as deals.csv would have.
    pub fn ledger(&self, sc: &Scenario) -> Ledger {
        let n = self.cal.periods();
        let mut ledger = Ledger::new(self.plan, self.roster, self.cal, false);
        ledger.objectives.clone_from(&self.objectives);
        for r in 0..self.roster.reps.len() {
            let s = self.program.reps[r].scheme;
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
        for (rep, period, component, split, cents) in self.spiff_hits(&sc.won) {
            let amount = Decimal::new(cents, 2);
            // The simulation pays each rep under one assignment: segment = rep.
            ledger.spiffs.push(SpiffHit {
                rep,
                seg: rep,
                period,
                component,
                deal_id: "simulated".into(),
                split,
                amount,
            });
        }
        for w in &sc.won {
            let s = self.program.reps[w.rep].scheme;
            for (ci, st) in self.steps[s].iter().enumerate() {
                let credit = || w.value * w.split * self.wm_dec[s][w.key as usize];
                match st {
                    Step::Commission {
                        per_deal: true, class, ..
                    } if class.is_none_or(|c| self.classes[c][w.key as usize]) => {
                        ledger.deals.push(DealHit {
                            rep: w.rep,
                            seg: w.rep,
                            period: w.period,
                            component: ci,
                            deal_id: "simulated".into(),
                            credit: credit(),
                        });
                    }
                    Step::Contest {
                        window: (from, to),
                        pass,
                        deals,
                    } if w.day >= *from && w.day <= *to && pass[w.key as usize] => {
                        let x = if *deals { Decimal::ONE } else { credit() };
                        // A sum beyond exact decimals: the trial's pay says so when it cannot be counted.
                        let _ = ledger.contest_add(s, ci, w.rep, x);
                    }
                    _ => {}
                }
            }
        }
        ledger.clawbacks = self
            .claw_hits(&sc.cancels)
            .into_iter()
            .map(|(c, day)| ClawHit {
                rep: c.rep,
                seg: c.rep,
                close_period: c.close_period,
                cancel_period: c.cancel_period,
                deal_id: "simulated".into(),
                cancel_date: chrono::NaiveDate::from_num_days_from_ce_opt(day).unwrap_or_default(),
                credit: self.claw_credit(&c),
                share: c.share,
                key: c.key,
            })
            .collect();
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
                out.own[i] = units_round(pay.own_credit, self.scale)
                    .ok_or_else(|| too_big(&format!("credit {}", pay.own_credit)))?;
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
                        let s = pr.program.reps[r].scheme;
                        pr.steps[s].iter().any(|st| match st {
                            Step::Spiff { pass, min_amount, .. } => pass[w.key as usize] && w.amount >= *min_amount,
                            Step::Contest { pass, .. } => pass[w.key as usize],
                            Step::Commission {
                                per_deal: true, class, ..
                            } => class.is_none_or(|c| pr.classes[c][w.key as usize]),
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
