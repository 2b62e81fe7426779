#![allow(clippy::unwrap_used)] // helpers outside #[test] fns are test code too
//! End to end: amounts at the documented limits (a deal just below 10^15,
//! weights, multipliers and rates of 100, a thousand such deals for one rep,
//! team credit and overrides on top) never make `fuerza evaluate` or
//! `fuerza simulate` panic. Either they pay, and the cents are the ones worked
//! out by hand in each test, or the run stops with exit status 1 and an error
//! located at the rep's row of reps.csv. (One case is not yet exit 1 through
//! `evaluate`: team totals beyond the range of exact amounts; the engine's
//! `try_evaluate` returns the located error, `evaluate` prints it and pays
//! nothing. See that test.)
//!
//! Each test builds a tiny plan and data set in a temporary folder and runs
//! the binary there with relative paths.

mod common;

use common::cli::{first_error, Case, Run};

/// `fuerza simulate` of 20 trials into `sim/`, which may fail.
fn simulate(case: &Case) -> Run {
    case.run(&[
        "simulate",
        "plan.toml",
        "--data",
        "data",
        "--out",
        "sim",
        "--trials",
        "20",
    ])
}

const QUARTERS: [&str; 4] = ["Q1", "Q2", "Q3", "Q4"];

/// 10% of all credit, a 90-day clawback window, a weight of `weight` on new business.
fn ten_percent_plan(weight: &str) -> String {
    format!(
        r#"[plan]
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
weights = {{ new = {weight} }}
clawback = {{ window_days = 90 }}

[[schemes.components]]
kind = "commission"
name = "Commission"
basis = "amount"
method = "retroactive"
tiers = [ {{ from = 0, rate = "10%" }} ]
"#
    )
}

const ONE_REP: &str = "rep_id,name,scheme\nA1,Ana,ae\n";
const DEALS_HEADER: &str = "deal_id,rep_id,close_date,amount,status,cancel_date\n";

#[test]
fn a_deal_just_below_the_limit_cancelled_in_the_window_is_clawed_back_to_the_cent() {
    // 899,999,999,999,999 cancelled beside 100,000,000,000,000.01 won, same quarter.
    // Credit 999,999,999,999,999.01; 10% is 99,999,999,999,999.901 → 99,999,999,999,999.90.
    // The clawback is 899,999,999,999,999 × 99,999,999,999,999.90 ÷ 999,999,999,999,999.01
    // = 89,999,999,999,999.8991000000000000001090... → 89,999,999,999,999.90; the
    // product alone (8.99 × 10^28) is beyond the range of exact decimals.
    let deals = format!(
        "{DEALS_HEADER}D1,A1,2026-01-15,899999999999999,cancelled,2026-02-01\n\
         D2,A1,2026-02-20,100000000000000.01,,\n"
    );
    let case = Case::new(&ten_percent_plan("1"), ONE_REP, &deals);
    case.evaluate_ok(&[]);
    assert_eq!(case.payout("A1", "Q1", "credit"), "999999999999999.01");
    assert_eq!(case.payout("A1", "Q1", "earned"), "99999999999999.90");
    assert_eq!(case.payout("A1", "Q1", "clawback"), "-89999999999999.90");
    assert_eq!(case.payout("A1", "Q1", "incentive_paid"), "10000000000000.00");
    assert_eq!(case.payout("A1", "Q1", "total_pay"), "10000000010000.00");
    for q in &QUARTERS[1..] {
        assert_eq!(case.payout("A1", q, "total_pay"), "10000.00");
    }
    let claw = case
        .csv("out/statements.csv")
        .into_iter()
        .find(|l| l["component"] == "clawback")
        .unwrap();
    assert_eq!(claw["basis"], "899999999999999.00");
    assert_eq!(claw["amount"], "-89999999999999.90");
}

