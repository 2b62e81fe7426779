#![allow(clippy::unwrap_used)] // a test harness: failing to read its own fixtures should panic
//! Runs you can trust: the mistakes that used to pass quietly are said out loud.
//!
//! 1. deals.csv with deal rows and none inside the plan year (a wrong
//!    `year_start`) is an error of `evaluate` and `check`, naming the dates;
//! 2. `evaluate --format json` carries the run's warnings, the same list stderr shows;
//! 3. quotas.csv replacing the scheme quotas is a note saying how many;
//! 4. `capacity` with a goal no hire can reach is a warning with the shortfall;
//! 5. `check` warns when a scheme's pay at exactly 100% attainment is more than
//!    1% off its `target_incentive` (also on `plans/maven.toml` and its real data).
//!
//! Each case is a tiny plan in a temporary folder whose numbers are worked out
//! by hand in the comments.

mod common;

use common::cli::{run_in, Case, CHECK, EVALUATE};
use std::path::Path;

/// One AE scheme paying 5% of every amount: quota 400,000 (100,000 a
/// quarter), so 100% attainment in every quarter pays 4 × 5,000 = 20,000,
/// exactly the target incentive.
const PLAN: &str = r#"[plan]
name = "Sanity"
currency = "USD"
year_start = 2026-01-01
period = "quarter"

[goal]
annual = 1_000_000

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
tiers = [ { from = 0, rate = "5%" } ]
"#;

const REPS: &str = "rep_id,name,scheme\nA1,Ana,ae\nB2,Bo,ae\n";
const DEALS: &str = "deal_id,rep_id,product,close_date,amount\n\
D1,A1,P,2026-01-15,1000.00\n\
D2,B2,P,2026-04-15,2000.00\n";

/// A case with this plan, the two reps and these deals.
fn two_reps(plan: &str, deals: &str) -> Case {
    Case::new(plan, REPS, deals)
}

// ---------------------------------------------------------------------------
// 1. No deal inside the plan year
// ---------------------------------------------------------------------------

