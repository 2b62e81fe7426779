#![allow(clippy::unwrap_used)] // helpers outside #[test] fns are test code too
//! Property tests of the pay engine on random plans and deals (STYLE: Tests),
//! fuzz-style properties of the loaders, and runs of the binary on damaged
//! data files (ragged rows, quotes, CRLF and bare-CR line endings, huge
//! numbers): never a panic, every error with a code, a file and a line.
//!
//! Cases are generated as a small model (`Case`), rendered to a real plan.toml,
//! reps.csv and deals.csv in a temporary folder, and loaded through the same
//! functions the CLI uses (`cli::inputs::load_plan` / `load`, then
//! `comp::evaluate`), so every property also exercises the loaders.
//!
//! The RNG seed is fixed (reproducible failures, no regression files written
//! into the repository); set `PROPTEST_RNG_SEED` / `PROPTEST_CASES` to explore.

use chrono::{Days, NaiveDate};
use fuerza::cli::inputs::{self, Inputs};
use fuerza::comp::{Evaluation, LineKind};
use fuerza::diag::Diagnostic;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

fn config(cases: u32) -> Config {
    let d = Config::default();
    Config {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            d.cases
        } else {
            cases
        },
        rng_seed: if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
            d.rng_seed
        } else {
            RngSeed::Fixed(0x00F0_E52A)
        },
        failure_persistence: None,
        max_shrink_iters: 256,
        ..d
    }
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

// ---------------------------------------------------------------------------
// The case model
// ---------------------------------------------------------------------------

/// How a tier rate is written in the plan.
#[derive(Debug, Clone, Copy)]
enum RateForm {
    /// `"8%"`.
    Percent,
    /// `0.08`.
    Fraction,
    /// `"1.5x"` (a multiple of the scheme's BCR, in tenths).
    Bcr(u32),
}

#[derive(Debug, Clone)]
enum Comp {
    Commission {
        amount_basis: bool,
        retroactive: bool,
        above: bool,
        /// Per tier: (increment of `from`, rate in basis points, form).
        steps: Vec<(u32, u32, RateForm)>,
        cap: Option<u32>,
        types: u8,
        products: u8,
        /// `cumulative = true` (year to date with a true-up).
        cumulative: bool,
        /// Per-deal rules (in schemes on own credit, without `cumulative`):
        /// `basis = "deal"`, and `deal_limits` min and max (max = min + the second).
        per_deal: (bool, Option<u32>, Option<u32>),
    },
    Bonus {
        target: u32,
        /// (attainment increment in hundredths, payout increment in hundredths).
        points: Vec<(u32, u32)>,
        cap: Option<u32>,
        cumulative: bool,
    },
    Milestone {
        at: u32,
        amount: u32,
    },
    Spiff {
        from: u64,
        len: u64,
        per_deal: u32,
        min_amount: u32,
        types: u8,
        products: u8,
        /// `split = false`: paid whole.
        whole: bool,
    },
    Override {
        bp: u32,
        all: bool,
    },
}

#[derive(Debug, Clone)]
struct Scheme {
    base: u32,
    target: u32,
    quota: u32,
    credit: u8,
    /// Weights of new / expansion / renewal in tenths.
    weights: [Option<u32>; 3],
    /// Multipliers of P1 / P2 in tenths.
    multipliers: [Option<u32>; 2],
    ramp: Vec<u32>,
    cap_period: Option<u32>,
    cap_year: Option<u32>,
    /// (amount, recoverable, months).
    draw: Option<(u32, bool, Option<u32>)>,
    /// Later amounts of the draw by tenure month (an `amount = [...]` list after the first), and a recovery cap in percent.
    draw_steps: Vec<u32>,
    recovery_pct: Option<u32>,
    clawback: Option<u32>,
    /// The clawback schedule: (increment of within_days, share in percent).
    claw_schedule: Vec<(u32, u32)>,
    comps: Vec<Comp>,
}

#[derive(Debug, Clone)]
struct RepGen {
    scheme: usize,
    manager: Option<usize>,
    hire: Option<i64>,
    end: Option<i64>,
}

#[derive(Debug, Clone)]
struct DealGen {
    reps: Vec<usize>,
    cuts: (u32, u32),
    product: u8,
    deal_type: u8,
    close: i64,
    cents: u64,
    cancel: Option<u64>,
}

#[derive(Debug, Clone)]
struct Case {
    year_start: usize,
    period: usize,
    half_even: bool,
    season: Option<Vec<u32>>,
    schemes: Vec<Scheme>,
    reps: Vec<RepGen>,
    deals: Vec<DealGen>,
}

const YEAR_STARTS: [&str; 3] = ["2026-01-01", "2025-07-01", "2026-02-15"];
const PERIODS: [(&str, usize); 5] = [("month", 12), ("quarter", 4), ("half", 2), ("year", 1), ("week", 53)];
const PRODUCTS: [&str; 3] = ["P1", "P2", "P3"];
const TYPES: [&str; 3] = ["new", "expansion", "renewal"];

/// What the generator may produce.
#[derive(Debug, Clone, Copy)]
struct Knobs {
    /// Tier rates sorted non-decreasing (and no BCR forms, so sorting is by value).
    nondecreasing: bool,
    /// Whether deals may be cancelled.
    cancellations: bool,
    /// Forbid a year cap on a scheme that has a draw.
    no_year_cap_with_draw: bool,
}

const ANY: Knobs = Knobs {
    nondecreasing: false,
    cancellations: true,
    no_year_cap_with_draw: false,
};

fn mask() -> impl Strategy<Value = u8> {
    prop_oneof![3 => Just(0u8), 1 => 1u8..8]
}

fn rate_form() -> impl Strategy<Value = RateForm> {
    prop_oneof![
        2 => Just(RateForm::Percent),
        1 => Just(RateForm::Fraction),
        1 => (1u32..40).prop_map(RateForm::Bcr),
    ]
}

/// True with probability `p` (never when `p` is 0).
fn flag(p: f64) -> BoxedStrategy<bool> {
    if p <= 0.0 {
        Just(false).boxed()
    } else {
        prop::bool::weighted(p).boxed()
    }
}

/// `Some` of `s` with probability `p` (never when `p` is 0).
fn maybe<S: Strategy + 'static>(p: f64, s: S) -> BoxedStrategy<Option<S::Value>>
where
    S::Value: std::fmt::Debug + Clone,
{
    if p <= 0.0 {
        Just(None).boxed()
    } else {
        prop::option::weighted(p, s).boxed()
    }
}

fn comp(k: Knobs) -> impl Strategy<Value = Comp> {
    let commission = (
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::collection::vec((10u32..80, 0u32..3000, rate_form()), 1..5),
        prop::option::weighted(0.25, 1u32..60_000),
        mask(),
        mask(),
        flag(if k.no_year_cap_with_draw { 0.0 } else { 0.2 }),
        (flag(0.25), maybe(0.2, 0u32..400), maybe(0.25, 0u32..3_000)),
    )
        .prop_map(
            move |(amount_basis, retroactive, above, mut steps, cap, types, products, cumulative, mut per_deal)| {
                // A deal's bounded share of a period's lines can move by a cent of
                // rounding against the growth of another deal: monotone runs bound
                // only whole deals (whose bounds compare their rounded lines).
                if k.nondecreasing && (per_deal.1.is_some() || per_deal.2.is_some()) {
                    per_deal.0 = true;
                }
                if k.nondecreasing {
                    let mut bps: Vec<u32> = steps.iter().map(|s| s.1).collect();
                    bps.sort_unstable();
                    for (s, bp) in steps.iter_mut().zip(bps) {
                        s.1 = bp;
                        s.2 = RateForm::Percent;
                    }
                }
                Comp::Commission {
                    amount_basis,
                    retroactive,
                    above,
                    steps,
                    cap,
                    types,
                    products,
                    cumulative,
                    per_deal,
                }
            },
        );
    let bonus = (
        0u32..30_000,
        prop::collection::vec((1u32..60, 0u32..80), 1..4),
        prop::option::weighted(0.2, 1u32..20_000),
        flag(if k.no_year_cap_with_draw { 0.0 } else { 0.2 }),
    )
        .prop_map(|(target, points, cap, cumulative)| Comp::Bonus {
            target,
            points,
            cap,
            cumulative,
        });
    let milestone = (10u32..200, 0u32..5_000).prop_map(|(at, amount)| Comp::Milestone { at, amount });
    let spiff = (
        0u64..300,
        0u64..120,
        0u32..2_000,
        0u32..200_000,
        mask(),
        mask(),
        prop::bool::weighted(0.3),
    )
        .prop_map(
            |(from, len, per_deal, min_amount, types, products, whole)| Comp::Spiff {
                from,
                len,
                per_deal,
                min_amount,
                types,
                products,
                whole,
            },
        );
    let over = (0u32..500, any::<bool>()).prop_map(|(bp, all)| Comp::Override { bp, all });
    prop_oneof![5 => commission, 2 => bonus, 1 => milestone, 1 => spiff, 1 => over]
}

fn scheme(k: Knobs) -> impl Strategy<Value = Scheme> {
    (
        (
            0u32..200_000,
            0u32..100_000,
            prop_oneof![1 => Just(0u32), 9 => 10_000u32..5_000_000],
            0u8..3,
            [
                prop::option::weighted(0.3, 0u32..20),
                prop::option::weighted(0.3, 0u32..20),
                prop::option::weighted(0.3, 0u32..20),
            ],
            [
                prop::option::weighted(0.3, 0u32..30),
                prop::option::weighted(0.3, 0u32..30),
            ],
            prop::collection::vec(0u32..=10, 0..4),
        ),
        (
            prop::option::weighted(0.25, 1u32..80_000),
            prop::option::weighted(0.25, 1u32..200_000),
            prop::option::weighted(0.3, (0u32..20_000, any::<bool>(), prop::option::of(1u32..12))),
            prop::option::weighted(0.4, 0u32..120),
            prop::collection::vec(comp(k), 1..4),
            prop::collection::vec(0u32..20_000, 0..3),
            maybe(if k.no_year_cap_with_draw { 0.0 } else { 0.3 }, 1u32..=100),
            prop::collection::vec(
                (1u32..60, 0u32..=100),
                if k.no_year_cap_with_draw { 0..1 } else { 0..3 },
            ),
        ),
    )
        .prop_map(
            move |(
                (base, target, quota, credit, weights, multipliers, ramp),
                (cap_period, mut cap_year, draw, clawback, comps, draw_steps, recovery_pct, claw_schedule),
            )| {
                if k.no_year_cap_with_draw && draw.is_some() {
                    cap_year = None;
                }
                Scheme {
                    base,
                    target,
                    quota,
                    credit,
                    weights,
                    multipliers,
                    ramp,
                    cap_period,
                    cap_year,
                    draw,
                    draw_steps,
                    recovery_pct,
                    clawback,
                    claw_schedule,
                    comps,
                }
            },
        )
}

fn rep() -> impl Strategy<Value = RepGen> {
    (
        0usize..8,
        prop::option::weighted(0.5, 0usize..8),
        prop::option::weighted(0.4, -500i64..365),
        prop::option::weighted(0.2, -30i64..400),
    )
        .prop_map(|(scheme, manager, hire, end)| RepGen {
            scheme,
            manager,
            hire,
            end,
        })
}

fn deal(cancellations: bool) -> impl Strategy<Value = DealGen> {
    (
        prop::collection::vec(0usize..8, 1..4),
        (1u32..50, 1u32..50),
        0u8..4,
        0u8..3,
        -20i64..385,
        prop_oneof![1 => Just(0u64), 9 => 1u64..50_000_000],
        if cancellations {
            prop::option::weighted(0.2, 0u64..200).boxed()
        } else {
            Just(None).boxed()
        },
    )
        .prop_map(|(reps, cuts, product, deal_type, close, cents, cancel)| DealGen {
            reps,
            cuts,
            product,
            deal_type,
            close,
            cents,
            cancel,
        })
}

fn case(k: Knobs) -> impl Strategy<Value = Case> {
    (
        0usize..3,
        0usize..PERIODS.len(),
        any::<bool>(),
        prop::option::weighted(0.4, prop::collection::vec(1u32..10, 53)),
        prop::collection::vec(scheme(k), 1..4),
        prop::collection::vec(rep(), 1..7),
        prop::collection::vec(deal(k.cancellations), 0..25),
    )
        .prop_map(|(year_start, period, half_even, season, schemes, reps, deals)| Case {
            year_start,
            period,
            half_even,
            season,
            schemes,
            reps,
            deals,
        })
}

