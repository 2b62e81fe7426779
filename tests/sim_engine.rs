//! The simulation's fast pay path against the pay engine: random plans, random
//! rosters, random scenarios (with credit exactly on tier bounds), and every
//! rep's incentive and total pay must agree to the cent.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use fuerza::calendar::{day_number, parse_date, Calendar};
use fuerza::credit::{quota, Tenure};
use fuerza::data::{quotas::Quotas, Rep, Roster};
use fuerza::plan::Plan;
use fuerza::sim::draw::{draw, Scenario};
use fuerza::sim::history::{HistDeal, History};
use fuerza::sim::price::{Paid, Pricer};
use fuerza::units::DealType;
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

fn pick<'a>(rng: &mut ChaCha8Rng, xs: &[&'a str]) -> &'a str {
    xs[rng.random_range(0..xs.len())]
}

fn rate(rng: &mut ChaCha8Rng) -> String {
    match rng.random_range(0..4) {
        0 => format!("\"{}%\"", rng.random_range(1..20)),
        1 => format!("\"{}.{}%\"", rng.random_range(0..15), rng.random_range(1..100)),
        2 => format!("\"{}.{}x\"", rng.random_range(0..3), rng.random_range(0..10)),
        _ => format!("0.0{}", rng.random_range(1..99)),
    }
}

fn commission(rng: &mut ChaCha8Rng, name: &str, amount_basis: bool, filters: bool) -> String {
    let k = rng.random_range(1..5);
    let retro = rng.random_bool(0.3);
    let above = if rng.random_bool(0.2) {
        Some(rng.random_range(1..9))
    } else {
        None
    };
    let start = above.unwrap_or(0);
    let mut from = start;
    let mut tiers = Vec::new();
    for i in 0..k {
        if i > 0 {
            from += rng.random_range(1..7);
        }
        let f = if amount_basis {
            format!("{}", from * 25_000 + if i > 0 { rng.random_range(0..3) } else { 0 })
        } else {
            format!(
                "{}.{:02}",
                from / 10,
                (from % 10) * 10 + if i > 0 { rng.random_range(0..10) } else { 0 }
            )
        };
        tiers.push(format!("{{ from = {f}, rate = {} }}", rate(rng)));
    }
    let above_line = match above {
        Some(a) if amount_basis => format!("above = {}\n", a * 25_000),
        Some(a) => format!("above = {}.{:02}\n", a / 10, (a % 10) * 10),
        None => String::new(),
    };
    let cap = if rng.random_bool(0.3) {
        format!("cap = {}\n", rng.random_range(5..60) * 1000)
    } else {
        String::new()
    };
    let filter = match rng.random_range(0..5) {
        0 if filters => "deal_types = [\"new\"]\n",
        1 if filters => "products = [\"Platform\"]\n",
        _ => "",
    };
    format!(
        "[[schemes.components]]\nkind = \"commission\"\nname = \"{name}\"\nbasis = \"{}\"\nmethod = \"{}\"\n{above_line}tiers = [ {} ]\n{cap}{filter}\n",
        if amount_basis { "amount" } else { "attainment" },
        if retro { "retroactive" } else { "marginal" },
        tiers.join(", ")
    )
}