#[test]
fn a_weighted_deal_cancelled_in_the_window_is_clawed_back_in_full_by_evaluate_and_simulate() {
    // 9 × 10^12 at weight 100: credit 9 × 10^14, commission 9 × 10^13; credit ×
    // commission = 8.1 × 10^28 overflowed. The plan year's deal is clawed back in
    // full; the history (2025) has cancellations for simulate to resample.
    let deals = format!(
        "{DEALS_HEADER}H1,A1,2025-01-15,9000000000000,,\n\
         H5,A1,2025-02-15,9000000000000,cancelled,2025-03-01\n\
         H2,A1,2025-04-15,9000000000000,,\n\
         H3,A1,2025-07-15,9000000000000,,\n\
         H4,A1,2025-10-15,9000000000000,cancelled,2025-11-01\n\
         D1,A1,2026-01-15,9000000000000,cancelled,2026-02-01\n\
         D2,A1,2026-04-15,9000000000000,,\n"
    );
    let case = Case::new(&ten_percent_plan("100"), ONE_REP, &deals);
    case.evaluate_ok(&[]);
    assert_eq!(case.payout("A1", "Q1", "credit"), "900000000000000.00");
    assert_eq!(case.payout("A1", "Q1", "earned"), "90000000000000.00");
    assert_eq!(case.payout("A1", "Q1", "clawback"), "-90000000000000.00");
    assert_eq!(case.payout("A1", "Q1", "total_pay"), "10000.00");
    assert_eq!(case.payout("A1", "Q2", "total_pay"), "90000000010000.00");

    // Simulate: each quarter books at most 10^13 (the largest draw) at weight 100, 10%,
    // and a resampled cancellation claws a whole quarter's commission back.
    let run = simulate(&case);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let forecast = case.csv("sim/forecast.csv");
    let fy = forecast.iter().find(|r| r["period"] == "FY").unwrap();
    let money = |s: &str| -> f64 { s.parse().unwrap() };
    // No quarter books more than the largest draw, 10^13: at weight 100 and 10%, at
    // most 10^14 a quarter, 4 × 10^14 a year.
    let most = 400_000_000_000_000.0;
    for k in ["p10", "p50", "p90"] {
        let v = money(&fy[k]);
        assert!((0.0..=most).contains(&v), "{k} {v} out of 0..={most}");
        assert_eq!(fy[k].split_once('.').map(|x| x.1.len()), Some(2), "{k} {}", fy[k]);
    }
    assert!(
        money(&fy["p10"]) < most,
        "with two cancellations a year, some year claws back"
    );
}

/// Every cell of a plan at its limits: a weight of 100 on new business, a
/// product multiplier of 100, rates of 100 (10,000%), a bonus of a target just
/// below 10^15 paying 100 × target, and a manager on team credit with an
/// override and a commission on it.
const HUGE_PLAN: &str = r#"[plan]
name = "Huge"
currency = "USD"
year_start = 2026-01-01
period = "quarter"

[[schemes]]
id = "ae"
name = "AE"
base_salary = 40_000
target_incentive = 20_000
quota = 400_000
weights = { new = 100 }
products = { P = 100 }

[[schemes.components]]
kind = "commission"
name = "Commission"
basis = "amount"
method = "retroactive"
tiers = [ { from = 0, rate = 100 } ]

[[schemes.components]]
kind = "bonus"
name = "Bonus"
target = 999_999_999_999_999
curve = [[0, 0], [1000, 100]]

[[schemes]]
id = "mgr"
name = "Manager"
base_salary = 40_000
target_incentive = 20_000
quota = 400_000
credit = "team"

[[schemes.components]]
kind = "override"
name = "Override"
rate = 100
scope = "all"

[[schemes.components]]
kind = "commission"
name = "Team"
basis = "amount"
method = "retroactive"
tiers = [ { from = 0, rate = 100 } ]
"#;

const TEAM: &str = "rep_id,name,scheme,manager_id\nM1,Mia,mgr,\nA1,Ana,ae,M1\n";

/// `n` deals of 900,000,000,000,000 for A1 on the same day, product P, new business.
fn huge_deals(n: usize, day: &str) -> String {
    let mut s = String::from("deal_id,rep_id,product,deal_type,close_date,amount\n");
    for i in 0..n {
        s.push_str(&format!("D{i:04},A1,P,new,{day},900000000000000\n"));
    }
    s
}

#[test]
fn a_thousand_deals_at_every_limit_for_one_rep_are_paid_exactly() {
    let case = Case::new(HUGE_PLAN, TEAM, &huge_deals(1000, "2026-01-15"));
    case.evaluate_ok(&[]);
    // A1, Q1: credit 1,000 × 9 × 10^14 × 100 × 100 = 9 × 10^21; commission at 100: 9 × 10^23.
    // Attainment 9 × 10^21 ÷ 100,000 = 9 × 10^16, past the curve's last point: f = 100, so
    // the bonus is 999,999,999,999,999 × 100 × 90 ÷ (90 × 4) = 24,999,999,999,999,975.
    assert_eq!(case.payout("A1", "Q1", "credit"), "9000000000000000000000.00");
    assert_eq!(case.payout("A1", "Q1", "attainment"), "90000000000000000.0000");
    assert_eq!(case.payout("A1", "Q1", "earned"), "900000024999999999999975.00");
    assert_eq!(case.payout("A1", "Q1", "total_pay"), "900000025000000000009975.00");
    // M1, Q1: team credit 9 × 10^21; the override on everyone below and the team
    // commission, both at 100: 1.8 × 10^24.
    assert_eq!(case.payout("M1", "Q1", "credit"), "9000000000000000000000.00");
    assert_eq!(case.payout("M1", "Q1", "earned"), "1800000000000000000000000.00");
    assert_eq!(case.payout("M1", "Q1", "total_pay"), "1800000000000000000010000.00");
    for q in &QUARTERS[1..] {
        assert_eq!(case.payout("A1", q, "total_pay"), "10000.00");
        assert_eq!(case.payout("M1", q, "total_pay"), "10000.00");
    }
}