// ---------------------------------------------------------------------------
// Rendering a case to files
// ---------------------------------------------------------------------------

fn cents(c: u64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

fn tenths(t: u32) -> String {
    format!("{}.{}", t / 10, t % 10)
}

fn hundredths(h: u32) -> String {
    format!("{}.{:02}", h / 100, h % 100)
}

fn bp_fraction(bp: u32) -> String {
    format!("{}.{:04}", bp / 10_000, bp % 10_000)
}

fn list(mask: u8, names: &[&str]) -> Option<String> {
    (mask != 0).then(|| {
        let v: Vec<String> = names
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, n)| format!("\"{n}\""))
            .collect();
        format!("[{}]", v.join(", "))
    })
}

impl Case {
    fn start(&self) -> NaiveDate {
        NaiveDate::from_str(YEAR_STARTS[self.year_start]).unwrap()
    }

    fn date(&self, offset: i64) -> String {
        let s = self.start();
        let d = if offset >= 0 {
            s.checked_add_days(Days::new(offset as u64))
        } else {
            s.checked_sub_days(Days::new(offset.unsigned_abs()))
        };
        d.unwrap().to_string()
    }

    /// The plan; `sub_cent` writes caps and draws with a fraction of a cent.
    fn plan(&self, sub_cent: bool) -> String {
        let money = |x: u32| {
            if sub_cent {
                format!("\"{x}.005\"")
            } else {
                x.to_string()
            }
        };
        let (period, n) = PERIODS[self.period];
        let mut s = format!(
            "[plan]\nname = \"Generated\"\ncurrency = \"EUR\"\nyear_start = {}\nperiod = \"{period}\"\nrounding = \"{}\"\n\n",
            YEAR_STARTS[self.year_start],
            if self.half_even { "half_even" } else { "half_up" }
        );
        if let Some(w) = &self.season {
            let w = &w[..n];
            let total: u32 = w.iter().sum();
            let mut shares: Vec<u32> = w.iter().map(|x| x * 10_000 / total).collect();
            let rest = 10_000 - shares[..n - 1].iter().sum::<u32>();
            shares[n - 1] = rest;
            let text: Vec<String> = shares.iter().map(|x| bp_fraction(*x)).collect();
            s += &format!("[goal]\nseasonality = [{}]\n\n", text.join(", "));
        }
        for (i, sc) in self.schemes.iter().enumerate() {
            s += &format!(
                "[[schemes]]\nid = \"s{i}\"\nname = \"Scheme {i}\"\nbase_salary = {}\ntarget_incentive = {}\nquota = {}\ncredit = \"{}\"\n",
                sc.base,
                sc.target,
                sc.quota,
                ["own", "team", "direct_team"][sc.credit as usize]
            );
            let w: Vec<String> = TYPES
                .iter()
                .zip(sc.weights)
                .filter_map(|(t, w)| w.map(|w| format!("{t} = {}", tenths(w))))
                .collect();
            if !w.is_empty() {
                s += &format!("weights = {{ {} }}\n", w.join(", "));
            }
            let m: Vec<String> = PRODUCTS
                .iter()
                .zip(sc.multipliers)
                .filter_map(|(p, m)| m.map(|m| format!("{p} = {}", tenths(m))))
                .collect();
            if !m.is_empty() {
                s += &format!("products = {{ {} }}\n", m.join(", "));
            }
            if !sc.ramp.is_empty() {
                let r: Vec<String> = sc.ramp.iter().map(|x| tenths(*x)).collect();
                s += &format!("ramp = [{}]\n", r.join(", "));
            }
            let caps: Vec<String> = [("period", sc.cap_period), ("year", sc.cap_year)]
                .iter()
                .filter_map(|(k, v)| v.map(|v| format!("{k} = {}", money(v))))
                .collect();
            if !caps.is_empty() {
                s += &format!("cap = {{ {} }}\n", caps.join(", "));
            }
            if let Some((amount, recoverable, months)) = sc.draw {
                let amount = if sc.draw_steps.is_empty() {
                    money(amount)
                } else {
                    let all: Vec<String> = std::iter::once(amount)
                        .chain(sc.draw_steps.iter().copied())
                        .map(money)
                        .collect();
                    format!("[{}]", all.join(", "))
                };
                s += &format!("draw = {{ amount = {amount}, recoverable = {recoverable}");
                if let Some(m) = months {
                    s += &format!(", months = {m}");
                }
                if let Some(c) = sc.recovery_pct {
                    s += &format!(", recovery_cap = {}", hundredths(c));
                }
                s += " }\n";
            }
            if let Some(w) = sc.clawback {
                s += &format!("clawback = {{ window_days = {w}");
                if !sc.claw_schedule.is_empty() {
                    let mut within = 0;
                    let entries: Vec<String> = sc
                        .claw_schedule
                        .iter()
                        .map(|(inc, pct)| {
                            within += inc;
                            format!("{{ within_days = {within}, share = {} }}", hundredths(*pct))
                        })
                        .collect();
                    s += &format!(", schedule = [{}]", entries.join(", "));
                }
                s += " }\n";
            }
            let bcr_ok = sc.quota > 0 && sc.target > 0;
            for (ci, c) in sc.comps.iter().enumerate() {
                s += &format!("\n[[schemes.components]]\nname = \"c{ci}\"\n");
                match c {
                    Comp::Commission {
                        amount_basis,
                        retroactive,
                        above,
                        steps,
                        cap,
                        types,
                        products,
                        cumulative,
                        per_deal: (deal_basis, min, max_inc),
                    } => {
                        if *cumulative {
                            s += "cumulative = true\n";
                        }
                        let per_deal = sc.credit == 0 && !*cumulative;
                        let deal_basis = per_deal && *deal_basis;
                        s += &format!(
                            "kind = \"commission\"\nbasis = \"{}\"\nmethod = \"{}\"\n",
                            if deal_basis {
                                "deal"
                            } else if *amount_basis {
                                "amount"
                            } else {
                                "attainment"
                            },
                            if *retroactive { "retroactive" } else { "marginal" }
                        );
                        let limits: Vec<String> = [
                            min.map(|m| format!("min = {}", money(m))),
                            max_inc.map(|x| format!("max = {}", money(min.unwrap_or(0) + x))),
                        ]
                        .into_iter()
                        .flatten()
                        .collect();
                        if per_deal && !limits.is_empty() {
                            s += &format!("deal_limits = {{ {} }}\n", limits.join(", "));
                        }
                        // `from` in hundredths of attainment, or in units of 1,000 of credit.
                        let unit = |x: u32| {
                            if *amount_basis || deal_basis {
                                (x * 1000).to_string()
                            } else {
                                hundredths(x)
                            }
                        };
                        let mut from = if *above { steps[0].0 } else { 0 };
                        if *above {
                            s += &format!("above = {}\n", unit(from));
                        }
                        let mut tiers = Vec::new();
                        for (k, (inc, bp, form)) in steps.iter().enumerate() {
                            if k > 0 {
                                from += inc;
                            }
                            let rate = match form {
                                RateForm::Percent => format!("\"{}%\"", hundredths(*bp)),
                                RateForm::Fraction => bp_fraction(*bp),
                                RateForm::Bcr(m) if bcr_ok => format!("\"{}x\"", tenths(*m)),
                                RateForm::Bcr(_) => format!("\"{}%\"", hundredths(*bp)),
                            };
                            tiers.push(format!("{{ from = {}, rate = {rate} }}", unit(from)));
                        }
                        s += &format!("tiers = [{}]\n", tiers.join(", "));
                        if let Some(c) = cap {
                            s += &format!("cap = {}\n", money(*c));
                        }
                        if let Some(l) = list(*types, &TYPES) {
                            s += &format!("deal_types = {l}\n");
                        }
                        if let Some(l) = list(*products, &PRODUCTS) {
                            s += &format!("products = {l}\n");
                        }
                    }
                    Comp::Bonus {
                        target,
                        points,
                        cap,
                        cumulative,
                    } => {
                        if *cumulative {
                            s += "cumulative = true\n";
                        }
                        let (mut a, mut f) = (0u32, 0u32);
                        let pts: Vec<String> = points
                            .iter()
                            .map(|(da, df)| {
                                a += da;
                                f += df;
                                format!("[{}, {}]", hundredths(a), hundredths(f))
                            })
                            .collect();
                        s += &format!("kind = \"bonus\"\ntarget = {target}\ncurve = [{}]\n", pts.join(", "));
                        if let Some(c) = cap {
                            s += &format!("cap = {}\n", money(*c));
                        }
                    }
                    Comp::Milestone { at, amount } => {
                        s += &format!("kind = \"milestone\"\nat = {}\namount = {amount}\n", hundredths(*at));
                    }
                    Comp::Spiff {
                        from,
                        len,
                        per_deal,
                        min_amount,
                        types,
                        products,
                        whole,
                    } => {
                        if *whole {
                            s += "split = false\n";
                        }
                        s += &format!(
                            "kind = \"spiff\"\nfrom = {}\nto = {}\nper_deal = {per_deal}\nmin_amount = {min_amount}\n",
                            self.date(*from as i64),
                            self.date((from + len) as i64)
                        );
                        if let Some(l) = list(*types, &TYPES) {
                            s += &format!("deal_types = {l}\n");
                        }
                        if let Some(l) = list(*products, &PRODUCTS) {
                            s += &format!("products = {l}\n");
                        }
                    }
                    Comp::Override { bp, all } => {
                        s += &format!(
                            "kind = \"override\"\nrate = \"{}%\"\nscope = \"{}\"\n",
                            hundredths(*bp),
                            if *all { "all" } else { "direct" }
                        );
                    }
                }
            }
            s += "\n";
        }
        s
    }

    fn reps_csv(&self) -> String {
        let mut s = String::from("rep_id,name,scheme,manager_id,hire_date,end_date\n");
        for (i, r) in self.reps.iter().enumerate() {
            // A manager is always an earlier rep, so the tree has no cycle.
            let manager = match r.manager {
                Some(m) if i > 0 => format!("R{}", m % i),
                _ => String::new(),
            };
            let hire = r.hire.map(|h| self.date(h)).unwrap_or_default();
            let end = r
                .end
                .map(|e| self.date(r.hire.map_or(e, |h| e.max(h))))
                .unwrap_or_default();
            s += &format!(
                "R{i},Rep {i},s{},{manager},{hire},{end}\n",
                r.scheme % self.schemes.len()
            );
        }
        s
    }

    /// The deal rows: (deal id, rep index, split percent, product, type, close, amount cents, cancel).
    #[allow(clippy::type_complexity)]
    fn deal_rows(
        &self,
    ) -> Vec<(
        String,
        usize,
        u32,
        Option<&'static str>,
        &'static str,
        String,
        u64,
        Option<String>,
    )> {
        let mut rows = Vec::new();
        for (d, g) in self.deals.iter().enumerate() {
            let mut reps: Vec<usize> = Vec::new();
            for r in &g.reps {
                let r = r % self.reps.len();
                if !reps.contains(&r) {
                    reps.push(r);
                }
            }
            let splits: Vec<u32> = match reps.len() {
                1 => vec![100],
                2 => vec![g.cuts.0, 100 - g.cuts.0],
                _ => vec![g.cuts.0, g.cuts.1, 100 - g.cuts.0 - g.cuts.1],
            };
            let product = (g.product > 0).then(|| PRODUCTS[g.product as usize - 1]);
            for (r, sp) in reps.iter().zip(splits) {
                rows.push((
                    format!("D{d}"),
                    *r,
                    sp,
                    product,
                    TYPES[g.deal_type as usize],
                    self.date(g.close),
                    g.cents,
                    g.cancel.map(|c| self.date(g.close + c as i64)),
                ));
            }
        }
        rows
    }

    fn deals_csv(&self) -> String {
        let mut s =
            String::from("deal_id,rep_id,customer_id,product,deal_type,close_date,amount,split,status,cancel_date\n");
        for (id, r, sp, product, t, close, c, cancel) in self.deal_rows() {
            let split = if sp == 100 { String::new() } else { format!("0.{sp:02}") };
            let (status, cancel) = match cancel {
                Some(c) => ("cancelled", c),
                None => ("", String::new()),
            };
            s += &format!(
                "{id},R{r},C{},{},{t},{close},{},{split},{status},{cancel}\n",
                id.len() % 3,
                product.unwrap_or(""),
                cents(c)
            );
        }
        s
    }