/// A random plan; `kernel`: commission only, own credit, no clawback (the kernel's plans).
fn random_plan(rng: &mut ChaCha8Rng, kernel: bool) -> String {
    let period = pick(rng, &["quarter", "month", "half", "quarter"]);
    let rounding = pick(rng, &["half_up", "half_even"]);
    let mut s = format!(
        "[plan]\nname = \"Random\"\ncurrency = \"USD\"\nyear_start = 2026-01-01\nperiod = \"{period}\"\nrounding = \"{rounding}\"\n\n"
    );
    let quota = rng.random_range(3..30) * 100_000 + rng.random_range(0..1000) * 7;
    let caps = match rng.random_range(0..4) {
        0 => format!(
            "cap = {{ period = {}, year = {} }}\n",
            rng.random_range(10..40) * 1000,
            rng.random_range(40..150) * 1000
        ),
        1 => format!("cap = {{ year = {} }}\n", rng.random_range(20..150) * 1000),
        _ => String::new(),
    };
    let draw = match rng.random_range(0..3) {
        0 => format!(
            "draw = {{ amount = {}, recoverable = {}, months = {} }}\n",
            rng.random_range(1..9) * 1000,
            rng.random_bool(0.5),
            rng.random_range(2..9)
        ),
        1 => format!(
            "draw = {{ amount = {}, recoverable = true }}\n",
            rng.random_range(1..5) * 1000
        ),
        _ => String::new(),
    };
    let claw = if !kernel && rng.random_bool(0.6) {
        format!("clawback = {{ window_days = {} }}\n", rng.random_range(20..200))
    } else {
        String::new()
    };
    // The kernel keeps credit in 64 bits: its plans weigh in tenths.
    let (weights, products) = if kernel {
        ("{ renewal = 0.5 }", "{ Platform = 1.2, Services = 0.3 }")
    } else {
        (
            "{ renewal = 0.5, expansion = 0.75 }",
            "{ Platform = 1.2, Services = 0.3333 }",
        )
    };
    s += &format!(
        "[[schemes]]\nid = \"ae\"\nname = \"AE\"\nbase_salary = {}\ntarget_incentive = {}\nquota = {quota}\nweights = {weights}\nproducts = {products}\nramp = [0.0, 0.25, 0.5, 0.75]\n{caps}{draw}{claw}\n",
        rng.random_range(40..120) * 1000,
        rng.random_range(20..120) * 1000 + 1,
    );
    s += &commission(rng, "Bookings", false, true);
    if rng.random_bool(0.4) {
        s += &commission(rng, "Large deals", true, true);
    }
    if rng.random_bool(0.5) {
        s += &format!(
            "[[schemes.components]]\nkind = \"bonus\"\nname = \"Bonus\"\ntarget = {}\ncurve = [[0.{}, 0.5], [1.0, 1.0], [1.{}, 1.{}]]\n\n",
            rng.random_range(5..30) * 1000 + 3,
            rng.random_range(5..9),
            rng.random_range(2..9),
            rng.random_range(1..9)
        );
    }
    if rng.random_bool(0.4) {
        s += &format!(
            "[[schemes.components]]\nkind = \"milestone\"\nname = \"Club\"\nat = 1.{}\namount = {}\n\n",
            rng.random_range(0..5),
            rng.random_range(1..5) * 1000
        );
    }
    if kernel {
        s += &format!(
            "[[schemes]]\nid = \"mgr\"\nname = \"Manager\"\nbase_salary = 150_000\ntarget_incentive = 50_000\nquota = {}\n\n",
            quota * 4
        );
        let amount_basis = rng.random_bool(0.3);
        s += &commission(rng, "Own commission", amount_basis, true);
        return s;
    }
    if rng.random_bool(0.4) {
        s += "[[schemes.components]]\nkind = \"spiff\"\nname = \"Launch\"\nproducts = [\"Platform\"]\nfrom = 2026-02-01\nto = 2026-07-31\nper_deal = 333.33\nmin_amount = 20_000\n\n";
    }
    s += &format!(
        "[[schemes]]\nid = \"mgr\"\nname = \"Manager\"\nbase_salary = 150_000\ntarget_incentive = 50_000\nquota = {}\ncredit = \"{}\"\n\n",
        quota * 4,
        pick(rng, &["team", "direct_team", "own"])
    );
    s += &format!(
        "[[schemes.components]]\nkind = \"override\"\nname = \"Override\"\nrate = \"{}.{}%\"\nscope = \"{}\"\n\n",
        rng.random_range(0..3),
        rng.random_range(0..100),
        pick(rng, &["direct", "all"])
    );
    s += &commission(rng, "Team commission", false, true);
    s
}