#[test]
fn a_plan_year_no_deal_falls_in_is_an_error_naming_the_dates() {
    // year_start 2027 for the 2026 deals: both rows, 2026-01-15 and 2026-04-15, are before the year.
    let case = two_reps(&PLAN.replace("2026-01-01", "2027-01-01"), DEALS);
    for args in [EVALUATE, CHECK] {
        let run = case.run(args).failed();
        assert!(
            run.stderr.starts_with(
                "error[deals.none-in-plan-year]: data/deals.csv:1:1: no deal closes inside the plan year 2027-01-01 to 2027-12-31: \
                 the 2 deal row(s) close from 2026-01-15 to 2026-04-15\n  \
                 help: is year_start right? plan.toml starts the plan year on 2027-01-01\n"
            ),
            "{args:?}:\n{}",
            run.stderr
        );
        assert!(run.stderr.contains("1 error(s); nothing was written"), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert!(!case.path().join("out").exists(), "{args:?} wrote outputs");
    }
    // Deals after the plan year are the same mistake.
    let case = two_reps(&PLAN.replace("2026-01-01", "2025-01-01"), DEALS);
    let run = case.run(EVALUATE).failed();
    assert!(
        run.stderr.contains(
            "no deal closes inside the plan year 2025-01-01 to 2025-12-31: the 2 deal row(s) close from 2026-01-15 to 2026-04-15"
        ),
        "{}",
        run.stderr
    );
    // One row: one date.
    let one = "deal_id,rep_id,close_date,amount\nD1,A1,2025-12-31,10\n";
    let run = two_reps(PLAN, one).run(CHECK).failed();
    assert!(
        run.stderr
            .contains("the plan year 2026-01-01 to 2026-12-31: the 1 deal row(s) close on 2025-12-31"),
        "{}",
        run.stderr
    );
}

#[test]
fn one_deal_inside_the_year_or_no_deal_at_all_is_not_that_error() {
    // 2025-12-31 is outside, 2026-12-31 (the year's last day) inside: a warning, and A1 is paid
    // 5% of 3,000 = 150.00 in Q4.
    let deals = "deal_id,rep_id,close_date,amount\nD0,A1,2025-12-31,1000\nD1,A1,2026-12-31,3000\n";
    let case = two_reps(PLAN, deals);
    let run = case.run(EVALUATE).ok();
    assert_eq!(
        run.warnings(),
        ["warning: data/deals.csv: 1 deal row(s) closed outside the plan year (1 before, 0 after): counted, not paid on"]
    );
    let payouts = case.read("out/payouts.csv");
    assert!(
        payouts.contains("\nA1,Ana,ae,Q4,100000.00,3000.00,0.0300,10000.00,150.00,"),
        "{payouts}"
    );
    // A header and no row: nothing to say about the year (everyone is paid base only).
    let case = two_reps(PLAN, "deal_id,rep_id,close_date,amount\n");
    case.run(EVALUATE).ok();
    assert!(case
        .read("out/payouts.csv")
        .contains("\nA1,Ana,ae,Q1,100000.00,0.00,0.0000,10000.00,0.00,"));
    case.run(CHECK).ok();
}

#[test]
fn commands_that_read_deals_as_history_still_run_on_last_years_deals() {
    // Forecasting or planning 2027 from 2026 deals is what simulate and quota are for.
    let case = two_reps(&PLAN.replace("2026-01-01", "2027-01-01"), DEALS);
    case.run(&[
        "simulate",
        "plan.toml",
        "--data",
        "data",
        "--trials",
        "20",
        "--out",
        "sim",
    ])
    .ok();
    let run = case
        .run(&["quota", "plan.toml", "--data", "data", "--out", "q/quotas.csv"])
        .ok();
    // The equal allocation: 1,000,000 over two reps, 125,000 a quarter each.
    assert!(run.stdout.contains("allocated by equal to 2 rep(s)"), "{}", run.stdout);
    assert!(case.read("q/quotas.csv").contains("A1,Q1,125000.00\n"));
}

// ---------------------------------------------------------------------------
// 2. evaluate --format json carries the warnings
// ---------------------------------------------------------------------------

#[test]
fn evaluate_json_lists_the_warnings_stderr_shows() {
    // One deal before the year and a product multiplier for a product no deal has.
    let plan = PLAN.replace("quota = 400_000\n", "quota = 400_000\nproducts = { Q = 1.5 }\n");
    let deals = format!("{DEALS}D0,A1,P,2025-12-20,500.00\n");
    let case = two_reps(&plan, &deals);
    let run = case
        .run(&[
            "evaluate",
            "plan.toml",
            "--data",
            "data",
            "--out",
            "out",
            "--format",
            "json",
        ])
        .ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["warnings"],
        serde_json::json!([
            {
                "message": "1 deal row(s) closed outside the plan year (1 before, 0 after): counted, not paid on",
                "file": "data/deals.csv",
                "line": null,
                "column": null,
                "help": null
            },
            {
                "message": "the plan names product \"Q\", which no deal has",
                "file": null,
                "line": null,
                "column": null,
                "help": "products in the deals: P"
            }
        ])
    );
    assert_eq!(
        run.warnings(),
        [
            "warning: data/deals.csv: 1 deal row(s) closed outside the plan year (1 before, 0 after): counted, not paid on",
            "warning: the plan names product \"Q\", which no deal has"
        ]
    );
    // Still the summary: A1's 1,000 and B2's 2,000 at 5% = 150.00 of incentive.
    let fy = json["summary"].as_array().unwrap().last().unwrap();
    assert_eq!(fy["incentive"], "150.00");
    // A clean run has an empty list.
    let run = two_reps(PLAN, DEALS)
        .run(&[
            "evaluate",
            "plan.toml",
            "--data",
            "data",
            "--out",
            "out",
            "--format",
            "json",
        ])
        .ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["warnings"], serde_json::json!([]));
}