    /// Writes plan.toml and data/ under `dir`.
    fn write(&self, dir: &Path, sub_cent: bool) {
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::write(dir.join("plan.toml"), self.plan(sub_cent)).unwrap();
        std::fs::write(dir.join("data/reps.csv"), self.reps_csv()).unwrap();
        std::fs::write(dir.join("data/deals.csv"), self.deals_csv()).unwrap();
    }
}

// ---------------------------------------------------------------------------
// Running the library
// ---------------------------------------------------------------------------

fn show(diags: &[Diagnostic]) -> String {
    diags.iter().map(Diagnostic::render).collect()
}

/// Loads `dir` the way `fuerza evaluate` does.
fn load(dir: &Path, lenient: bool) -> Result<Inputs, Vec<Diagnostic>> {
    let plan = inputs::load_plan(&dir.join("plan.toml"))?;
    inputs::load(plan, &dir.join("data"), lenient)
}

/// Loads a generated case (which must be valid) and evaluates it.
fn evaluate(dir: &Path) -> (Inputs, Evaluation) {
    let inp = load(dir, false).unwrap_or_else(|d| {
        panic!(
            "a generated case does not load:\n{}\n--- plan.toml\n{}\n--- reps.csv\n{}\n--- deals.csv\n{}",
            show(&d),
            std::fs::read_to_string(dir.join("plan.toml")).unwrap(),
            std::fs::read_to_string(dir.join("data/reps.csv")).unwrap(),
            std::fs::read_to_string(dir.join("data/deals.csv")).unwrap()
        )
    });
    let ev = fuerza::comp::evaluate(&inp.plan.plan, &inp.roster, &inp.plan.cal, &inp.ledger, &inp.quotas);
    (inp, ev)
}

fn payouts_bytes(inp: &Inputs, ev: &Evaluation) -> Vec<u8> {
    fuerza::output::tables::payouts(&inp.plan.plan, &inp.roster, &inp.plan.cal, ev).finish()
}

fn statements_bytes(inp: &Inputs, ev: &Evaluation) -> Vec<u8> {
    fuerza::output::tables::statements(&inp.plan.plan, &inp.roster, &inp.plan.cal, ev).finish()
}

fn csv_rows(bytes: &[u8]) -> Vec<BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_reader(bytes);
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    rdr.records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// The identities of SPEC 4 and 6 on one evaluation, in the engine and in the written CSV.
fn check_identities(inp: &Inputs, ev: &Evaluation) -> Result<(), TestCaseError> {
    let plan = &inp.plan.plan;
    let whole_cents = |x: Decimal| x == x.round_dp(2);
    for rp in &ev.reps {
        let rep = &inp.roster.reps[rp.rep];
        let scheme = &plan.schemes[rep.scheme];
        let mut year_earned = Decimal::ZERO;
        for (p, pay) in rp.periods.iter().enumerate() {
            let at = format!("rep {} period {p}", rep.id);
            let lines: Decimal = pay.lines.iter().map(|l| l.amount).sum();
            prop_assert_eq!(lines, pay.incentive_paid, "{}: lines do not sum to incentive_paid", at);
            prop_assert_eq!(
                pay.incentive_paid,
                pay.earned + pay.clawback + pay.draw_topup + pay.deficit - pay.recovered,
                "{}: incentive_paid != earned + clawback + draw_topup + deficit - recovered",
                at
            );
            prop_assert_eq!(pay.total_pay, pay.base_pay + pay.incentive_paid, "{}: total_pay", at);
            prop_assert_eq!(pay.earned, pay.sum(LineKind::Earned), "{}: earned lines", at);
            prop_assert_eq!(pay.clawback, pay.sum(LineKind::Clawback), "{}: clawback lines", at);
            prop_assert_eq!(pay.draw_topup, pay.sum(LineKind::DrawTopup), "{}: draw lines", at);
            prop_assert_eq!(pay.deficit, pay.sum(LineKind::Deficit), "{}: deficit lines", at);
            prop_assert_eq!(pay.recovered, -pay.sum(LineKind::Recovered), "{}: recovery lines", at);
            for l in &pay.lines {
                prop_assert!(whole_cents(l.amount), "{}: line {:?} is not rounded to cents", at, l);
            }
            prop_assert!(
                whole_cents(pay.base_pay),
                "{}: base pay {} not in cents",
                at,
                pay.base_pay
            );
            // Only a cumulative component's true-up can earn less than nothing.
            let trues_up = scheme.components.iter().any(|c| c.cumulative);
            prop_assert!(
                trues_up || pay.earned >= Decimal::ZERO,
                "{}: earned {} < 0",
                at,
                pay.earned
            );
            prop_assert!(pay.clawback <= Decimal::ZERO, "{}: clawback {} > 0", at, pay.clawback);
            prop_assert!(pay.draw_topup >= Decimal::ZERO, "{}: draw_topup < 0", at);
            prop_assert!(pay.deficit >= Decimal::ZERO, "{}: deficit < 0", at);
            prop_assert!(pay.recovered >= Decimal::ZERO, "{}: recovered < 0", at);
            prop_assert!(pay.balance >= Decimal::ZERO, "{}: balance < 0", at);
            if let Some(cap) = scheme.cap_period {
                prop_assert!(
                    pay.earned <= cap,
                    "{}: earned {} above the period cap {}",
                    at,
                    pay.earned,
                    cap
                );
            }
            for c in &scheme.components {
                if let Some(cap) = c.cap {
                    let amount: Decimal = pay
                        .lines
                        .iter()
                        .filter(|l| l.component == c.name)
                        .map(|l| l.amount)
                        .sum();
                    prop_assert!(
                        amount <= cap,
                        "{}: component {} pays {} above its cap {}",
                        at,
                        c.name,
                        amount,
                        cap
                    );
                }
            }
            year_earned += pay.earned;
        }
        if let Some(cap) = scheme.cap_year {
            prop_assert!(
                year_earned <= cap,
                "rep {}: year earned {} above the year cap {}",
                rep.id,
                year_earned,
                cap
            );
        }
    }
    // The same identities on the files a user reads.
    let payouts = csv_rows(&payouts_bytes(inp, ev));
    let statements = csv_rows(&statements_bytes(inp, ev));
    let mut stated: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for s in &statements {
        *stated.entry((s["rep_id"].clone(), s["period"].clone())).or_default() += dec(&s["amount"]);
    }
    prop_assert_eq!(
        payouts.len(),
        inp.roster.reps.len() * inp.plan.cal.periods(),
        "one payouts row per rep and period"
    );
    for r in &payouts {
        let m = |c: &str| dec(&r[c]);
        let at = format!("payouts.csv {} {}", r["rep_id"], r["period"]);
        prop_assert_eq!(
            m("incentive_paid"),
            m("earned") + m("clawback") + m("draw_topup") + m("deficit") - m("recovered"),
            "{}: the row identity does not hold",
            at
        );
        prop_assert_eq!(m("total_pay"), m("base_pay") + m("incentive_paid"), "{}: total_pay", at);
        let lines = stated
            .get(&(r["rep_id"].clone(), r["period"].clone()))
            .copied()
            .unwrap_or_default();
        prop_assert_eq!(
            lines,
            m("incentive_paid"),
            "{}: statements.csv lines do not sum to incentive_paid",
            at
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// (a) Statements add up
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(128))]

    /// For every rep and period: the statement lines sum to incentive_paid;
    /// incentive_paid = earned + clawback + draw_topup + deficit − recovered;
    /// total_pay = base_pay + incentive_paid; every line is whole cents; caps hold.
    /// Random plans: tiers with arbitrary rates in every written form, caps,
    /// draws, clawbacks, ramps, seasonality, team credit, overrides, SPIFFs.
    #[test]
    fn statements_add_up_on_random_plans(c in case(ANY)) {
        let dir = tempfile::tempdir().unwrap();
        c.write(dir.path(), false);
        let (inp, ev) = evaluate(dir.path());
        check_identities(&inp, &ev)?;
    }

    /// The same with non-decreasing tier rates.
    #[test]
    fn statements_add_up_with_nondecreasing_rates(c in case(Knobs { nondecreasing: true, ..ANY })) {
        let dir = tempfile::tempdir().unwrap();
        c.write(dir.path(), false);
        let (inp, ev) = evaluate(dir.path());
        check_identities(&inp, &ev)?;
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// Money in a plan is an exact decimal and may carry fractions of a cent
    /// (`cap = "1000.005"`); every line item is still rounded to cents (SPEC 4),
    /// so the written statements add up to the written payouts.
    #[test]
    fn statements_add_up_when_caps_and_draws_have_sub_cent_amounts(c in case(ANY)) {
        let dir = tempfile::tempdir().unwrap();
        c.write(dir.path(), true);
        let (inp, ev) = evaluate(dir.path());
        check_identities(&inp, &ev)?;
    }
}

/// A fixed instance of the property above: a period cap of 1,000.005.
#[test]
fn a_sub_cent_period_cap_gives_statements_that_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("data")).unwrap();
    std::fs::write(
        d.join("plan.toml"),
        "[plan]\nname = \"Cap\"\nyear_start = 2026-01-01\n\n[[schemes]]\nid = \"ae\"\nquota = 400_000\n\
         cap = { period = \"1000.005\" }\n\n[[schemes.components]]\nkind = \"commission\"\nname = \"C\"\n\
         basis = \"amount\"\ntiers = [ { from = 0, rate = \"10%\" } ]\n",
    )
    .unwrap();
    std::fs::write(d.join("data/reps.csv"), "rep_id,name,scheme\nA1,Ana,ae\n").unwrap();
    std::fs::write(
        d.join("data/deals.csv"),
        "deal_id,rep_id,close_date,amount\nD1,A1,2026-01-15,20000\n",
    )
    .unwrap();
    let (inp, ev) = evaluate(d);
    let q1 = &ev.reps[0].periods[0];
    // Commission 2,000.00 capped at the period cap: the cap line and earned are whole cents.
    for l in &q1.lines {
        assert_eq!(l.amount, l.amount.round_dp(2), "line {l:?} is not rounded to cents");
    }
    let payouts = csv_rows(&payouts_bytes(&inp, &ev));
    let statements = csv_rows(&statements_bytes(&inp, &ev));
    let stated: Decimal = statements
        .iter()
        .filter(|s| s["period"] == "Q1")
        .map(|s| dec(&s["amount"]))
        .sum();
    assert_eq!(
        stated,
        dec(&payouts[0]["incentive_paid"]),
        "statements.csv Q1 lines do not sum to payouts.csv incentive_paid"
    );
}

// ---------------------------------------------------------------------------
// (b) Pay never falls when a deal grows
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(96))]

    /// Under a plan whose tier rates do not decrease (curves never decrease:
    /// the loader enforces it), growing one deal never lowers any rep's total
    /// pay for the year. Why it holds (SPEC 4): credit grows; marginal slices,
    /// retroactive C × rate(C) with non-decreasing rates, `above`, bonus
    /// f(A), milestones, SPIFF min_amount, team credit and overrides are all
    /// non-decreasing in credit, and rounding half-up / half-even is monotone;
    /// component and period caps are min(x, cap), monotone. Draws: paid =
    /// max(D, N − recovered) grows with N and the carried balance shrinks, so
    /// later periods pay no less.
    /// Excluded, because the SPEC makes them legitimately lower pay:
    /// - cancelled deals: the clawback is the deal's credit × the close
    ///   period's commission after caps ÷ credit. With a component cap of
    ///   1,000 on 10% and 10,000 of other credit, a cancelled deal of 0 nets
    ///   1,000, of 10,000 nets 1,000 − 10,000 × 1,000 ÷ 20,000 = 500;
    /// - a year cap together with a draw: a non-recoverable draw of 1,000 per
    ///   quarter, a year cap of 2,000, earnings of 0 then 2,000 pay 1,000 +
    ///   2,000; grow the first quarter's deal to earn 1,500 and the year cap
    ///   leaves 500 for the second quarter, which the draw lifts to 1,000:
    ///   1,500 + 1,000 < 3,000.
    #[test]
    fn pay_never_falls_when_a_deal_grows(
        c in case(Knobs { nondecreasing: true, cancellations: false, no_year_cap_with_draw: true }),
        pick in any::<prop::sample::Index>(),
        extra in 1u64..20_000_000,
    ) {
        prop_assume!(!c.deals.is_empty());
        let k = pick.index(c.deals.len());
        let mut bigger = c.clone();
        bigger.deals[k].cents += extra;
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        c.write(d1.path(), false);
        bigger.write(d2.path(), false);
        let (inp, before) = evaluate(d1.path());
        let (_, after) = evaluate(d2.path());
        for (b, a) in before.reps.iter().zip(&after.reps) {
            let (pb, pa) = (b.total(|p| p.total_pay), a.total(|p| p.total_pay));
            prop_assert!(
                pa >= pb,
                "rep {}: total pay fell from {} to {} when deal D{} grew by {}",
                inp.roster.reps[b.rep].id, pb, pa, k, cents(extra)
            );
        }
    }
}