#[test]
fn simulated_pay_beyond_64_bit_cents_is_a_located_error_not_a_panic() {
    // History every quarter of 2025: the largest draw (10^13 a quarter) at a weight
    // and multiplier of 100 and a rate of 100 is 10^21 a quarter, beyond the
    // 9.2 × 10^16 that 64-bit cents hold.
    let mut deals = huge_deals(0, "");
    for (i, day) in ["2025-01-15", "2025-04-15", "2025-07-15", "2025-10-15", "2026-01-15"]
        .iter()
        .enumerate()
    {
        deals.push_str(&format!("H{i},A1,P,new,{day},900000000000000\n"));
    }
    let case = Case::new(HUGE_PLAN, TEAM, &deals);
    let run = simulate(&case);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    let (head, body) = first_error(&run.stderr);
    // M1 (row 2) is paid on A1's credit: 2 × 10^19 in Q1 of the first trial.
    assert!(
        head.starts_with("data/reps.csv:2:1: trial 1: the pay of rep M1 in Q1"),
        "{head}"
    );
    assert!(head.contains("incentive paid 20000000000000000000.00"), "{head}");
    assert!(body.contains("value \"M1\""), "{body}");
    assert!(body.contains("2^63 - 1 cents"), "{body}");
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert!(!case.path().join("sim").exists(), "a failed run wrote its folder");
    // evaluate pays the same data: the limit is simulate's.
    case.evaluate_ok(&[]);
    assert_eq!(case.payout("A1", "Q1", "credit"), "9000000000000000000.00");
}

#[test]
fn huge_but_countable_simulated_pay_replays_zero_variance_history_to_the_cent() {
    // 9 × 10^12 every quarter of 2025 at weight 100: every trial books 9 × 10^14 of
    // credit a quarter. A1: 10% of it, 9 × 10^13; M1 (team credit) an override of 1%
    // on it, 9 × 10^12; the team 9.9 × 10^13 a quarter, 3.96 × 10^14 a year.
    let plan = format!(
        "{}\n[[schemes]]\nid = \"mgr\"\nname = \"Manager\"\nbase_salary = 40_000\ntarget_incentive = 20_000\n\
         quota = 400_000\ncredit = \"team\"\n\n[[schemes.components]]\nkind = \"override\"\nname = \"Override\"\n\
         rate = \"1%\"\nscope = \"all\"\n",
        ten_percent_plan("100")
    );
    let mut deals = String::from(DEALS_HEADER);
    for (i, day) in ["2025-01-15", "2025-04-15", "2025-07-15", "2025-10-15", "2026-01-15"]
        .iter()
        .enumerate()
    {
        deals.push_str(&format!("H{i},A1,{day},9000000000000,,\n"));
    }
    let case = Case::new(&plan, TEAM, &deals);
    let run = simulate(&case);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for row in case.csv("sim/forecast.csv") {
        let want = if row["period"] == "FY" {
            "396000000000000.00"
        } else {
            "99000000000000.00"
        };
        for k in ["mean", "p10", "p50", "p90"] {
            assert_eq!(row[k], want, "{} {k}", row["period"]);
        }
    }
    let reps = case.csv("sim/reps_forecast.csv");
    let pay = |id: &str| reps.iter().find(|r| r["rep_id"] == id).unwrap()["expected_pay"].clone();
    assert_eq!(pay("A1"), "360000000040000.00");
    assert_eq!(pay("M1"), "36000000040000.00");
}