// ---------------------------------------------------------------------------
// 3. quotas.csv replaces the scheme quotas: a note
// ---------------------------------------------------------------------------

#[test]
fn quotas_csv_is_announced_with_how_many_quotas_it_replaces() {
    let case = two_reps(PLAN, DEALS);
    let run = case.run(EVALUATE).ok();
    assert!(!run.stderr.contains("quotas.csv"), "{}", run.stderr);
    // Three (rep, period) quotas for two reps.
    case.write(
        "data/quotas.csv",
        "rep_id,period,quota\nA1,Q1,50000.00\nA1,Q2,60000.00\nB2,Q1,80000.00\n",
    );
    for args in [EVALUATE, CHECK] {
        let run = case.run(args).ok();
        assert!(
            run.stderr.contains(
                "note: data/quotas.csv: 3 quota(s) for 2 rep(s) replace the plan's scheme quotas (as given: no ramp, seasonality or proration)\n"
            ),
            "{args:?}:\n{}",
            run.stderr
        );
    }
    // And they do: A1's Q1 quota is 50,000 (credit 1,000 → 2%), Q3 keeps the scheme's 100,000.
    let payouts = case.read("out/payouts.csv");
    assert!(payouts.contains("\nA1,Ana,ae,Q1,50000.00,1000.00,0.0200,"), "{payouts}");
    assert!(payouts.contains("\nA1,Ana,ae,Q3,100000.00,0.00,"), "{payouts}");
}

// ---------------------------------------------------------------------------
// 4. capacity with a goal out of reach: a warning with the shortfall
// ---------------------------------------------------------------------------

/// Two ramped reps selling 120,000 a year (10,000 a month) against a goal of
/// 1,000,000; no attrition; new hires sell nothing in their first three months.
fn capacity_plan(lead: u32) -> String {
    PLAN.replace("quota = 400_000\n", "quota = 400_000\nramp = [0, 0, 0]\n")
        + &format!("\n[capacity]\nproductivity = 120_000\nattrition = 0\nhire_lead_months = {lead}\nheadcount = 2\n")
}