// ---------------------------------------------------------------------------
// (c) Split credit is conserved
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(96))]

    /// The credit of a split deal's rows sums to amount × weight(deal type) ×
    /// multiplier(product): splitting neither creates nor loses credit. One
    /// scheme, so every row has the same weight and multiplier; credit is not
    /// rounded (SPEC 4), so the equality is exact.
    #[test]
    fn split_credit_is_conserved(
        c in case(ANY),
        shares in prop::collection::vec(1u32..1000, 1..6),
        cents_amount in 0u64..100_000_000_000,
        deal_type in 0u8..3,
        product in 0u8..4,
        day in 0i64..365,
    ) {
        let mut c = c;
        c.schemes.truncate(1);
        c.reps.truncate(shares.len().max(1));
        while c.reps.len() < shares.len() {
            c.reps.push(RepGen { scheme: 0, manager: None, hire: None, end: None });
        }
        c.deals.clear();
        let dir = tempfile::tempdir().unwrap();
        c.write(dir.path(), false);
        // Splits in millionths summing exactly to 1.
        let total: u32 = shares.iter().sum();
        let mut ppm: Vec<u32> = shares.iter().map(|s| s * 1_000_000 / total).collect();
        let last = ppm.len() - 1;
        ppm[last] = 1_000_000 - ppm[..last].iter().sum::<u32>();
        prop_assume!(ppm.iter().all(|p| *p > 0));
        let product_name = (product > 0).then(|| PRODUCTS[product as usize - 1]);
        let close = c.date(day);
        let mut csv = String::from("deal_id,rep_id,product,deal_type,close_date,amount,split\n");
        for (i, p) in ppm.iter().enumerate() {
            csv += &format!(
                "SPLIT,R{i},{},{},{close},{},{}\n",
                product_name.unwrap_or(""),
                TYPES[deal_type as usize],
                cents(cents_amount),
                Decimal::new(i64::from(*p), 6)
            );
        }
        std::fs::write(dir.path().join("data/deals.csv"), csv).unwrap();
        let (inp, ev) = evaluate(dir.path());
        let scheme = &inp.plan.plan.schemes[0];
        let amount = Decimal::new(cents_amount as i64, 2);
        let expected = amount
            * scheme.weights[deal_type as usize]
            * scheme.multiplier(product_name);
        let period = inp.plan.cal.period_of(NaiveDate::from_str(&close).unwrap()).unwrap();
        let mut credited = Decimal::ZERO;
        for r in 0..inp.roster.reps.len() {
            for p in 0..inp.plan.cal.periods() {
                let own = inp.ledger.credit(r, p);
                if p != period {
                    prop_assert_eq!(own, Decimal::ZERO, "credit outside the close period");
                }
                credited += own;
            }
        }
        prop_assert_eq!(credited, expected, "the split rows' credit does not sum to amount × weight × multiplier");
        // With credit = own, the engine's period credit is the ledger's.
        if scheme.credit == fuerza::plan::CreditScope::Own {
            let engine: Decimal = ev.reps.iter().map(|r| r.periods[period].credit).sum();
            prop_assert_eq!(engine, expected);
        }
    }
}

// ---------------------------------------------------------------------------
// (d) Determinism
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(48))]

    /// The library, twice on the same files: byte-identical payouts and statements.
    #[test]
    fn the_library_is_deterministic(c in case(ANY)) {
        let dir = tempfile::tempdir().unwrap();
        c.write(dir.path(), false);
        let (i1, e1) = evaluate(dir.path());
        let (i2, e2) = evaluate(dir.path());
        prop_assert_eq!(payouts_bytes(&i1, &e1), payouts_bytes(&i2, &e2));
        prop_assert_eq!(statements_bytes(&i1, &e1), statements_bytes(&i2, &e2));
    }
}

/// Runs the binary in `dir` with relative paths; returns the three files that must not vary.
fn run_binary(dir: &Path) -> [(String, Vec<u8>); 3] {
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_fuerza"))
        .args(["evaluate", "plan.toml", "--data", "data", "--out", "out"])
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("panicked"), "{stderr}");
    ["payouts.csv", "statements.csv", "manifest.json"]
        .map(|f| (f.to_string(), std::fs::read(dir.join("out").join(f)).unwrap()))
}

proptest! {
    #![proptest_config(config(16))]

    /// Two runs of `fuerza evaluate` (two processes, so two hash seeds, in two
    /// folders with the same layout) write byte-identical payouts.csv,
    /// statements.csv and manifest.json (which hashes every other output).
    #[test]
    fn two_runs_of_the_binary_are_byte_identical(c in case(ANY)) {
        // The binary refuses a deals.csv with no row in the plan year (every generated year has 365 days).
        prop_assume!(c.deals.iter().any(|d| (0..365).contains(&d.close)));
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        c.write(d1.path(), false);
        c.write(d2.path(), false);
        let (a, b) = (run_binary(d1.path()), run_binary(d2.path()));
        for ((name, x), (_, y)) in a.iter().zip(&b) {
            prop_assert!(x == y, "{} differs between two runs", name);
        }
    }
}

// ---------------------------------------------------------------------------
// Fuzz-style: the loaders never panic and every error is located
// ---------------------------------------------------------------------------

/// A plan using every section, the seed of the plan mutations.
const SEED_PLAN: &str = r#"[plan]
name = "Fuzz"
currency = "USD"
year_start = 2026-01-01
period = "quarter"
rounding = "half_even"

[goal]
annual = 4_000_000
seasonality = [0.2, 0.25, 0.25, 0.3]
allocation = "blend"
blend = { potential = 0.6, history = 0.4 }
over_assign = 0.1

[structure]
kind = "geographic"
max_span = 8

[[regions]]
id = "east"
name = "East"

[[territories]]
id = "NE"
name = "New England"
region = "east"
potential = 9_500_000
accounts = 120

[process]
stages = ["prospect", "qualify", "approach", "propose", "objections", "close", "follow_up"]
won_at = "close"
min_opportunities = 10
z = 1.645
tolerance = 0.10
benchmarks = { qualify = 0.45 }

[[schemes]]
id = "ae"
name = "Account Executive"
base_salary = 90_000
target_incentive = 90_000
quota = 2_000_000
credit = "own"
weights = { new = 1.0, expansion = 1.0, renewal = 0.5 }
products = { Platform = 1.2 }
ramp = [0.0, 0.25, 0.5, 0.75]
cap = { period = 60_000, year = 200_000 }
draw = { amount = 5_000, recoverable = true, months = 6 }
clawback = { window_days = 90 }

[[schemes.components]]
kind = "commission"
name = "Bookings commission"
basis = "attainment"
method = "marginal"
tiers = [ { from = 0.0, rate = "2%" }, { from = 0.5, rate = "8%" }, { from = 1.0, rate = "1.5x" }, { from = 1.5, rate = "15%" } ]
cap = 50_000
deal_types = ["new", "expansion", "renewal"]

[[schemes.components]]
kind = "commission"
name = "Overage"
basis = "attainment"
method = "retroactive"
above = 1.0
tiers = [ { from = 1.0, rate = "3%" }, { from = 1.2, rate = "5%" } ]

[[schemes.components]]
kind = "bonus"
name = "Quota bonus"
target = 20_000
curve = [[0.8, 0.5], [1.0, 1.0], [1.5, 2.0]]

[[schemes.components]]
kind = "milestone"
name = "Club"
at = 1.2
amount = 2_500

[[schemes.components]]
kind = "spiff"
name = "Analytics launch"
products = ["Analytics"]
deal_types = ["new"]
from = 2026-03-01
to = 2026-04-30
per_deal = 500
min_amount = 10_000

[[schemes]]
id = "mgr"
name = "Manager"
base_salary = 120_000
target_incentive = 40_000
quota = 6_000_000
credit = "team"

[[schemes.components]]
kind = "override"
name = "Team override"
rate = "1%"
scope = "all"

[[schemes.components]]
kind = "commission"
name = "Team commission"
basis = "amount"
tiers = [ { from = 0, rate = 0.005 }, { from = 1_000_000, rate = "1%" } ]
"#;

const SEED_REPS: &str = "rep_id,name,scheme,territory,manager_id,hire_date,end_date\n\
M1,Max,mgr,NE,,,\n\
A1,Ana,ae,NE,M1,2026-02-16,\n\
A2,Bo,ae,NE,M1,,2026-10-31\n";

const SEED_DEALS: &str = "deal_id,rep_id,customer_id,product,deal_type,close_date,amount,split,status,cancel_date\n\
D1,A1,C1,Platform,new,2026-01-20,400000.00,,,\n\
D2,A1,C2,Analytics,new,2026-03-31,220000.00,0.5,,\n\
D2,A2,C2,Analytics,new,2026-03-31,220000.00,0.5,,\n\
D3,A2,C3,Platform,renewal,2026-04-01,200000.00,,cancelled,2026-05-01\n\
D4,M1,C4,,expansion,2026-11-15,750000.00,,,\n\
D5,A2,C1,Analytics,new,2025-12-31,10.00,,,\n";

/// Extreme or odd values that a mutation may put in place of a token.
const ODD_TOKENS: &[&str] = &[
    "9999999999999999999999999999",
    "-9999999999999999999999999999",
    "1e30",
    "1e-30",
    "0.0000000000000000000000000001",
    "1000000000000000",
    "999999999999999.99",
    "-0",
    "-1",
    "0",
    "nan",
    "inf",
    "\"100x\"",
    "\"1e3%\"",
    "\"\"",
    "\"\u{0}\"",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "[]",
    "{}",
    "[[0, 0]]",
    "true",
    "\"close\"",
    "\"month\"",
    "\"year\"",
    "18446744073709551615",
    "-18446744073709551616",
    "0x7fffffffffffffff",
    ",",
    "\"",
    "\n",
    "\r\n",
    "\u{feff}",
    "[[schemes]]\n",
    "[[schemes.components]]\n",
    "\"\u{1F600}\"",
];

/// Numbers that are valid TOML but extreme, for the number tokens of the plan.
const ODD_NUMBERS: &[&str] = &[
    "9999999999999999999999999999",
    "123456789012345678901234567",
    "1e24",
    "5e27",
    "1e-28",
    "0.0000000000000000000000000001",
    "999999999999999.99",
    "1000000000000000",
    "0",
    "-0.0",
    "100",
    "100.0001",
    "18446744073709551615",
    "1_000_000_000_000",
];

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the n-th token (split on whitespace and punctuation) with an odd one.
    Token(prop::sample::Index, prop::sample::Index),
    /// Replace the n-th number with an extreme one.
    Number(prop::sample::Index, prop::sample::Index),
    /// Delete a byte range.
    Delete(prop::sample::Index, u8),
    /// Insert random bytes.
    Insert(prop::sample::Index, Vec<u8>),
    /// Duplicate a line.
    DupLine(prop::sample::Index),
    /// Swap two lines.
    SwapLines(prop::sample::Index, prop::sample::Index),
    /// Flip one byte.
    Flip(prop::sample::Index, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(|(a, b)| Mutation::Token(a, b)),
        3 => (any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(|(a, b)| Mutation::Number(a, b)),
        1 => (any::<prop::sample::Index>(), 1u8..40).prop_map(|(a, n)| Mutation::Delete(a, n)),
        1 => (any::<prop::sample::Index>(), prop::collection::vec(any::<u8>(), 1..8)).prop_map(|(a, b)| Mutation::Insert(a, b)),
        1 => any::<prop::sample::Index>().prop_map(Mutation::DupLine),
        1 => (any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(a, b)| Mutation::Flip(a, b)),
    ]
}

