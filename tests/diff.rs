#![allow(clippy::unwrap_used)] // a test harness: a failure to read its own fixtures should panic
//! `fuerza diff`: a run compared with itself lists nothing; changing one deal
//! row's amount changes only the rows of the reps it is credited to, and says
//! which input changed; bad folders are located errors.

mod common;

use common::cli::{repo, Case};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use std::collections::BTreeSet;

/// Acme's plan without its data path, and a generated team of 40 reps.
fn acme_case() -> Case {
    let case = Case::acme_plan();
    case.generate_data(40, 800, 0);
    case
}

fn evaluate(case: &Case, data: &str, out: &str) {
    case.ok(&["evaluate", "plan.toml", "--data", data, "--out", out]);
}

#[test]
fn a_run_compared_with_itself_lists_nothing() {
    let case = acme_case();
    evaluate(&case, "data", "a");
    evaluate(&case, "data", "b");
    let run = case.ok(&["diff", "a", "b", "--out", "d"]);
    assert!(run.stdout.contains("no change"), "{}", run.stdout);
    assert_eq!(
        case.read("d/diff.csv"),
        "rep_id,period,kind,component,line,before,after,change\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&case.ok(&["diff", "a", "b", "--format", "json"]).stdout).unwrap();
    assert_eq!(json["changes"].as_array().map(Vec::len), Some(0));
    assert_eq!(json["inputs"].as_array().map(Vec::len), Some(0));
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(11),
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(6))]

    #[test]
    fn changing_one_deal_changes_only_its_reps_rows(pick in 0usize..10_000, cents in 1u64..5_000_000) {
        let case = acme_case();
        evaluate(&case, "data", "a");
        let deals = case.read("data/deals.csv");
        let lines: Vec<&str> = deals.lines().collect();
        // A row of the plan year (column 6 is close_date, 7 amount).
        let rows: Vec<usize> = (1..lines.len())
            .filter(|&i| lines[i].split(',').nth(5).is_some_and(|d| d.starts_with("2026")))
            .collect();
        let i = rows[pick % rows.len()];
        let mut cells: Vec<String> = lines[i].split(',').map(str::to_string).collect();
        let deal = cells[0].clone();
        let seller = cells[1].clone();
        let old: f64 = cells[6].parse().unwrap();
        let new = format!("{:.2}", old + cents as f64 / 100.0);
        cells[6] = new;
        let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        changed[i] = cells.join(",");
        case.write("data2/reps.csv", case.read("data/reps.csv"));
        case.write("data2/opportunities.csv", case.read("data/opportunities.csv"));
        case.write("data2/deals.csv", changed.join("\n") + "\n");
        evaluate(&case, "data2", "b");
        case.ok(&["diff", "a", "b", "--out", "d"]);
        // The reps this deal (every row of it, for a split deal: they share the id) is credited to.
        let credited: BTreeSet<String> = case
            .csv("a/credits.csv")
            .into_iter()
            .filter(|r| r["deal_id"] == deal && (r["rep_id"] == seller || r["role"] == "team"))
            .map(|r| r["rep_id"].clone())
            .collect();
        let diff = case.csv("d/diff.csv");
        let inputs: Vec<&str> = diff.iter().filter(|r| r["kind"] == "input").map(|r| r["component"].as_str()).collect();
        prop_assert_eq!(inputs, vec!["deals.csv"]);
        let reps: BTreeSet<String> = diff.iter().filter(|r| r["kind"] != "input").map(|r| r["rep_id"].clone()).collect();
        prop_assert!(reps.is_subset(&credited), "{:?} not within {:?}", reps, credited);
        // The seller's credit moved, by the row's credit change.
        prop_assert!(
            diff.iter().any(|r| r["rep_id"] == seller && r["kind"] == "credit"),
            "{:?}",
            diff
        );
    }
}

#[test]
fn folders_that_are_not_evaluate_runs_are_located_errors() {
    let case = Case::from_dir(&repo("tests/golden/61-adjustments"));
    evaluate(&case, "data", "a");
    let d = case.fails_with(&["diff", "a", "nowhere"]);
    assert!(
        d.iter()
            .any(|x| x.file.as_deref().is_some_and(|f| f.contains("nowhere")) && x.message.contains("not a folder")),
        "{d:?}"
    );
    // A folder without a manifest.
    let d = case.fails_with(&["diff", "a", "data"]);
    assert!(
        d.iter()
            .any(|x| x.file.as_deref().is_some_and(|f| f.contains("manifest.json"))),
        "{d:?}"
    );
    // A fractures run is not an evaluate run.
    case.ok(&["fractures", "plan.toml", "--data", "data", "--out", "f"]);
    let d = case.fails_with(&["diff", "a", "f"]);
    assert!(d.iter().any(|x| x.message.contains("fuerza fractures")), "{d:?}");
    // --out may not replace a folder it reads.
    let before = case.snapshot();
    case.fails_with(&["diff", "a", "a", "--out", "a"]);
    assert_eq!(case.snapshot(), before, "a failed diff wrote something");
}

#[test]
fn compare_actual_pays_each_plan_as_evaluate_does() {
    let case = acme_case();
    let plan2 = case.read("plan.toml").replace("rate = \"1.5x\"", "rate = \"1.8x\"");
    assert_ne!(plan2, case.read("plan.toml"));
    case.write("plan2.toml", &plan2);
    evaluate(&case, "data", "a");
    case.ok(&["evaluate", "plan2.toml", "--data", "data", "--out", "b"]);
    let run = case.ok(&[
        "compare",
        "plan.toml",
        "plan2.toml",
        "--actual",
        "--data",
        "data",
        "--out",
        "c",
    ]);
    assert!(run.stdout.contains("on the actual year of 40 reps"), "{}", run.stdout);
    // Each rep's pay under each plan is evaluate's total pay for the year.
    let fy = |dir: &str| -> std::collections::BTreeMap<String, rust_decimal::Decimal> {
        let mut m = std::collections::BTreeMap::new();
        for r in case.csv(&format!("{dir}/payouts.csv")) {
            *m.entry(r["rep_id"].clone()).or_default() += r["total_pay"].parse::<rust_decimal::Decimal>().unwrap();
        }
        m
    };
    let (a, b) = (fy("a"), fy("b"));
    let reps = case.csv("c/compare_reps.csv");
    assert_eq!(reps.len(), a.len());
    for r in &reps {
        let id = &r["rep_id"];
        assert_eq!(r["pay_plan"].parse::<rust_decimal::Decimal>().unwrap(), a[id], "{id}");
        assert_eq!(r["pay_plan2"].parse::<rust_decimal::Decimal>().unwrap(), b[id], "{id}");
        assert_eq!(
            r["delta_plan2"].parse::<rust_decimal::Decimal>().unwrap(),
            b[id] - a[id],
            "{id}"
        );
    }
    // The total is the sum of the reps'.
    let metrics = case.csv("c/compare.csv");
    let total = metrics.iter().find(|m| m["metric"] == "total_pay").unwrap();
    let sum: rust_decimal::Decimal = a.values().sum();
    assert_eq!(total["plan"].parse::<rust_decimal::Decimal>().unwrap(), sum);
    // A higher top tier pays at least as much to every rep.
    assert!(reps.iter().all(|r| !r["delta_plan2"].starts_with('-')), "{reps:?}");
}