#[test]
fn team_totals_beyond_the_range_are_an_error_at_the_rep_where_they_leave_it() {
    // 10,000 reps in a chain on team credit, each with one deal of 9 × 10^14 at a weight
    // and multiplier of 100 (credit 9 × 10^18), a commission and an override at 100:
    // rep Rd earns 100 × 9 × 10^18 × ((10,000 − d) + (9,999 − d)), every amount
    // representable, but their sum over the team passes 7.9 × 10^28 at R6540, whose
    // 6,227,100,000,000,000,000,000,000 is added to 79,225,560,000,000,000,000,000,000,000.
    // Before, the report's total panicked ("Addition overflowed").
    let plan = r#"[plan]
name = "Totals"
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
weights = { new = 100 }
products = { P = 100 }

[[schemes.components]]
kind = "commission"
name = "Commission"
basis = "amount"
tiers = [ { from = 0, rate = 100 } ]

[[schemes.components]]
kind = "override"
name = "Override"
rate = 100
scope = "all"
"#;
    let n = 10_000;
    let mut reps = String::from("rep_id,name,scheme,manager_id\n");
    let mut deals = String::from("deal_id,rep_id,product,deal_type,close_date,amount\n");
    for i in 0..n {
        let boss = if i == 0 { String::new() } else { format!("R{}", i - 1) };
        reps.push_str(&format!("R{i},Rep {i},mgr,{boss}\n"));
        deals.push_str(&format!("D{i},R{i},P,new,2026-01-15,900000000000000\n"));
    }
    let case = Case::new(plan, &reps, &deals);
    let expected = "data/reps.csv:6542:1: the team's earned incentive summed over every rep and period is \
                    beyond the range of exact amounts: 79225560000000000000000000000 before rep R6540's \
                    6227100000000000000000000 in Q1";
    // The engine's answer, as `comp::try_evaluate` gives it to a caller that can stop.
    let dir = case.path();
    let plan = fuerza::cli::inputs::load_plan(&dir.join("plan.toml")).unwrap();
    let inp = fuerza::cli::inputs::load(plan, &dir.join("data"), false).unwrap();
    let errors = fuerza::comp::try_evaluate(&inp.plan.plan, &inp.roster, &inp.plan.cal, &inp.ledger, &inp.quotas)
        .err()
        .unwrap();
    let e = &errors[0];
    let shown = format!(
        "{}:{}:{}: {}",
        e.file
            .as_deref()
            .unwrap_or("")
            .replace(&dir.display().to_string(), "")
            .trim_start_matches('/'),
        e.line.unwrap(),
        e.column.unwrap(),
        e.message
    );
    assert_eq!(shown, expected);
    assert_eq!(e.value.as_deref(), Some("R6540"));
    // `fuerza evaluate` stops on it: exit 1, the error printed, nothing written.
    let run = case.run(&["evaluate", "plan.toml", "--data", "data", "--out", "out"]);
    assert!(run.stderr.contains(expected), "{}", run.stderr);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(!dir.join("out").exists(), "a failed run wrote its folder");
}

#[test]
fn a_trial_whose_bonuses_leave_64_bits_before_the_period_cap_is_still_paid_by_simulate() {
    // Five bonuses of 9 × 10^14 a year on a one-point curve pay 2.25 × 10^14 each a
    // quarter, 1.125 × 10^15 together: beyond 64-bit cents in the batch, before the
    // scheme's period cap of 1,000 brings the quarter back to 1,000. Every trial pays
    // exactly 1,000 a quarter (the traced program counts what the batch cannot).
    let mut plan = String::from(
        "[plan]\nname = \"Capped\"\ncurrency = \"USD\"\nyear_start = 2026-01-01\nperiod = \"quarter\"\n\n\
         [[schemes]]\nid = \"ae\"\nname = \"AE\"\nbase_salary = 40_000\ntarget_incentive = 20_000\n\
         quota = 400_000\ncap = { period = 1_000 }\n",
    );
    for i in 0..5 {
        plan.push_str(&format!(
            "\n[[schemes.components]]\nkind = \"bonus\"\nname = \"Bonus {i}\"\n\
             target = 900_000_000_000_000\ncurve = [[0, 100]]\n"
        ));
    }
    let deals = format!(
        "{DEALS_HEADER}H1,A1,2025-01-15,100000,,\nH2,A1,2025-04-15,120000,,\n\
         H3,A1,2025-07-15,90000,,\nH4,A1,2025-10-15,110000,,\nD1,A1,2026-01-15,100000,,\n"
    );
    let case = Case::new(&plan, ONE_REP, &deals);
    let run = simulate(&case);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for row in case.csv("sim/forecast.csv") {
        let want = if row["period"] == "FY" { "4000.00" } else { "1000.00" };
        for k in ["mean", "p10", "p50", "p90"] {
            assert_eq!(row[k], want, "{} {k}", row["period"]);
        }
    }
}