/// Byte ranges of the tokens of `s`: runs of characters other than whitespace and `,[]{}=`.
fn tokens(s: &[u8]) -> Vec<std::ops::Range<usize>> {
    let sep = |b: u8| b.is_ascii_whitespace() || b",[]{}=".contains(&b);
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if sep(s[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < s.len() && !sep(s[i]) {
            i += 1;
        }
        out.push(start..i);
    }
    out
}

fn mutate(seed: &str, muts: &[Mutation]) -> Vec<u8> {
    let mut b = seed.as_bytes().to_vec();
    for m in muts {
        match m {
            Mutation::Token(t, v) => {
                let toks = tokens(&b);
                if !toks.is_empty() {
                    let r = toks[t.index(toks.len())].clone();
                    b.splice(r, ODD_TOKENS[v.index(ODD_TOKENS.len())].bytes());
                }
            }
            Mutation::Number(t, v) => {
                let nums: Vec<_> = tokens(&b)
                    .into_iter()
                    .filter(|r| {
                        b[r.start].is_ascii_digit()
                            && b[r.clone()].iter().all(|c| c.is_ascii_digit() || b"._".contains(c))
                    })
                    .collect();
                if !nums.is_empty() {
                    let r = nums[t.index(nums.len())].clone();
                    b.splice(r, ODD_NUMBERS[v.index(ODD_NUMBERS.len())].bytes());
                }
            }
            Mutation::Delete(at, n) => {
                let start = at.index(b.len() + 1);
                let end = (start + *n as usize).min(b.len());
                b.drain(start..end);
            }
            Mutation::Insert(at, bytes) => {
                let at = at.index(b.len() + 1);
                b.splice(at..at, bytes.iter().copied());
            }
            Mutation::DupLine(l) | Mutation::SwapLines(l, _) => {
                let mut lines: Vec<Vec<u8>> = b.split(|c| *c == b'\n').map(<[u8]>::to_vec).collect();
                let i = l.index(lines.len());
                match m {
                    Mutation::SwapLines(_, j) => {
                        let j = j.index(lines.len());
                        lines.swap(i, j);
                    }
                    _ => {
                        let dup = lines[i].clone();
                        lines.insert(i, dup);
                    }
                }
                b = lines.join(&b'\n');
            }
            Mutation::Flip(at, x) => {
                if !b.is_empty() {
                    let i = at.index(b.len());
                    b[i] ^= x | 1;
                }
            }
        }
    }
    b
}

/// Every error names `file` and a line within the text (line count + 1 for a
/// problem at the very end), and has a code (`deals.bad-date`).
fn located(diags: &[Diagnostic], file_suffix: &str, text: &[u8]) -> Result<(), TestCaseError> {
    let lines = text.split(|c| *c == b'\n').count() + 1;
    for d in diags.iter().filter(|d| d.is_error()) {
        prop_assert!(
            d.code.as_deref().is_some_and(|c| c.contains('.')),
            "an error without a code: {}",
            d.render()
        );
        let f = d.file.as_deref().unwrap_or("");
        prop_assert!(
            f.ends_with(file_suffix),
            "an error without the file {}: {}",
            file_suffix,
            d.render()
        );
        let l = d.line.unwrap_or(0);
        prop_assert!(
            (1..=lines).contains(&l),
            "an error without a line in 1..={}: {}",
            lines,
            d.render()
        );
        if let Some(c) = d.column {
            prop_assert!(
                c >= 1 || d.column_name.is_some(),
                "a column 0 without a column name: {}",
                d.render()
            );
        }
    }
    Ok(())
}

/// A folder with the seed reps and deals and the given plan bytes.
fn seeded(plan: &[u8], reps: &[u8], deals: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("plan.toml"), plan).unwrap();
    std::fs::write(dir.path().join("data/reps.csv"), reps).unwrap();
    std::fs::write(dir.path().join("data/deals.csv"), deals).unwrap();
    dir
}

#[test]
fn the_fuzz_seeds_are_valid() {
    let dir = seeded(SEED_PLAN.as_bytes(), SEED_REPS.as_bytes(), SEED_DEALS.as_bytes());
    let (inp, ev) = evaluate(dir.path());
    assert_eq!(inp.roster.reps.len(), 3);
    assert_eq!(inp.ledger.outside.before, 1, "D5 closed before the plan year");
    let q1: Decimal = ev.reps.iter().map(|r| r.periods[0].incentive_paid).sum();
    assert!(q1 > Decimal::ZERO);
}

proptest! {
    #![proptest_config(config(192))]

    /// Random bytes as a plan: `load_plan` never panics, and every error names
    /// plan.toml and a line in it.
    #[test]
    fn random_bytes_as_a_plan_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let dir = seeded(&bytes, SEED_REPS.as_bytes(), SEED_DEALS.as_bytes());
        if let Err(d) = inputs::load_plan(&dir.path().join("plan.toml")) {
            prop_assert!(!d.is_empty());
            located(&d, "plan.toml", &bytes)?;
        }
    }

    /// Random bytes as deals.csv: loading never panics; every error names
    /// deals.csv and a line in it (strict), every reject a data line (lenient).
    #[test]
    fn random_bytes_as_deals_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let dir = seeded(SEED_PLAN.as_bytes(), SEED_REPS.as_bytes(), &bytes);
        if let Err(d) = load(dir.path(), false) {
            prop_assert!(!d.is_empty());
            located(&d, "deals.csv", &bytes)?;
        }
        if let Ok(inp) = load(dir.path(), true) {
            for r in &inp.problems.rejects {
                prop_assert!(r.file.ends_with("deals.csv") && r.line >= 2, "{:?}", r);
            }
        }
    }

    /// Mutations of a valid plan: the loader never panics, every error names
    /// plan.toml and a line in it.
    #[test]
    fn mutated_plans_load_or_fail_with_located_errors(muts in prop::collection::vec(mutation(), 1..5)) {
        let bytes = mutate(SEED_PLAN, &muts);
        let dir = seeded(&bytes, SEED_REPS.as_bytes(), SEED_DEALS.as_bytes());
        if let Err(d) = inputs::load_plan(&dir.path().join("plan.toml")) {
            prop_assert!(!d.is_empty());
            located(&d, "plan.toml", &bytes)?;
        }
    }

}

proptest! {
    // More cases: a mutation that still loads is the rare, interesting one.
    #![proptest_config(config(400))]

    /// Mutations of a valid plan that still load (odd tokens include extreme
    /// numbers) are evaluated and rendered without a panic.
    #[test]
    fn mutated_plans_that_load_evaluate_without_panic(muts in prop::collection::vec(mutation(), 1..4)) {
        let bytes = mutate(SEED_PLAN, &muts);
        let dir = seeded(&bytes, SEED_REPS.as_bytes(), SEED_DEALS.as_bytes());
        if let Ok(inp) = load(dir.path(), true) {
            let ev = fuerza::comp::evaluate(&inp.plan.plan, &inp.roster, &inp.plan.cal, &inp.ledger, &inp.quotas);
            let payouts = payouts_bytes(&inp, &ev);
            prop_assert_eq!(csv_rows(&payouts).len(), inp.roster.reps.len() * inp.plan.cal.periods());
            statements_bytes(&inp, &ev);
        }
    }

}

proptest! {
    #![proptest_config(config(192))]

    /// Mutations of a valid deals.csv (and reps.csv): strict loading never
    /// panics and every error names the file and a line in it; lenient loading
    /// lists every skipped row with its file and a data line (≥ 2); what loads
    /// evaluates, and its statements add up.
    #[test]
    fn mutated_data_never_panics_and_errors_are_located(
        deal_muts in prop::collection::vec(mutation(), 0..5),
        rep_muts in prop::collection::vec(mutation(), 0..2),
    ) {
        let deals = mutate(SEED_DEALS, &deal_muts);
        let reps = mutate(SEED_REPS, &rep_muts);
        let dir = seeded(SEED_PLAN.as_bytes(), &reps, &deals);
        match load(dir.path(), false) {
            Ok(inp) => {
                let ev = fuerza::comp::evaluate(&inp.plan.plan, &inp.roster, &inp.plan.cal, &inp.ledger, &inp.quotas);
                check_identities(&inp, &ev)?;
            }
            Err(d) => {
                prop_assert!(!d.is_empty());
                for e in d.iter().filter(|e| e.is_error()) {
                    let f = e.file.as_deref().unwrap_or("");
                    let text: &[u8] = if f.ends_with("deals.csv") {
                        &deals
                    } else if f.ends_with("reps.csv") {
                        &reps
                    } else {
                        // "... and N more errors" has no location; nothing else may lack one.
                        prop_assert!(e.message.contains("more errors"), "an error without a data file: {}", e.render());
                        continue;
                    };
                    located(std::slice::from_ref(e), if f.ends_with("deals.csv") { "deals.csv" } else { "reps.csv" }, text)?;
                }
            }
        }
        if let Ok(inp) = load(dir.path(), true) {
            for r in &inp.problems.rejects {
                prop_assert!(r.file.ends_with("deals.csv") || r.file.ends_with("reps.csv"), "{:?}", r);
                prop_assert!(r.line >= 2, "a reject must be a data line: {:?}", r);
                prop_assert!(!r.reason.is_empty(), "{:?}", r);
            }
            let ev = fuerza::comp::evaluate(&inp.plan.plan, &inp.roster, &inp.plan.cal, &inp.ledger, &inp.quotas);
            check_identities(&inp, &ev)?;
        }
    }
}

// ---------------------------------------------------------------------------
// Runs you can trust: ragged rows, quotes, line endings and huge numbers,
// through the binary
// ---------------------------------------------------------------------------
//
// The data files are modelled as rows of raw cells (as written, quotes
// included; a `\n` inside a cell is a line break written with the file's line
// ending). A `Break` damages one file in a way whose diagnosis is known (the
// code and the line), the files are rendered with LF, CRLF, bare-CR or mixed
// line endings, and `fuerza evaluate` runs on them as a user would. Every run:
// no panic, exit 0 or 1, and on exit 1 every `error` line carries a code
// (`error[deals.ragged-row]`) and a file and a line in that file.

/// A CSV file as rows of raw cells; row 0 is the header.
#[derive(Debug, Clone)]
struct Sheet {
    rows: Vec<Vec<String>>,
    /// Blank lines written after the rows (an empty file when there are no rows).
    blank: usize,
    /// Whether the last row ends with a line break.
    final_eol: bool,
}

/// How the line breaks of a file are written.
#[derive(Debug, Clone)]
enum Eol {
    Lf,
    Crlf,
    Cr,
    /// Each break LF, CRLF or CR in turn by the bytes (mod 3).
    Mixed(Vec<u8>),
}

impl Eol {
    fn nth(&self, n: usize) -> &'static [u8] {
        let pick = |k: u8| [&b"\n"[..], b"\r\n", b"\r"][usize::from(k % 3)];
        match self {
            Eol::Lf => b"\n",
            Eol::Crlf => b"\r\n",
            Eol::Cr => b"\r",
            Eol::Mixed(v) if v.is_empty() => b"\n",
            Eol::Mixed(v) => pick(v[n % v.len()]),
        }
    }
}

impl Sheet {
    fn parse(text: &str) -> Self {
        Self {
            rows: text
                .lines()
                .map(|l| l.split(',').map(str::to_string).collect())
                .collect(),
            blank: 0,
            final_eol: true,
        }
    }

    /// The file's bytes, and the line each row starts on (as a `\n` counter sees it).
    fn render(&self, eol: &Eol) -> (Vec<u8>, Vec<usize>) {
        let mut out = Vec::new();
        let mut starts = Vec::new();
        let mut n = 0;
        let mut line = 1;
        let mut brk = |out: &mut Vec<u8>, line: &mut usize| {
            let b = eol.nth(n);
            n += 1;
            *line += b.iter().filter(|c| **c == b'\n').count();
            out.extend_from_slice(b);
        };
        for (i, row) in self.rows.iter().enumerate() {
            starts.push(line);
            for (j, cell) in row.iter().enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                for (k, part) in cell.split('\n').enumerate() {
                    if k > 0 {
                        brk(&mut out, &mut line);
                    }
                    out.extend_from_slice(part.as_bytes());
                }
            }
            if i + 1 < self.rows.len() || self.final_eol {
                brk(&mut out, &mut line);
            }
        }
        for _ in 0..self.blank {
            brk(&mut out, &mut line);
        }
        (out, starts)
    }
}

/// What fuerza must read a cell's value as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellKind {
    Money,
    Split,
    Date,
}

/// One data file of the runs: its path, role (the first part of its codes),
/// seed, the ignored column, and the columns a huge value may go in.
struct DataFile {
    path: &'static str,
    role: &'static str,
    seed: fn() -> Sheet,
    note: usize,
    huge: &'static [(&'static str, CellKind)],
}

/// The seed deals with a column fuerza ignores (`note`) in the middle.
fn seed_deals() -> Sheet {
    let mut s = Sheet::parse(SEED_DEALS);
    for (i, r) in s.rows.iter_mut().enumerate() {
        r.insert(3, if i == 0 { "note".to_string() } else { format!("n{i}") });
    }
    s
}

