#![allow(clippy::unwrap_used)] // helpers outside #[test] fns are test code too
//! Limits instead of aborts and hangs: `--trials` and `--threads` above their
//! documented maximums, more trials than the results of a roster may keep,
//! `generate` asked for more than it writes — each a clear error, fast, with
//! nothing written; and a 30,000-deep reporting chain on team credit with an
//! override, paid by the engine and by the simulation's batches in time
//! linear in the roster, to the cent of the closed form.

use fuerza::calendar::{day_number, parse_date, Calendar};
use fuerza::credit::Ledger;
use fuerza::data::{quotas::Quotas, Rep, Roster};
use fuerza::sim::draw::{draw, Scenario};
use fuerza::sim::history::{HistDeal, History};
use fuerza::sim::price::{Paid, Pricer};
use fuerza::units::DealType;
use rust_decimal::Decimal;
use std::path::Path;
use std::time::{Duration, Instant};

mod common;

use common::cli::{listing, run_in, Case};

/// Runs a command that must fail at once (status 1) with `message` and write nothing.
fn refused(dir: &Path, args: &[&str], message: &str) -> String {
    let before = listing(dir);
    let r = run_in(dir, args);
    assert_eq!(r.code, Some(1), "{args:?}:\n{}", r.stderr);
    assert!(r.stderr.contains(message), "{args:?}: no {message:?} in\n{}", r.stderr);
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    assert!(r.took < Duration::from_secs(10), "{args:?} took {:?}", r.took);
    assert_eq!(listing(dir), before, "{args:?} added or removed a file");
    r.stderr
}

const PLAN: &str = r#"[plan]
name = "Limits"
currency = "USD"
year_start = 2026-01-01
period = "quarter"

[[schemes]]
id = "ae"
name = "AE"
base_salary = 40_000
target_incentive = 20_000
quota = 400_000

[[schemes.components]]
kind = "commission"
name = "Commission"
basis = "amount"
tiers = [ { from = 0, rate = "10%" } ]
"#;

/// A plan and `reps` reps with a deal a quarter in 2025 and 2026.
fn case(reps: usize) -> Case {
    let mut r = String::from("rep_id,name,scheme\n");
    let mut deals = String::from("deal_id,rep_id,close_date,amount\n");
    for i in 0..reps {
        r.push_str(&format!("R{i},Rep {i},ae\n"));
        for (q, day) in ["01-15", "04-15", "07-15", "10-15"].iter().enumerate() {
            for y in [2025, 2026] {
                deals.push_str(&format!("D{i}-{y}-{q},R{i},{y}-{day},{}.00\n", 10_000 + i));
            }
        }
    }
    let case = Case::new(PLAN, &r, &deals);
    case.write("other.toml", PLAN.replace("10%", "12%"));
    case
}

#[test]
fn trials_above_the_maximum_are_refused_at_once() {
    let dir = case(3);
    let d = dir.path();
    // Before: an allocation abort (status 134) for 10^12 trials.
    for cmd in [
        &["simulate", "plan.toml", "--data", "data", "--out", "sim"][..],
        &["compare", "plan.toml", "other.toml", "--data", "data", "--out", "cmp"][..],
    ] {
        let mut args = cmd.to_vec();
        args.extend(["--trials", "1000000000000"]);
        let err = refused(d, &args, "--trials 1000000000000 is above the maximum of 10000000");
        assert!(err.contains("value \"1000000000000\""), "{err}");
        let mut args = cmd.to_vec();
        args.extend(["--trials", "0"]);
        refused(d, &args, "--trials must be at least 1");
    }
    // The maximum itself passes the check (the run is not made here: it would take long).
    assert!(fuerza::sim::run::check_trials(10_000_000, 3, 4, 1).is_ok());
    assert!(fuerza::sim::run::check_trials(10_000_001, 3, 4, 1).is_err());
}

#[test]
fn more_trials_than_the_roster_s_results_may_keep_are_refused_with_the_most_allowed() {
    // 2,000 reps: every rep's pay in every trial is kept (8 bytes each), so
    // 9,000,000 trials would keep 9e6 × 16,288 bytes = 136.5 GiB; the run may keep 8 GiB.
    let dir = case(2000);
    let d = dir.path();
    let per = fuerza::sim::run::bytes_per_trial(2000, 4, 1);
    assert_eq!(per, 8 * 2000 + 2 * (24 * 5 + 24));
    let most = (8u64 << 30) / per;
    let err = refused(
        d,
        &[
            "simulate",
            "plan.toml",
            "--data",
            "data",
            "--out",
            "sim",
            "--trials",
            "9000000",
        ],
        "--trials 9000000 would keep 136.5 GiB of results for 2000 reps",
    );
    assert!(
        err.contains(&format!("with 2000 reps and 1 plan(s) run at most {most} trials")),
        "{err}"
    );
    // Two plans keep twice as much.
    let err = refused(
        d,
        &[
            "compare",
            "plan.toml",
            "other.toml",
            "--data",
            "data",
            "--out",
            "cmp",
            "--trials",
            "9000000",
        ],
        "above the 8 GiB a run may keep",
    );
    assert!(
        err.contains(&format!("run at most {} trials", (8u64 << 30) / (2 * per))),
        "{err}"
    );
}