fn date(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

fn roster(rng: &mut ChaCha8Rng) -> Roster {
    let mut reps = vec![Rep {
        id: "M1".into(),
        name: "Manager".into(),
        scheme: 1,
        territory: None,
        manager: None,
        hire: None,
        end: None,
        line: 2,
    }];
    let hires = [
        None,
        Some("2025-11-17"),
        Some("2026-03-02"),
        Some("2026-07-20"),
        Some("2019-01-01"),
    ];
    for i in 0..rng.random_range(3..7) {
        let hire = hires[rng.random_range(0..hires.len())].map(date);
        let end = rng.random_bool(0.15).then(|| date("2026-09-12"));
        reps.push(Rep {
            id: format!("A{i}"),
            name: format!("Rep {i}"),
            scheme: 0,
            territory: None,
            manager: Some(if i == 2 && rng.random_bool(0.5) { 1 } else { 0 }),
            hire,
            end,
            line: i + 3,
        });
    }
    Roster::from_reps(reps)
}

fn history(rng: &mut ChaCha8Rng, roster: &Roster) -> History {
    let mut h = History::new(roster.reps.len());
    let types = [DealType::New, DealType::Expansion, DealType::Renewal];
    let products = [None, Some("Platform"), Some("Services")];
    let start = day_number(date("2025-01-01"));
    for r in 1..roster.reps.len() {
        for _ in 0..rng.random_range(0..40) {
            let key = h.key(types[rng.random_range(0..3)], products[rng.random_range(0..3)]);
            let day = start + rng.random_range(0..730);
            let amount = Decimal::new(rng.random_range(100_000..9_000_000), 2);
            let split = if rng.random_bool(0.2) {
                Decimal::new(5, 1)
            } else {
                Decimal::ONE
            };
            let cancel = rng.random_bool(0.1).then(|| day + rng.random_range(1..150));
            h.deals[r].push(HistDeal {
                day,
                amount,
                split,
                key,
                cancel,
            });
            h.first = Some(h.first.map_or(day, |f| f.min(day)));
            h.last = Some(h.last.map_or(day, |l| l.max(day)));
        }
    }
    h
}

fn load(src: &str) -> Plan {
    match fuerza::plan::load(src, "random.toml") {
        Ok(l) => l.plan,
        Err(e) => panic!("{src}\n{e:?}"),
    }
}

/// Puts some reps' credit exactly on an attainment point of their scheme: a
/// tier bound, a bonus curve point or a milestone.
fn plant_bounds(
    rng: &mut ChaCha8Rng,
    plan: &Plan,
    roster: &Roster,
    cal: &Calendar,
    model: &fuerza::sim::Model,
    sc: &mut Scenario,
) {
    for (r, rep) in roster.reps.iter().enumerate() {
        if rep.scheme != 0 || !rng.random_bool(0.5) {
            continue;
        }
        let scheme = &plan.schemes[0];
        let tenure = Tenure::of(rep, cal);
        for p in 0..cal.periods() {
            let q = quota::quota(plan, scheme, &tenure, cal, &Quotas::new(), r, p);
            // Attainment points of the scheme: tier bounds, curve points, milestones.
            let mut points = Vec::new();
            for c in &scheme.components {
                match &c.kind {
                    fuerza::plan::ComponentKind::Commission { tiers, .. } => {
                        points.extend(tiers.iter().map(|t| t.from))
                    }
                    fuerza::plan::ComponentKind::Bonus { curve, .. } => points.extend(curve.iter().map(|x| x.0)),
                    fuerza::plan::ComponentKind::Milestone { at, .. } => points.push(*at),
                    _ => {}
                }
            }
            let f = points[rng.random_range(0..points.len())];
            let target = f * q * Decimal::ONE_HUNDRED;
            if target.fract().is_zero() {
                // a single key "new, no product" carries it (weight 1)
                let k = model.reps[r].mix.len();
                let o = sc.offsets[r] + p * k;
                for j in 0..k {
                    sc.bookings[o + j] = 0;
                }
                if let Some(j) = model.reps[r].mix.iter().position(|(key, _)| *key == 0) {
                    sc.bookings[o + j] = rust_decimal::prelude::ToPrimitive::to_i64(&target).unwrap();
                }
            }
        }
    }
}

/// Open opportunities, won or not in each trial: pipeline wins (new, no product).
fn pipeline(rng: &mut ChaCha8Rng, model: &mut fuerza::sim::Model, roster: &Roster) {
    let start = day_number(date("2025-10-01"));
    model.pipeline = (0..rng.random_range(0..30))
        .map(|_| fuerza::sim::model::PipeOpp {
            rep: rng.random_range(0..roster.reps.len()),
            p_win: rng.random_range(0.0..1.0),
            cents: rng.random_range(1..5_000_000),
            created: start + rng.random_range(0..400),
        })
        .collect();
    model.cycles = vec![0, 20, 75, 160];
}

fn same_cents(seed: u64, kernel: bool) -> Result<(), TestCaseError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let src = random_plan(&mut rng, kernel);
    let plan = load(&src);
    let cal = Calendar::new(plan.year_start, plan.period).unwrap();
    let roster = roster(&mut rng);
    let h = history(&mut rng, &roster);
    let mut model = fuerza::sim::fit(&plan, &roster, &cal, &h, &[]);
    pipeline(&mut rng, &mut model, &roster);
    let quotas = Quotas::new();
    let fast = Pricer::new(&plan, &roster, &cal, &quotas, &model, false);
    let slow = Pricer::new(&plan, &roster, &cal, &quotas, &model, true);
    prop_assert!(fast.is_fast(), "the fast path should cover this plan:\n{}", src);
    let won = fuerza::sim::price::won_draw(&model, std::slice::from_ref(&fast));
    let mut sc = Scenario::new(&model);
    let (mut a, mut b) = (Paid::detailed(), Paid::detailed());
    for trial in 0..6 {
        draw(&model, seed, trial, won.as_ref(), &mut sc);
        if trial % 2 == 1 {
            plant_bounds(&mut rng, &plan, &roster, &cal, &model, &mut sc);
        }
        fast.pay(&sc, &mut a);
        slow.pay(&sc, &mut b);
        prop_assert_eq!(
            &a.incentive,
            &b.incentive,
            "incentive differs, trial {}:\n{}",
            trial,
            src
        );
        prop_assert_eq!(&a.total, &b.total, "total pay differs, trial {}:\n{}", trial, src);
        prop_assert_eq!(&a.credit, &b.credit, "credit differs, trial {}:\n{}", trial, src);
    }
    Ok(())
}