/// The seed reps with an ignored `note` column at the end.
fn seed_reps() -> Sheet {
    let mut s = Sheet::parse(SEED_REPS);
    for (i, r) in s.rows.iter_mut().enumerate() {
        r.push(if i == 0 { "note".to_string() } else { format!("n{i}") });
    }
    s
}

const DEALS_FILE: DataFile = DataFile {
    path: "data/deals.csv",
    role: "deals",
    seed: seed_deals,
    note: 3,
    huge: &[
        ("amount", CellKind::Money),
        ("split", CellKind::Split),
        ("close_date", CellKind::Date),
        ("cancel_date", CellKind::Date),
    ],
};

const REPS_FILE: DataFile = DataFile {
    path: "data/reps.csv",
    role: "reps",
    seed: seed_reps,
    note: 7,
    huge: &[("hire_date", CellKind::Date), ("end_date", CellKind::Date)],
};

/// Huge or long values, with the code fuerza must give them in a cell of that
/// kind (`None`: a valid value).
fn huge_values(kind: CellKind) -> Vec<(String, Option<&'static str>)> {
    let s = |v: &str| v.to_string();
    match kind {
        CellKind::Money => vec![
            (s("899999999999999"), None),
            (s("999999999999999.99"), None),
            (s("999999999999999.9999999999999"), None),
            (s("1000000000000000"), Some("bad-money")),
            (s("1000000000000000.00"), Some("bad-money")),
            (s("1e15"), Some("bad-money")),
            (format!("1{}", "0".repeat(30)), Some("bad-money")),
            (s("79228162514264337593543950336"), Some("bad-money")),
            ("9".repeat(100), Some("bad-money")),
            (s("-899999999999999"), Some("negative")),
            (format!("-1{}", "0".repeat(30)), Some("bad-money")),
        ],
        CellKind::Split => vec![
            (s("899999999999999"), Some("bad-split")),
            (s("999999999999999.99"), Some("bad-split")),
            (s("1000000000000000"), Some("bad-split")),
            (s("1e30"), Some("bad-split")),
            (format!("1{}", "0".repeat(30)), Some("bad-split")),
            (s("79228162514264337593543950336"), Some("bad-split")),
            ("9".repeat(100), Some("bad-split")),
            (s("-899999999999999"), Some("bad-split")),
            (s("1.000000000000000000000001"), Some("bad-split")),
        ],
        CellKind::Date => vec![
            (s("99999-01-01"), Some("bad-date")),
            (s("+99999-01-01"), Some("bad-date")),
            (s("262144-01-01"), Some("bad-date")),
            (s("2026-99999-01"), Some("bad-date")),
            (format!("1{}-01-01", "0".repeat(30)), Some("bad-date")),
            ("9".repeat(100), Some("bad-date")),
            (s("9999-12-31"), None),
            (s("0000-01-01"), None),
        ],
    }
}

/// What a run must make of a huge value in a cell of `kind` at `row`, `code`
/// being the error it must give (`None`: a valid value, which pays; a valid
/// but odd date may still be wrong for its row, e.g. a cancel_date on a deal
/// that is not cancelled).
fn huge_expect(kind: CellKind, code: Option<&'static str>, row: usize) -> Expect {
    match code {
        Some(code) => Expect::Fail(fail(row, &[code])),
        None if kind == CellKind::Money => Expect::Zero,
        None => Expect::ZeroOrAt(row),
    }
}

/// One damage to a data file whose diagnosis is known.
#[derive(Debug, Clone)]
enum Break {
    /// One more field in a data row (ragged, more).
    ExtraField {
        row: prop::sample::Index,
        at: prop::sample::Index,
    },
    /// One field fewer in a data row (ragged, fewer).
    DropField {
        row: prop::sample::Index,
        at: prop::sample::Index,
    },
    /// An unterminated `"` at the start of a cell (`note`: of the ignored column).
    OpenQuote {
        row: prop::sample::Index,
        col: prop::sample::Index,
        note: bool,
    },
    /// A `"` in the middle of a cell.
    MidQuote {
        row: prop::sample::Index,
        col: prop::sample::Index,
        note: bool,
    },
    /// A header name twice: another name replaced by it, or a copy inserted.
    DupHeader {
        col: prop::sample::Index,
        other: prop::sample::Index,
        insert: bool,
    },
    /// A quoted cell of a known column with a line break inside.
    QuotedNewline {
        row: prop::sample::Index,
        col: prop::sample::Index,
    },
    /// A huge (or long) number or year in a money, split or date cell.
    Huge {
        row: prop::sample::Index,
        col: prop::sample::Index,
        value: prop::sample::Index,
    },
    /// An empty file: no bytes, one line break, or blank lines.
    Empty(u8),
    /// The header alone.
    HeaderOnly,
}

fn a_break() -> impl Strategy<Value = Break> {
    use prop::sample::Index;
    prop_oneof![
        2 => (any::<Index>(), any::<Index>()).prop_map(|(row, at)| Break::ExtraField { row, at }),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(row, at)| Break::DropField { row, at }),
        2 => (any::<Index>(), any::<Index>(), any::<bool>()).prop_map(|(row, col, note)| Break::OpenQuote { row, col, note }),
        2 => (any::<Index>(), any::<Index>(), any::<bool>()).prop_map(|(row, col, note)| Break::MidQuote { row, col, note }),
        1 => (any::<Index>(), any::<Index>(), any::<bool>()).prop_map(|(col, other, insert)| Break::DupHeader { col, other, insert }),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(row, col)| Break::QuotedNewline { row, col }),
        4 => (any::<Index>(), any::<Index>(), any::<Index>()).prop_map(|(row, col, value)| Break::Huge { row, col, value }),
        1 => (0u8..3).prop_map(Break::Empty),
        1 => Just(Break::HeaderOnly),
    ]
}

const QUOTE_CODES: &[&str] = &["unclosed-quote", "unmatched-quote"];

/// What a run on a broken file must give, beyond the checks of every run.
#[derive(Debug, Clone)]
enum Expect {
    /// Exit 0 with the payouts of the undamaged seed.
    Clean,
    /// Exit 0.
    Zero,
    /// Exit 0, or exit 1 with an error at this row of the file.
    ZeroOrAt(usize),
    /// Exit 1 with an error of one of the codes at a row of the file.
    Fail(Fail),
    /// Nothing beyond the checks of every run.
    Any,
}

/// Exit 1 with an error of one of `codes` at `row` of the file.
#[derive(Debug, Clone)]
struct Fail {
    row: usize,
    codes: Vec<&'static str>,
    /// Every error of the file at that row has one of `codes`.
    sole: bool,
    /// No error of the file is at a later row (an unclosed quote swallows the rest).
    nothing_after: bool,
    /// Every error of the file is at that row.
    only_here: bool,
}

fn fail(row: usize, codes: &[&'static str]) -> Fail {
    Fail {
        row,
        codes: codes.to_vec(),
        sole: false,
        nothing_after: false,
        only_here: false,
    }
}

/// Applies `b` to `sheet` (a `file`) and says what fuerza must make of it.
fn apply_break(sheet: &mut Sheet, file: &DataFile, b: &Break) -> Expect {
    let rows = sheet.rows.len();
    if rows < 2 {
        // Emptied by an earlier break: nothing left to damage.
        return Expect::Any;
    }
    let data_row = |i: &prop::sample::Index| 1 + i.index(rows - 1);
    match b {
        Break::ExtraField { row, at } => {
            let r = data_row(row);
            let at = at.index(sheet.rows[r].len() + 1);
            sheet.rows[r].insert(at, "x".to_string());
            Expect::Fail(Fail {
                sole: true,
                ..fail(r, &["ragged-row"])
            })
        }
        Break::DropField { row, at } => {
            let r = data_row(row);
            let at = at.index(sheet.rows[r].len());
            sheet.rows[r].remove(at);
            Expect::Fail(Fail {
                sole: true,
                ..fail(r, &["ragged-row"])
            })
        }
        Break::OpenQuote { row, col, note } => {
            let r = data_row(row);
            let len = sheet.rows[r].len();
            let c = if *note && file.note < len {
                file.note
            } else {
                col.index(len)
            };
            sheet.rows[r][c].insert(0, '"');
            Expect::Fail(Fail {
                nothing_after: true,
                ..fail(r, &["unclosed-quote"])
            })
        }
        Break::MidQuote { row, col, note } => {
            let r = data_row(row);
            let len = sheet.rows[r].len();
            let c = if *note && file.note < len {
                file.note
            } else {
                col.index(len)
            };
            let cell = &mut sheet.rows[r][c];
            let at = cell.len().min(1);
            cell.insert(at, '"');
            Expect::Fail(fail(r, QUOTE_CODES))
        }
        Break::DupHeader { col, other, insert } => {
            let h = &mut sheet.rows[0];
            let c = col.index(h.len());
            let name = h[c].clone();
            if *insert {
                let at = other.index(h.len() + 1);
                h.insert(at, name);
            } else {
                let mut o = other.index(h.len() - 1);
                if o >= c {
                    o += 1;
                }
                h[o] = name;
            }
            Expect::Fail(Fail {
                only_here: true,
                ..fail(0, &["duplicate-column"])
            })
        }
        Break::QuotedNewline { row, col } => {
            let r = data_row(row);
            let known: Vec<usize> = (0..sheet.rows[r].len()).filter(|c| *c != file.note).collect();
            let c = known[col.index(known.len())];
            let cell = &mut sheet.rows[r][c];
            *cell = format!("\"{cell}\nx\"");
            Expect::ZeroOrAt(r)
        }
        Break::Huge { row, col, value } => {
            let r = data_row(row);
            let (name, kind) = file.huge[col.index(file.huge.len())];
            let Some(c) = sheet.rows[0].iter().position(|h| h == name) else {
                return Expect::Any; // the header lost that name to an earlier break
            };
            let values = huge_values(kind);
            let (v, code) = values[value.index(values.len())].clone();
            let Some(cell) = sheet.rows[r].get_mut(c) else {
                return Expect::Any; // a short row (an earlier break dropped a field)
            };
            *cell = v;
            huge_expect(kind, code, r)
        }
        Break::Empty(k) => {
            sheet.rows.clear();
            sheet.blank = usize::from(*k);
            Expect::Fail(Fail {
                only_here: true,
                ..fail(0, &["empty-file"])
            })
        }
        Break::HeaderOnly => {
            sheet.rows.truncate(1);
            Expect::Any
        }
    }
}

/// One `error` line of a run's stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ErrLine {
    /// `deals.ragged-row`.
    code: String,
    /// `data/deals.csv`.
    file: String,
    line: usize,
    column: Option<usize>,
    text: String,
}

/// What one `fuerza evaluate` run gave.
#[derive(Debug)]
struct Run {
    status: Option<i32>,
    stderr: String,
    errors: Vec<ErrLine>,
    payouts: Option<Vec<u8>>,
}