#[test]
fn threads_above_the_maximum_are_refused_at_once() {
    let dir = case(3);
    let d = dir.path();
    // Before: 10,000 threads took one to two and a half minutes for 0.03 s of work.
    let sim = [
        "simulate",
        "plan.toml",
        "--data",
        "data",
        "--out",
        "sim",
        "--trials",
        "20",
    ];
    let mut args = sim.to_vec();
    args.extend(["--threads", "10000"]);
    let err = refused(d, &args, "--threads 10000 is above the maximum of 256");
    assert!(err.contains("value \"10000\""), "{err}");
    let mut args = sim.to_vec();
    args.extend(["--threads", "0"]);
    refused(d, &args, "--threads must be at least 1");
    let cmp = [
        "compare",
        "plan.toml",
        "other.toml",
        "--data",
        "data",
        "--out",
        "cmp",
        "--threads",
        "257",
    ];
    refused(d, &cmp, "--threads 257 is above the maximum of 256");
    // The maximum runs, and quickly.
    let mut args = sim.to_vec();
    args.extend(["--threads", "256"]);
    let r = run_in(d, &args);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.took < Duration::from_secs(20), "256 threads took {:?}", r.took);
}

#[test]
fn generate_above_its_maximums_is_refused_and_leaves_nothing_behind() {
    let dir = Case::empty();
    let d = dir.path();
    // Before: --reps 1000000000 aborted on a 136 GB allocation (status 134) and left
    // three .tmp files in the output folder it had created.
    refused(
        d,
        &["generate", "--out", "gen", "--reps", "1000000000"],
        "--reps 1000000000 is above the maximum of 200000",
    );
    assert!(!d.join("gen").exists(), "the output folder was created");
    // An existing output folder is left as it was.
    std::fs::create_dir_all(d.join("gen")).unwrap();
    std::fs::write(d.join("gen/reps.csv"), "kept").unwrap();
    refused(
        d,
        &["generate", "--out", "gen", "--deals", "1000000000000"],
        "--deals 1000000000000 is above the maximum of 100000000",
    );
    refused(
        d,
        &["generate", "--out", "gen", "--opportunities", "100000001"],
        "--opportunities 100000001 is above the maximum of 100000000",
    );
    assert_eq!(std::fs::read_to_string(d.join("gen/reps.csv")).unwrap(), "kept");
    // Within the maximums it writes, and leaves no temporary file.
    let r = run_in(
        d,
        &[
            "generate",
            "--out",
            "gen",
            "--reps",
            "12",
            "--deals",
            "50",
            "--opportunities",
            "20",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(listing(&d.join("gen")), ["deals.csv", "opportunities.csv", "reps.csv"]);
}

/// Reps R0 ← R1 ← … ← R(n-1): each manages the next, all on team credit.
fn chain(n: usize) -> Roster {
    Roster::from_reps(
        (0..n)
            .map(|i| Rep {
                id: format!("R{i}"),
                name: format!("Rep {i}"),
                scheme: 0,
                territory: None,
                manager: i.checked_sub(1),
                hire: None,
                end: None,
                line: i + 2,
            })
            .collect(),
    )
}

const TEAM_PLAN: &str = r#"[plan]
name = "Chain"
currency = "USD"
year_start = 2026-01-01
period = "quarter"

[[schemes]]
id = "mgr"
name = "Manager"
base_salary = 40_000
target_incentive = 20_000
quota = 400_000
credit = "team"

[[schemes.components]]
kind = "commission"
name = "Commission"
basis = "amount"
tiers = [ { from = 0, rate = "1%" } ]

[[schemes.components]]
kind = "override"
name = "Override"
rate = "0.5%"
scope = "all"
"#;

const N: usize = 30_000;

/// Rep i's own credit a quarter: 1,000 + i.
fn own(i: usize) -> i128 {
    1000 + i as i128
}

/// Rep i's team credit: Σ of own credit from i to the end of the chain.
fn team(i: usize) -> i128 {
    (i..N).map(own).sum()
}

/// Rep i's commission and override in cents, by hand: 1% of whole-currency team
/// credit is that many cents; 0.5% of the reports' credit is half as many, half up.
fn expected_cents(i: usize) -> (i128, i128) {
    let below = team(i) - own(i);
    (team(i), (below + 1) / 2)
}

#[test]
fn a_thirty_thousand_deep_chain_is_paid_by_the_engine_in_linear_time() {
    let plan = fuerza::plan::load(TEAM_PLAN, "plan.toml").unwrap().plan;
    let roster = chain(N);
    let cal = Calendar::new(plan.year_start, plan.period).unwrap();
    let mut ledger = Ledger::new(&plan, &roster, &cal, false);
    for i in 0..N {
        for p in 0..4 {
            ledger.add_credit(i, p, DealType::New, None, Decimal::from(own(i) as i64));
        }
    }
    let started = Instant::now();
    let ev = fuerza::comp::try_evaluate(&plan, &roster, &cal, &ledger, &Quotas::new()).unwrap();
    let took = started.elapsed();
    // Before: every rep summed its whole subtree (4.5 × 10^8 additions a period); the
    // whole `evaluate` of this chain took 4 min 22 s in a debug build.
    assert!(took < Duration::from_secs(20), "30,000 reps in a chain took {took:?}");
    for i in [0, 1, 2, N / 2, N - 2, N - 1] {
        let (commission, overrides) = expected_cents(i);
        for pay in &ev.reps[i].periods {
            assert_eq!(pay.credit, Decimal::from(team(i) as i64), "R{i}");
            let line = |c: &str| {
                pay.lines
                    .iter()
                    .filter(|l| l.component == c)
                    .map(|l| l.amount)
                    .sum::<Decimal>()
            };
            assert_eq!(line("Commission"), Decimal::from_i128_with_scale(commission, 2), "R{i}");
            assert_eq!(line("Override"), Decimal::from_i128_with_scale(overrides, 2), "R{i}");
            assert_eq!(
                pay.incentive_paid,
                Decimal::from_i128_with_scale(commission + overrides, 2)
            );
        }
    }
    eprintln!("engine: {N} reps in a chain in {took:?}");
}

#[test]
fn a_thirty_thousand_deep_chain_is_simulated_in_linear_time() {
    let plan = fuerza::plan::load(TEAM_PLAN, "plan.toml").unwrap().plan;
    let roster = chain(N);
    let cal = Calendar::new(plan.year_start, plan.period).unwrap();
    // The same bookings every quarter of 2025: every trial books them again.
    let mut h = History::new(N);
    let key = h.key(DealType::New, None);
    for (i, deals) in h.deals.iter_mut().enumerate() {
        for day in ["2025-01-15", "2025-04-15", "2025-07-15", "2025-10-15"] {
            deals.push(HistDeal {
                day: day_number(parse_date(day).unwrap()),
                amount: Decimal::from(own(i) as i64),
                value: Decimal::from(own(i) as i64),
                split: Decimal::ONE,
                key,
                cancel: None,
            });
        }
    }
    h.first = Some(day_number(parse_date("2025-01-15").unwrap()));
    h.last = Some(day_number(parse_date("2025-10-15").unwrap()));
    let model = fuerza::sim::fit(&plan, &roster, &cal, &h, &[]);
    let quotas = Quotas::new();
    let started = Instant::now();
    let pricer = Pricer::new(&plan, &roster, &cal, &quotas, &model, false);
    assert!(pricer.is_fast());
    let (mut sc, mut paid) = (Scenario::new(&model), Paid::detailed());
    draw(&model, 7, 0, None, &mut sc);
    pricer.pay(&sc, &mut paid);
    let took = started.elapsed();
    // Before: the pricer kept every rep's subtree twice (7.2 GB here) and was
    // killed after five minutes.
    assert!(took < Duration::from_secs(20), "30,000 reps in a chain took {took:?}");
    assert!(paid.overflow.is_none());
    let units = 10i128.pow(pricer.scale - 2); // credit units per cent
    for i in [0, 1, N / 2, N - 1] {
        let (commission, overrides) = expected_cents(i);
        for p in 0..4 {
            assert_eq!(paid.credit[i * 4 + p], team(i) * 100 * units, "R{i}");
            assert_eq!(i128::from(paid.incentive[i * 4 + p]), commission + overrides, "R{i}");
        }
    }
    eprintln!("simulation: {N} reps in a chain priced and paid in {took:?}");
}
