#![allow(clippy::unwrap_used)] // helpers outside #[test] fns are test code too
//! Property tests of the pay engine on random plans and deals (STYLE: Tests),
//! and fuzz-style properties of the loaders.
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
    },
    Bonus {
        target: u32,
        /// (attainment increment in hundredths, payout increment in hundredths).
        points: Vec<(u32, u32)>,
        cap: Option<u32>,
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
    clawback: Option<u32>,
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
const PERIODS: [(&str, usize); 4] = [("month", 12), ("quarter", 4), ("half", 2), ("year", 1)];
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

fn comp(k: Knobs) -> impl Strategy<Value = Comp> {
    let commission = (
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::collection::vec((10u32..80, 0u32..3000, rate_form()), 1..5),
        prop::option::weighted(0.25, 1u32..60_000),
        mask(),
        mask(),
    )
        .prop_map(
            move |(amount_basis, retroactive, above, mut steps, cap, types, products)| {
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
                }
            },
        );
    let bonus = (
        0u32..30_000,
        prop::collection::vec((1u32..60, 0u32..80), 1..4),
        prop::option::weighted(0.2, 1u32..20_000),
    )
        .prop_map(|(target, points, cap)| Comp::Bonus { target, points, cap });
    let milestone = (10u32..200, 0u32..5_000).prop_map(|(at, amount)| Comp::Milestone { at, amount });
    let spiff = (0u64..300, 0u64..120, 0u32..2_000, 0u32..200_000, mask(), mask()).prop_map(
        |(from, len, per_deal, min_amount, types, products)| Comp::Spiff {
            from,
            len,
            per_deal,
            min_amount,
            types,
            products,
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
        ),
    )
        .prop_map(
            move |(
                (base, target, quota, credit, weights, multipliers, ramp),
                (cap_period, mut cap_year, draw, clawback, comps),
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
                    clawback,
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
        0usize..4,
        any::<bool>(),
        prop::option::weighted(0.4, prop::collection::vec(1u32..10, 12)),
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
                s += &format!("draw = {{ amount = {}, recoverable = {recoverable}", money(amount));
                if let Some(m) = months {
                    s += &format!(", months = {m}");
                }
                s += " }\n";
            }
            if let Some(w) = sc.clawback {
                s += &format!("clawback = {{ window_days = {w} }}\n");
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
                    } => {
                        s += &format!(
                            "kind = \"commission\"\nbasis = \"{}\"\nmethod = \"{}\"\n",
                            if *amount_basis { "amount" } else { "attainment" },
                            if *retroactive { "retroactive" } else { "marginal" }
                        );
                        // `from` in hundredths of attainment, or in units of 1,000 of credit.
                        let unit = |x: u32| {
                            if *amount_basis {
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
                    Comp::Bonus { target, points, cap } => {
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
                    } => {
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
            prop_assert!(pay.earned >= Decimal::ZERO, "{}: earned {} < 0", at, pay.earned);
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

/// Every diagnostic names `file` and a line within the text (line count + 1 for a problem at the very end).
fn located(diags: &[Diagnostic], file_suffix: &str, text: &[u8]) -> Result<(), TestCaseError> {
    let lines = text.split(|c| *c == b'\n').count() + 1;
    for d in diags.iter().filter(|d| d.is_error()) {
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