/// The input files of a run: path under the folder, and bytes.
type Files = Vec<(&'static str, Vec<u8>)>;

/// Writes `files` into a fresh folder and runs `fuerza evaluate` there with
/// relative paths; checks what every run must satisfy: no panic, exit 0 or 1,
/// on exit 1 every `error` line with a code (`error[ROLE.kind]`, ROLE the
/// file's role), a file among the inputs and a line within it, and the count
/// line last; on exit 0 no error and a payouts.csv.
fn run_checked(files: &Files, lenient: bool) -> Result<Run, TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let mut args = vec!["evaluate", "plan.toml", "--data", "data", "--out", "out"];
    if lenient {
        args.push("--lenient");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fuerza"))
        .args(&args)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let status = out.status.code();
    let show = || {
        let mut s = format!("exit {status:?}, lenient {lenient}\n--- stderr\n{stderr}");
        for (p, b) in files {
            s += &format!("--- {p}\n{:?}\n", String::from_utf8_lossy(b));
        }
        s
    };
    prop_assert!(
        status != Some(101) && !stderr.contains("panicked"),
        "fuerza panicked:\n{}",
        show()
    );
    prop_assert!(matches!(status, Some(0 | 1)), "exit status not 0 or 1:\n{}", show());
    let mut errors = Vec::new();
    let mut unlocated_summaries = 0;
    for l in stderr.lines().filter(|l| l.starts_with("error")) {
        // The one error without a location: the count of errors beyond the
        // 1,000 shown in full (it follows 1,000 located ones).
        if l.starts_with("error: ... and ") && l.contains(" more errors like these") {
            unlocated_summaries += 1;
            continue;
        }
        let parsed = (|| {
            let rest = l.strip_prefix("error[")?;
            let (code, rest) = rest.split_once("]: ")?;
            let (role, kind) = code.split_once('.')?;
            let role_ok = ["plan", "reps", "deals", "opportunities", "quotas", "input"].contains(&role);
            let kind_ok = !kind.is_empty()
                && kind
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
            if !role_ok || !kind_ok {
                return None;
            }
            let (file, rest) = files
                .iter()
                .find_map(|(p, _)| rest.strip_prefix(p).map(|r| (p.to_string(), r)))?;
            let rest = rest.strip_prefix(':')?;
            let (loc, _) = rest.split_once(": ")?;
            let mut parts = loc.split(':');
            let line: usize = parts.next()?.parse().ok()?;
            let column = match parts.next() {
                Some(c) => Some(c.parse().ok()?),
                None => None,
            };
            parts.next().is_none().then(|| ErrLine {
                code: code.to_string(),
                file,
                line,
                column,
                text: l.to_string(),
            })
        })();
        let Some(e) = parsed else {
            return Err(TestCaseError::fail(format!(
                "an error without a code, a file or a line: {l:?}\n{}",
                show()
            )));
        };
        let role = e.code.split('.').next().unwrap_or("");
        prop_assert!(
            role == role_of(&e.file) || role == "input",
            "the code's role is not the file's: {:?}\n{}",
            l,
            show()
        );
        let text = &files.iter().find(|(p, _)| *p == e.file).unwrap().1;
        let lines = text.iter().filter(|c| **c == b'\n').count() + 1;
        prop_assert!(
            (1..=lines + 1).contains(&e.line),
            "an error at a line outside the file (1..={}): {:?}\n{}",
            lines + 1,
            l,
            show()
        );
        prop_assert!(e.column != Some(0), "column 0: {:?}\n{}", l, show());
        errors.push(e);
    }
    prop_assert!(
        unlocated_summaries == 0 || (unlocated_summaries == 1 && errors.len() >= 1000),
        "an unlocated summary without 1,000 errors before it:\n{}",
        show()
    );
    let mut payouts = None;
    if status == Some(1) {
        let last = stderr.lines().last().unwrap_or("");
        let n = errors.len() + unlocated_summaries;
        prop_assert!(n >= 1, "exit 1 without an error:\n{}", show());
        prop_assert_eq!(
            last,
            format!("{n} error(s); nothing was written"),
            "the count line is not last, or miscounts:\n{}",
            show()
        );
        prop_assert!(
            !dir.path().join("out").exists(),
            "exit 1 but out/ was written:\n{}",
            show()
        );
    } else {
        prop_assert!(errors.is_empty(), "exit 0 with errors:\n{}", show());
        let p = std::fs::read(dir.path().join("out/payouts.csv"));
        prop_assert!(p.is_ok(), "exit 0 without payouts.csv:\n{}", show());
        payouts = p.ok();
    }
    Ok(Run {
        status,
        stderr,
        errors,
        payouts,
    })
}

/// The role of an input file, the first part of its codes: `plan`, `deals`, `reps`.
fn role_of(path: &str) -> &str {
    match path {
        "plan.toml" => "plan",
        p => p.trim_start_matches("data/").trim_end_matches(".csv"),
    }
}

/// The payouts of the undamaged seeds (the note columns in place).
fn clean_payouts() -> &'static [u8] {
    static CLEAN: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    CLEAN.get_or_init(|| {
        let files: Files = vec![
            ("plan.toml", SEED_PLAN.as_bytes().to_vec()),
            ("data/deals.csv", seed_deals().render(&Eol::Lf).0),
            ("data/reps.csv", seed_reps().render(&Eol::Lf).0),
        ];
        let run = run_checked(&files, false).unwrap();
        run.payouts.unwrap()
    })
}

/// Checks `exp` on a run, for the file `path` whose rows start at `starts`.
fn check_expect(run: &Run, exp: &Expect, file: &DataFile, starts: &[usize], what: &str) -> Result<(), TestCaseError> {
    let path = file.path;
    let show = || format!("{what}\nexpected {exp:?}\n--- stderr\n{}", run.stderr);
    let line = |row: usize| starts.get(row).copied().unwrap_or(1);
    let here: Vec<&ErrLine> = run.errors.iter().filter(|e| e.file == path).collect();
    match exp {
        Expect::Clean => {
            prop_assert_eq!(run.status, Some(0), "{}", show());
            prop_assert!(
                run.payouts.as_deref() == Some(clean_payouts()),
                "payouts differ from the undamaged seed's:\n{}",
                show()
            );
        }
        Expect::Zero => prop_assert_eq!(run.status, Some(0), "{}", show()),
        Expect::ZeroOrAt(row) => {
            let l = line(*row);
            prop_assert!(
                run.status == Some(0) || here.iter().any(|e| e.line == l),
                "exit 1 without an error at {}:{}:\n{}",
                path,
                l,
                show()
            );
        }
        Expect::Fail(Fail {
            row,
            codes,
            sole,
            nothing_after,
            only_here,
        }) => {
            let l = line(*row);
            let has_code = |e: &ErrLine| codes.iter().any(|c| e.code == format!("{}.{c}", file.role));
            prop_assert_eq!(run.status, Some(1), "{}", show());
            prop_assert!(
                here.iter().any(|e| e.line == l && has_code(e)),
                "no error {:?} at {}:{}:\n{}",
                codes,
                path,
                l,
                show()
            );
            for e in &here {
                prop_assert!(
                    !*sole || e.line != l || has_code(e),
                    "another error at that line: {}\n{}",
                    e.text,
                    show()
                );
                prop_assert!(
                    !*nothing_after || e.line <= l,
                    "an error after that line: {}\n{}",
                    e.text,
                    show()
                );
                prop_assert!(
                    !*only_here || e.line == l,
                    "an error at another line: {}\n{}",
                    e.text,
                    show()
                );
            }
            if codes.iter().any(|c| QUOTE_CODES.contains(c)) {
                let quotes = here
                    .iter()
                    .filter(|e| QUOTE_CODES.iter().any(|c| e.code.ends_with(c)))
                    .count();
                prop_assert_eq!(quotes, 1, "one unclosed quote, one error:\n{}", show());
            }
        }
        Expect::Any => {}
    }
    Ok(())
}

/// Huge weights in the plan's `weights = { new = 1.0, ... }`, and whether valid (at most 100).
const HUGE_WEIGHTS: &[(&str, bool)] = &[
    ("100", true),
    ("99.999999999999999999999999", true),
    ("100.0000000000000000000000001", false),
    ("899999999999999", false),
    ("1e30", false),
    ("1000000000000000000000000000000", false),
    ("\"1e30\"", false),
    (
        "999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999",
        false,
    ),
];

/// The seed plan with `new = W` in the first scheme's weights, and the line of it.
fn weighted_plan(w: &str) -> (String, usize) {
    let at = SEED_PLAN.find("weights = { new = 1.0").unwrap();
    let line = SEED_PLAN[..at].matches('\n').count() + 1;
    let plan = SEED_PLAN.replacen("weights = { new = 1.0", &format!("weights = {{ new = {w}"), 1);
    (plan, line)
}

proptest! {
    #![proptest_config(config(128))]

    /// One known damage to deals.csv or reps.csv (after 0–2 quoted line breaks
    /// in the ignored column of earlier rows, which shift the later rows'
    /// lines and change nothing else), and perhaps a huge weight in the plan:
    /// the error is the expected one at the line of the damaged row, in LF and
    /// in CRLF alike (same codes at the same lines and columns; the same
    /// payouts when the run succeeds); with bare-CR line endings the file is
    /// one `bare-cr` error at its line 1.
    #[test]
    fn a_known_damage_is_diagnosed_at_its_line_in_lf_and_crlf(
        reps in any::<bool>(),
        brk in prop::option::weighted(0.9, a_break()),
        benign in prop::collection::vec(any::<prop::sample::Index>(), 0..3),
        weight in prop::option::weighted(0.15, any::<prop::sample::Index>()),
        final_eol in any::<bool>(),
        bare_cr in prop::bool::weighted(0.15),
    ) {
        let file = if reps { &REPS_FILE } else { &DEALS_FILE };
        let mut sheet = (file.seed)();
        sheet.final_eol = final_eol;
        let mut exp = match &brk {
            Some(b) => apply_break(&mut sheet, file, b),
            None => Expect::Clean,
        };
        // Benign line breaks in the ignored column, before the damaged row.
        let limit = match exp {
            Expect::Fail(Fail { row, .. }) | Expect::ZeroOrAt(row) if row > 0 => row,
            Expect::Fail(_) => 1,
            _ => sheet.rows.len(),
        };
        if limit > 1 {
            for i in &benign {
                let r = 1 + i.index(limit - 1);
                let cell = &mut sheet.rows[r][file.note];
                if !cell.contains('"') {
                    *cell = format!("\"{cell}\nz\"");
                }
            }
        }
        let (plan, weight_line) = match weight {
            Some(i) => {
                let (w, valid) = HUGE_WEIGHTS[i.index(HUGE_WEIGHTS.len())];
                let (plan, line) = weighted_plan(w);
                if matches!(exp, Expect::Clean) {
                    exp = Expect::Zero;
                }
                (plan, (!valid).then_some(line))
            }
            None => (SEED_PLAN.to_string(), None),
        };
        let other = if reps { &DEALS_FILE } else { &REPS_FILE };
        let files = |eol: &Eol, other_eol: &Eol| -> (Files, Vec<usize>) {
            let (bytes, starts) = sheet.render(eol);
            let (obytes, _) = (other.seed)().render(other_eol);
            (vec![("plan.toml", plan.as_bytes().to_vec()), (file.path, bytes), (other.path, obytes)], starts)
        };
        let what = format!("{brk:?} in {}, benign {benign:?}, weight {weight:?}", file.path);
        let check = |run: &Run, exp: &Expect, starts: &[usize]| -> Result<(), TestCaseError> {
            match weight_line {
                Some(l) => {
                    prop_assert_eq!(run.status, Some(1), "{}: a huge weight was accepted\n{}", what, run.stderr);
                    prop_assert!(
                        run.errors.iter().all(|e| e.file == "plan.toml" && e.line == l),
                        "{}: expected only plan errors at plan.toml:{}\n{}", what, l, run.stderr
                    );
                    Ok(())
                }
                None => check_expect(run, exp, file, starts, &what),
            }
        };
        if bare_cr {
            let (f, starts) = files(&Eol::Cr, &Eol::Lf);
            let run = run_checked(&f, false)?;
            let exp = if sheet.rows.len() >= 2 {
                Expect::Fail(Fail {
                    sole: true,
                    nothing_after: true,
                    only_here: true,
                    ..fail(0, &["bare-cr"])
                })
            } else {
                Expect::Any
            };
            check(&run, &exp, &starts)?;
        } else {
            let (lf, starts) = files(&Eol::Lf, &Eol::Lf);
            let (crlf, crlf_starts) = files(&Eol::Crlf, &Eol::Crlf);
            prop_assert_eq!(&starts, &crlf_starts);
            let a = run_checked(&lf, false)?;
            check(&a, &exp, &starts)?;
            let b = run_checked(&crlf, false)?;
            check(&b, &exp, &starts)?;
            let key = |r: &Run| r.errors.iter().map(|e| (e.code.clone(), e.file.clone(), e.line, e.column)).collect::<Vec<_>>();
            prop_assert_eq!(a.status, b.status, "{}: LF and CRLF exit differently\n{}\n{}", what, a.stderr, b.stderr);
            prop_assert_eq!(key(&a), key(&b), "{}: LF and CRLF give different errors\n{}\n{}", what, a.stderr, b.stderr);
            // A line break inside a quoted cell is part of its value (LF in one file,
            // CRLF in the other): a rep's name then differs in payouts.csv.
            if !matches!(brk, Some(Break::QuotedNewline { .. })) {
                prop_assert!(a.payouts == b.payouts, "{}: LF and CRLF pay differently", what);
            }
        }
    }

    /// Several damages to both data files, the byte mutations of the older
    /// properties, and any line endings (LF, CRLF, bare CR, a mix), strict and
    /// lenient: never a panic, exit 0 or 1, every error with a code, a file
    /// and a line in it.
    #[test]
    fn damaged_data_never_panics_and_every_error_has_a_code_and_a_line(
        breaks in prop::collection::vec((any::<bool>(), a_break()), 1..5),
        byte_muts in prop::collection::vec((any::<bool>(), mutation()), 0..3),
        eols in [0u8..5, 0u8..5],
        mixed in prop::collection::vec(any::<u8>(), 1..8),
        final_eol in [any::<bool>(), any::<bool>()],
        lenient in any::<bool>(),
    ) {
        let mut sheets = [(DEALS_FILE.seed)(), (REPS_FILE.seed)()];
        for (i, s) in sheets.iter_mut().enumerate() {
            s.final_eol = final_eol[i];
        }
        for (reps, b) in &breaks {
            let (file, s) = if *reps { (&REPS_FILE, &mut sheets[1]) } else { (&DEALS_FILE, &mut sheets[0]) };
            apply_break(s, file, b);
        }
        let eol = |k: u8| match k {
            0 | 1 => Eol::Lf,
            2 => Eol::Crlf,
            3 => Eol::Cr,
            _ => Eol::Mixed(mixed.clone()),
        };
        let mut bytes: Vec<Vec<u8>> = sheets.iter().zip(eols).map(|(s, k)| s.render(&eol(k)).0).collect();
        for (reps, m) in &byte_muts {
            let b = &mut bytes[usize::from(*reps)];
            *b = mutate(&String::from_utf8_lossy(b), std::slice::from_ref(m));
        }
        let [deals, reps] = bytes.try_into().unwrap();
        let files: Files = vec![
            ("plan.toml", SEED_PLAN.as_bytes().to_vec()),
            ("data/deals.csv", deals),
            ("data/reps.csv", reps),
        ];
        run_checked(&files, lenient)?;
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// The CRLF version of a valid generated case (with or without a final
    /// line break, with or without a CRLF plan) pays byte for byte as the LF
    /// version: payouts.csv and statements.csv are identical.
    #[test]
    fn crlf_data_pays_exactly_as_lf(c in case(ANY), final_eol in any::<bool>(), crlf_plan in any::<bool>()) {
        let crlf = |s: &str| {
            let s = if final_eol { s } else { s.strip_suffix('\n').unwrap_or(s) };
            s.replace('\n', "\r\n").into_bytes()
        };
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        c.write(d1.path(), false);
        c.write(d2.path(), false);
        std::fs::write(d2.path().join("data/reps.csv"), crlf(&c.reps_csv())).unwrap();
        std::fs::write(d2.path().join("data/deals.csv"), crlf(&c.deals_csv())).unwrap();
        if crlf_plan {
            std::fs::write(d2.path().join("plan.toml"), c.plan(false).replace('\n', "\r\n")).unwrap();
        }
        let (a, b) = (run_outputs(d1.path()), run_outputs(d2.path()));
        prop_assert_eq!(&a.0, &b.0, "LF and CRLF exit differently:\n{}\n{}", a.1, b.1);
        if a.0 == Some(0) {
            for ((name, x), (_, y)) in a.2.iter().zip(&b.2) {
                prop_assert!(x == y, "{} differs between LF and CRLF", name);
            }
        } else {
            // A valid case can still fail the run (every deal outside the plan year): the same errors.
            let errors = |s: &str| s.lines().filter(|l| l.starts_with("error")).map(str::to_string).collect::<Vec<_>>();
            prop_assert_eq!(errors(&a.1), errors(&b.1));
        }
    }
}

/// A run's exit status, stderr and output files.
type Outputs = (Option<i32>, String, Vec<(String, Vec<u8>)>);

/// Runs `fuerza evaluate` in `dir`: the exit status, stderr, and payouts.csv
/// and statements.csv when it succeeds.
fn run_outputs(dir: &Path) -> Outputs {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fuerza"))
        .args(["evaluate", "plan.toml", "--data", "data", "--out", "out"])
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let files = if out.status.success() {
        ["payouts.csv", "statements.csv"]
            .iter()
            .map(|f| (f.to_string(), std::fs::read(dir.join("out").join(f)).unwrap()))
            .collect()
    } else {
        Vec::new()
    };
    (out.status.code(), stderr, files)
}

/// The golden cases with CRLF data files pay exactly as with LF ones.
#[test]
fn golden_cases_pay_the_same_with_crlf_data() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("plan.toml").is_file() && p.join("expected/payouts.csv").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "golden cases not found in {}", root.display());
    for case in cases {
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        for d in [d1.path(), d2.path()] {
            std::fs::create_dir_all(d.join("data")).unwrap();
            std::fs::copy(case.join("plan.toml"), d.join("plan.toml")).unwrap();
        }
        for e in std::fs::read_dir(case.join("data")).unwrap() {
            let p = e.unwrap().path();
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap();
            std::fs::write(d1.path().join("data").join(name), &text).unwrap();
            std::fs::write(
                d2.path().join("data").join(name),
                text.replace("\r\n", "\n").replace('\n', "\r\n"),
            )
            .unwrap();
        }
        let (a, b) = (run_binary(d1.path()), run_binary(d2.path()));
        for ((name, x), (_, y)) in a.iter().zip(&b).take(2) {
            assert!(x == y, "{}: {name} differs between LF and CRLF data", case.display());
        }
    }
}