#[test]
fn capacity_warns_when_no_hire_can_make_the_goal() {
    // Hires start in M10 at the earliest: tenure months 1-3 by December, all ramped at 0,
    // so a hire adds nothing; the two reps make 240,000, short of 1,000,000 by 760,000 (76%).
    let case = two_reps(&capacity_plan(9), DEALS);
    let run = case
        .run(&["capacity", "plan.toml", "--data", "data", "--out", "cap"])
        .ok();
    assert!(
        run.stdout.contains(
            "annual capacity 240,000.00 without hires, 240,000.00 with 0 hire(s) starting in M10; goal 1,000,000.00"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.warnings(),
        ["warning: the goal 1,000,000.00 is out of reach: the most the plan can reach is 240,000.00, short by 760,000.00 (76% of the goal)"]
    );
    assert!(
        run.stderr.contains("help: no hire adds capacity within the year: hires start no earlier than M10 (hire_lead_months = 9) and scheme ae's ramp"),
        "{}",
        run.stderr
    );
    // One month earlier, a hire sells December: 10,000 each, and 760,000 / 10,000 = 76 hires make it exactly.
    let case = two_reps(&capacity_plan(8), DEALS);
    let run = case
        .run(&["capacity", "plan.toml", "--data", "data", "--out", "cap"])
        .ok();
    assert!(
        run.stdout.contains(
            "annual capacity 240,000.00 without hires, 1,000,000.00 with 76 hire(s) starting in M09; goal 1,000,000.00"
        ),
        "{}",
        run.stdout
    );
    assert!(run.warnings().is_empty(), "{}", run.stderr);
}

// ---------------------------------------------------------------------------
// 5. check: pay at 100% attainment against target_incentive
// ---------------------------------------------------------------------------

fn with_target(target: &str) -> String {
    PLAN.replace("target_incentive = 20_000", &format!("target_incentive = {target}"))
}

#[test]
fn check_warns_when_pay_at_target_is_more_than_one_percent_off() {
    // Pays 20,000 at 100%: against 20,000 (0%) and 20,200 (0.99% below) nothing to say.
    for target in ["20_000", "20_200"] {
        let run = two_reps(&with_target(target), DEALS).run(CHECK).ok();
        assert!(run.warnings().is_empty(), "{target}: {}", run.stderr);
    }
    // 20,300: 300 / 20,300 = 1.48% below. The warning points at the line (plan.toml line 14).
    let run = two_reps(&with_target("20_300"), DEALS).run(CHECK).ok();
    assert_eq!(
        run.warnings(),
        ["warning: plan.toml:14:1: scheme ae pays 20,000.00 at 100% attainment against a target_incentive of 20,300.00: 1.5% below target"]
    );
    assert!(
        run.stderr.contains("14 | target_incentive = 20_300\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: at exactly 100% attainment in every period the components pay 20,000.00 a year"),
        "{}",
        run.stderr
    );
    // 15,000: 5,000 / 15,000 = 33.3% above.
    let run = two_reps(&with_target("15_000"), DEALS).run(CHECK).ok();
    assert_eq!(
        run.warnings(),
        ["warning: plan.toml:14:1: scheme ae pays 20,000.00 at 100% attainment against a target_incentive of 15,000.00: 33.3% above target"]
    );
    // evaluate does not repeat it.
    let run = two_reps(&with_target("15_000"), DEALS).run(EVALUATE).ok();
    assert!(run.warnings().is_empty(), "{}", run.stderr);
}

#[test]
fn an_override_only_adds_so_only_pay_above_target_is_known_to_be_off() {
    // A manager: a 10,000 bonus at 100% (curve 1.0 → 1.0) plus an override on the reports,
    // which the synthetic rep (no reports) cannot show. Below the target, the override may
    // make up the gap: nothing to say. Above it, the scheme pays at least 10,000 > 8,000.
    let mgr = |target: &str| {
        format!(
            "{PLAN}\n[[schemes]]\nid = \"mgr\"\nname = \"Manager\"\nbase_salary = 90_000\ntarget_incentive = {target}\n\
             quota = 800_000\ncredit = \"team\"\n\n[[schemes.components]]\nkind = \"bonus\"\nname = \"Team bonus\"\n\
             target = 10_000\ncurve = [[0.5, 0.5], [1.0, 1.0]]\n\n[[schemes.components]]\nkind = \"override\"\n\
             name = \"Override\"\nrate = \"1%\"\n"
        )
    };
    let run = two_reps(&mgr("15_000"), DEALS).run(CHECK).ok();
    assert!(run.warnings().is_empty(), "{}", run.stderr);
    // PLAN's 21 lines, a blank one, then [[schemes]] on 23: target_incentive is line 27.
    let run = two_reps(&mgr("8_000"), DEALS).run(CHECK).ok();
    assert_eq!(
        run.warnings(),
        ["warning: plan.toml:27:1: scheme mgr pays at least 10,000.00 at 100% attainment against a target_incentive of 8,000.00: 25% above target"]
    );
    assert!(run.stderr.contains("Override would add to it"), "{}", run.stderr);
}

#[test]
fn check_finds_mavens_rep_scheme_paying_23400_against_30000() {
    // Quarterly quota 90,000: 5% on the first 45,000 (2,250) + 8% on the next 45,000 (3,600)
    // = 5,850 a quarter, 23,400 a year, 22% below the 30,000 target. The President's club
    // milestone is at 125%, so it pays nothing at 100%. The manager's bonus pays its
    // 40,000 target at 100% (plus an override): no warning.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = run_in(root, &["check", "plans/maven.toml"]).ok();
    let mine: Vec<&str> = run
        .warnings()
        .into_iter()
        .filter(|w| w.contains("100% attainment"))
        .collect();
    assert_eq!(
        mine,
        ["warning: plans/maven.toml:39:1: scheme rep pays 23,400.00 at 100% attainment against a target_incentive of 30,000.00: 22% below target"]
    );
}
