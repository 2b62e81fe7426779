#![allow(clippy::unwrap_used)] // a test harness: a failure to read its own fixtures should panic
//! credits.csv and `explain --deals`: every deal row of the plan year and the
//! reps it is credited to, whose credit sums to payouts.csv's credit for every
//! rep and period (own, direct-team and team schemes alike).

mod common;

use common::cli::{repo, Case};
use rust_decimal::prelude::*;
use std::collections::BTreeMap;

/// Sums credits.csv by (rep, period), rounded half up to cents as payouts.csv writes credit.
fn credit_sums(case: &Case) -> BTreeMap<(String, String), Decimal> {
    let mut sums: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for r in case.csv("out/credits.csv") {
        let c = Decimal::from_str(&r["credit"]).unwrap();
        // The row's credit is amount × split × weight × multiplier, as written.
        let product = ["amount", "split", "weight", "multiplier"]
            .iter()
            .map(|k| Decimal::from_str(&r[*k]).unwrap())
            .product::<Decimal>();
        assert_eq!(c, product, "{r:?}");
        *sums.entry((r["rep_id"].clone(), r["period"].clone())).or_default() += c;
    }
    sums
}

fn assert_sums_match(case: &Case) {
    let sums = credit_sums(case);
    let mut rows = 0;
    for r in case.csv("out/payouts.csv") {
        let got = sums
            .get(&(r["rep_id"].clone(), r["period"].clone()))
            .copied()
            .unwrap_or_default()
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        assert_eq!(
            got,
            Decimal::from_str(&r["credit"]).unwrap(),
            "{} {}",
            r["rep_id"],
            r["period"]
        );
        rows += 1;
    }
    assert!(rows > 0);
}

#[test]
fn credits_sum_to_payouts_credit_on_generated_teams() {
    // Acme: own, team (managers, VP) schemes; weights, multipliers, splits, cancellations.
    for seed in ["1", "7", "2026"] {
        let case = Case::acme_plan();
        case.generate_seeded(60, 900, seed);
        case.evaluate_ok(&[]);
        assert_sums_match(&case);
        // Every in-year deal row is there once as `own`, under its seller.
        let own = case
            .csv("out/credits.csv")
            .into_iter()
            .filter(|r| r["role"] == "own")
            .count();
        let deals = case.csv("data/deals.csv");
        let in_year = deals.iter().filter(|r| r["close_date"].starts_with("2026")).count();
        assert_eq!(own, in_year, "seed {seed}");
    }
}

#[test]
fn direct_team_credit_counts_only_the_direct_reports() {
    let case = Case::from_dir(&repo("tests/golden/47-team-credit"));
    case.evaluate_ok(&[]);
    assert_sums_match(&case);
}

#[test]
fn explain_deals_lists_the_rows_behind_each_period_credit() {
    let case = Case::from_dir(&repo("tests/golden/47-team-credit"));
    case.evaluate_ok(&[]);
    let credits = case.csv("out/credits.csv");
    let payouts = case.csv("out/payouts.csv");
    // The first rep credited with a team row.
    let team = credits.iter().find(|r| r["role"] == "team").unwrap();
    let (rep, period) = (team["rep_id"].clone(), team["period"].clone());
    let run = case.ok(&["explain", "plan.toml", "--rep", &rep, "--period", &period, "--deals"]);
    for r in credits.iter().filter(|r| r["rep_id"] == rep && r["period"] == period) {
        assert!(
            run.stdout.contains(&r["deal_id"]),
            "{} missing:\n{}",
            r["deal_id"],
            run.stdout
        );
    }
    let n = credits
        .iter()
        .filter(|r| r["rep_id"] == rep && r["period"] == period)
        .count();
    let credit = &payouts
        .iter()
        .find(|r| r["rep_id"] == rep && r["period"] == period)
        .unwrap()["credit"];
    let total = Decimal::from_str(credit).unwrap();
    let line = format!("{n} deal row(s), credit ");
    let shown = run.stdout.lines().find_map(|l| l.trim().strip_prefix(&line)).unwrap();
    assert_eq!(Decimal::from_str(shown).unwrap().round_dp(2), total, "{}", run.stdout);
    // Without --deals, no deal table.
    let plain = case.ok(&["explain", "plan.toml", "--rep", &rep, "--period", &period]);
    assert!(!plain.stdout.contains("deal row(s)"));
}

#[test]
fn generated_data_for_a_plan_that_measures_margin_and_units_evaluates() {
    // generate writes margin and quantity when a scheme credits them, and the
    // run's credit is that measure (credits.csv's amount is the measured value).
    let case = Case::empty();
    case.write(
        "plan.toml",
        std::fs::read(repo("tests/golden/68-measure-margin-units/plan.toml")).unwrap(),
    );
    case.generate_seeded(12, 300, "4");
    let header = case.read("data/deals.csv").lines().next().unwrap().to_string();
    assert!(header.ends_with(",margin,quantity"), "{header}");
    case.evaluate_ok(&[]);
    assert_sums_match(&case);
    // Without a measured scheme the columns are not written (the files stay as before).
    let acme = Case::acme_plan();
    acme.generate_seeded(12, 100, "2026");
    assert!(acme
        .read("data/deals.csv")
        .lines()
        .next()
        .unwrap()
        .ends_with("status,cancel_date"));
}

#[test]
fn generated_data_for_a_plan_with_column_multipliers_evaluates() {
    // generate writes the columns the plan's multipliers read, cycling through
    // values every scheme without a default lists, so the run needs no edits.
    let plan = std::fs::read_to_string(repo("tests/golden/71-column-multipliers/plan.toml")).unwrap();
    let plan = plan.split("\n[data.deals]").next().unwrap();
    let case = Case::empty();
    case.write("plan.toml", plan);
    case.generate_seeded(12, 300, "4");
    let deals = case.read("data/deals.csv");
    let header = deals.lines().next().unwrap().to_string();
    assert!(header.ends_with(",region_code,term_months"), "{header}");
    let regions: std::collections::BTreeSet<&str> =
        deals.lines().skip(1).map(|l| l.rsplit(',').nth(1).unwrap()).collect();
    assert_eq!(regions.into_iter().collect::<Vec<_>>(), ["EU", "US"]);
    case.evaluate_ok(&[]);
    assert_sums_match(&case);
}