/// The largest valid numbers together: amounts just below 10^15 on every row,
/// a weight and a product multiplier of 100: the run pays without a panic.
#[test]
fn the_largest_valid_numbers_together_evaluate() {
    let plan = weighted_plan("100").0.replacen(
        "products = { Platform = 1.2 }",
        "products = { Platform = 100, Analytics = 100 }",
        1,
    );
    let mut deals = seed_deals();
    let amount = deals.rows[0].iter().position(|h| h == "amount").unwrap();
    for r in deals.rows.iter_mut().skip(1) {
        r[amount] = "999999999999999.99".to_string();
    }
    let files: Files = vec![
        ("plan.toml", plan.into_bytes()),
        ("data/deals.csv", deals.render(&Eol::Lf).0),
        ("data/reps.csv", seed_reps().render(&Eol::Lf).0),
    ];
    let run = run_checked(&files, false).unwrap();
    assert_eq!(run.status, Some(0), "{}", run.stderr);
}

// Bugs the properties above found, kept as focused tests. They fail on the
// current src/ and are ignored so that the suite stays green; run them with
// `cargo test --test properties -- --ignored`, and drop the `ignore` once fixed.

/// Regression: when every deal row closes outside the plan year, `evaluate` fails
/// with `error: data/deals.csv: no deal closes inside the plan year ...`: no
/// code and no line (src/cli/quirks.rs `outside_plan_year`).
#[test]
fn every_deal_outside_the_plan_year_is_an_error_with_a_code_and_a_line() {
    let deals = "deal_id,rep_id,close_date,amount\nD5,A2,2025-12-31,10.00\n";
    let files: Files = vec![
        ("plan.toml", SEED_PLAN.as_bytes().to_vec()),
        ("data/deals.csv", deals.as_bytes().to_vec()),
        ("data/reps.csv", SEED_REPS.as_bytes().to_vec()),
    ];
    let run = run_checked(&files, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run.status, Some(1), "{}", run.stderr);
}

/// Regression: a data file of only blank lines is `empty-file` with LF breaks
/// (`"\n"`) but four `missing-column` errors (a header of one empty name)
/// with CRLF ones (`"\r\n"`): the two line endings diagnose differently.
#[test]
fn a_crlf_file_of_blank_lines_is_an_empty_file() {
    for deals in ["\n", "\r\n", "\r\n\r\n"] {
        let files: Files = vec![
            ("plan.toml", SEED_PLAN.as_bytes().to_vec()),
            ("data/deals.csv", deals.as_bytes().to_vec()),
            ("data/reps.csv", SEED_REPS.as_bytes().to_vec()),
        ];
        let run = run_checked(&files, false).unwrap_or_else(|e| panic!("{e}"));
        let codes: Vec<&str> = run.errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["deals.empty-file"], "{deals:?}:\n{}", run.stderr);
    }
}

/// Regression: a quote that opens a cell of the last line, in a file that does not
/// end with a line break, gives `error[deals.unmatched-quote]: data/deals.csv:
/// the file has an unmatched double quote (")`, without a line (and, when the
/// cell is not the last of the row, a `ragged-row` error for the row too). The
/// csv parser drops the opening quote from the field, so `Table::note_quotes`
/// (src/data/table.rs) finds no quote in the row and `Table::finish` falls to
/// its unlocated arm. With a final line break the same row is
/// `deals.unclosed-quote` at its line.
#[test]
fn an_unclosed_quote_in_a_last_line_without_a_line_break_is_located() {
    for deals in [
        "deal_id,rep_id,close_date,amount\nD1,A1,2026-01-20,100\nD2,A1,2026-01-21,\"100",
        "deal_id,rep_id,close_date,amount\nD1,A1,2026-01-20,100\n\"D2,A1,2026-01-21,100",
    ] {
        let files: Files = vec![
            ("plan.toml", SEED_PLAN.as_bytes().to_vec()),
            ("data/deals.csv", deals.as_bytes().to_vec()),
            ("data/reps.csv", SEED_REPS.as_bytes().to_vec()),
        ];
        let run = run_checked(&files, false).unwrap_or_else(|e| panic!("{e}"));
        let errors: Vec<(&str, usize)> = run.errors.iter().map(|e| (e.code.as_str(), e.line)).collect();
        assert_eq!(errors, [("deals.unclosed-quote", 3)], "{deals:?}:\n{}", run.stderr);
    }
}

/// Regression: a double quote in the header line gives `error[deals.unmatched-quote]:
/// data/deals.csv: the file has an unmatched double quote (")`, without a
/// line: `Table::open` (src/data/table.rs) reads the header without
/// `note_quotes`, so `Table::finish` knows no row with a quote. A quote that
/// opens the header's last name swallows every row and is reported the same
/// way.
#[test]
fn a_quote_in_the_header_is_located() {
    for deals in [
        "deal_id,rep_id,close_date,amount,no\"te\nD1,A1,2026-01-20,100,x\n",
        "deal_id,rep_id,close_date,amount,\"note\nD1,A1,2026-01-20,100,x\n",
    ] {
        let files: Files = vec![
            ("plan.toml", SEED_PLAN.as_bytes().to_vec()),
            ("data/deals.csv", deals.as_bytes().to_vec()),
            ("data/reps.csv", SEED_REPS.as_bytes().to_vec()),
        ];
        let run = run_checked(&files, false).unwrap_or_else(|e| panic!("{e}"));
        let errors: Vec<(&str, usize)> = run.errors.iter().map(|e| (e.code.as_str(), e.line)).collect();
        assert!(
            errors.len() == 1 && errors[0].1 == 1 && QUOTE_CODES.iter().any(|c| errors[0].0 == format!("deals.{c}")),
            "{deals:?}: expected one quote error at line 1:\n{}",
            run.stderr
        );
    }
}

/// Every huge value of `huge_values` in every column it is meant for (one
/// row each, in turn), LF and CRLF: read where valid, else the expected code at
/// the row's line. (The property above draws these only now and then.)
#[test]
fn every_huge_value_is_read_or_diagnosed_at_its_line() {
    let mut k = 0;
    for (file, other) in [(&DEALS_FILE, &REPS_FILE), (&REPS_FILE, &DEALS_FILE)] {
        for (name, kind) in file.huge {
            for (v, code) in huge_values(*kind) {
                let mut sheet = (file.seed)();
                let c = sheet.rows[0].iter().position(|h| h == name).unwrap();
                let r = 1 + k % (sheet.rows.len() - 1);
                let eol = if k % 2 == 0 { Eol::Lf } else { Eol::Crlf };
                k += 1;
                sheet.rows[r][c] = v.clone();
                let exp = huge_expect(*kind, code, r);
                let (bytes, starts) = sheet.render(&eol);
                let files: Files = vec![
                    ("plan.toml", SEED_PLAN.as_bytes().to_vec()),
                    (file.path, bytes),
                    (other.path, (other.seed)().render(&eol).0),
                ];
                let what = format!("{v:?} in {} column {name} row {r} ({eol:?})", file.path);
                let run = run_checked(&files, false).unwrap_or_else(|e| panic!("{what}: {e}"));
                check_expect(&run, &exp, file, &starts, &what).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
}

/// Regression: a plan that is not valid UTF-8 is `error: plan.toml:2:9: the plan is
/// not valid UTF-8`, located but without a code (src/cli/inputs.rs
/// `load_plan`).
#[test]
fn a_plan_that_is_not_utf8_is_an_error_with_a_code() {
    let files: Files = vec![
        ("plan.toml", b"[plan]\nname = \"\xff\"\n".to_vec()),
        ("data/deals.csv", SEED_DEALS.as_bytes().to_vec()),
        ("data/reps.csv", SEED_REPS.as_bytes().to_vec()),
    ];
    let run = run_checked(&files, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run.status, Some(1), "{}", run.stderr);
}