/// Two runs' outcomes are the same numbers (NaN equal to NaN).
fn same_outcome(a: &fuerza::sim::Outcome, b: &fuerza::sim::Outcome) -> Result<(), TestCaseError> {
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    prop_assert_eq!(&a.incentive, &b.incentive);
    prop_assert_eq!(&a.credit, &b.credit);
    prop_assert_eq!(&a.rep_pay, &b.rep_pay);
    prop_assert_eq!(&a.rep_incentive_sum, &b.rep_incentive_sum);
    prop_assert_eq!(&a.rep_attained, &b.rep_attained);
    prop_assert_eq!(&a.at_quota, &b.at_quota);
    prop_assert_eq!(&a.above_ote, &b.above_ote);
    prop_assert_eq!(bits(&a.top10_share), bits(&b.top10_share));
    prop_assert_eq!(bits(&a.correlation), bits(&b.correlation));
    Ok(())
}

/// The rep-by-rep loop of kernel plans against the trial-by-trial loop: two
/// plans compared on the same years, with pipeline wins, over chunks of
/// trials that do not divide evenly.
fn same_run(seed: u64) -> Result<(), TestCaseError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (a, b) = (load(&random_plan(&mut rng, true)), load(&random_plan(&mut rng, true)));
    let cal = Calendar::new(b.year_start, b.period).unwrap();
    let roster = roster(&mut rng);
    let h = history(&mut rng, &roster);
    let mut model = fuerza::sim::fit(&b, &roster, &cal, &h, &[]);
    pipeline(&mut rng, &mut model, &roster);
    let quotas = Quotas::new();
    let pricers = [
        Pricer::new(&a, &roster, &cal, &quotas, &model, false),
        Pricer::new(&b, &roster, &cal, &quotas, &model, false),
    ];
    prop_assert!(pricers.iter().all(Pricer::is_fast));
    let trials = rng.random_range(1..200);
    use fuerza::sim::run::{run_in, Order};
    let by_rep = run_in(Order::ByRep, &model, &pricers, seed, trials, true, &|_| {});
    let by_trial = run_in(Order::ByTrial, &model, &pricers, seed, trials, true, &|_| {});
    for (x, y) in by_rep.iter().zip(&by_trial) {
        same_outcome(x, y)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, .. ProptestConfig::default() })]

    #[test]
    fn rep_by_rep_runs_give_the_numbers_of_trial_by_trial_runs(seed in any::<u64>()) {
        same_run(seed)?;
    }

    #[test]
    fn fast_path_pays_the_same_cents_as_the_engine(seed in any::<u64>()) {
        same_cents(seed, false)?;
    }

    #[test]
    fn commission_kernel_pays_the_same_cents_as_the_engine(seed in any::<u64>()) {
        same_cents(seed, true)?;
    }
}
