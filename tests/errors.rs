#![allow(clippy::unwrap_used)] // helpers outside #[test] fns are test code too
//! End-to-end tests of bad input (SPEC 2, 3, 6): every class of mistake in a
//! plan or a data file makes `fuerza` exit with status 1 (2 for command-line
//! usage errors), name the file, line (and column) and the offending value,
//! write nothing, leave the inputs byte for byte as they were, and never panic.
//!
//! Each test builds a small case in a temporary folder and runs the binary
//! there with relative paths, so messages name `plan.toml` and `data/deals.csv`.

mod common;

use common::cli::{csv_error, error_at, error_count, locate, parse_diags, payout, plan_error, read_csv, show, Case};
use std::collections::BTreeMap;

/// A valid quarterly plan: one scheme paying 10% of all credit.
const PLAN: &str = r#"[plan]
name = "Errors"
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
method = "retroactive"
tiers = [ { from = 0, rate = "10%" } ]
"#;

/// reps.csv columns: rep_id 1, name 2, scheme 3, territory 4, manager_id 5, hire_date 6, end_date 7.
const REPS_HEADER: &str = "rep_id,name,scheme,territory,manager_id,hire_date,end_date\n";
const REPS: &str = "rep_id,name,scheme,territory,manager_id,hire_date,end_date\nA1,Ana,ae,,,,\nB2,Bo,ae,,A1,,\n";

/// deals.csv columns: deal_id 1, rep_id 2, product 3, deal_type 4, close_date 5,
/// amount 6, split 7, status 8, cancel_date 9.
const DEALS_HEADER: &str = "deal_id,rep_id,product,deal_type,close_date,amount,split,status,cancel_date\n";
const DEALS: &str = "deal_id,rep_id,product,deal_type,close_date,amount,split,status,cancel_date\n\
D1,A1,P,new,2026-01-15,1000.00,,,\n\
D2,B2,P,new,2026-04-15,2000.00,,,\n";

const OPPS_HEADER: &str = "opp_id,rep_id,created_date,stage,status,amount,closed_date\n";

// ---------------------------------------------------------------------------
// Harness (tests/common/cli.rs) on this file's valid case
// ---------------------------------------------------------------------------

/// A case with the valid plan, reps.csv and deals.csv.
fn valid_case() -> Case {
    case_with_plan(PLAN)
}

/// A case with this plan and the valid reps.csv and deals.csv.
fn case_with_plan(plan: &str) -> Case {
    Case::new(plan, REPS, DEALS)
}

/// The plan with `old` replaced by `new` (exactly once).
fn plan_with(old: &str, new: &str) -> String {
    assert_eq!(PLAN.matches(old).count(), 1, "{old:?} must occur once in PLAN");
    PLAN.replace(old, new)
}

// ---------------------------------------------------------------------------
// The valid case and command-line usage
// ---------------------------------------------------------------------------

#[test]
fn the_valid_case_evaluates_and_pays_the_expected_amounts() {
    let case = valid_case();
    case.evaluate_ok(&[]);
    let rows = read_csv(&case.read("out/payouts.csv"));
    assert_eq!(rows.len(), 8, "2 reps x 4 quarters");
    assert_eq!(payout(&rows, "A1", "Q1", "credit"), "1000.00");
    assert_eq!(payout(&rows, "A1", "Q1", "incentive_paid"), "100.00");
    assert_eq!(payout(&rows, "A1", "Q1", "total_pay"), "10100.00");
    assert_eq!(payout(&rows, "B2", "Q2", "incentive_paid"), "200.00");
    assert_eq!(payout(&rows, "B2", "Q1", "incentive_paid"), "0.00");
}

#[test]
fn usage_errors_exit_with_status_2_and_write_nothing() {
    let case = valid_case();
    let before = case.snapshot();
    for args in [
        vec!["evaluate"],
        vec!["evaluate", "plan.toml", "--frobnicate"],
        vec!["evaluate", "plan.toml", "--out"],
        vec!["explain", "plan.toml", "--data", "data"],
        vec!["evaluate", "plan.toml", "--format", "xml"],
        vec!["no-such-command"],
    ] {
        let run = case.run(&args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("error:"), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    assert_eq!(case.snapshot(), before);
}

#[test]
fn missing_plan_file_or_data_folder_is_a_located_error() {
    let case = valid_case();
    let d = case.fails_with(&["evaluate", "nope.toml", "--data", "data", "--out", "out"]);
    assert!(d[0].file.as_deref() == Some("nope.toml"), "{}", show(&d));
    let d = case.fails_with(&["evaluate", "plan.toml", "--data", "nodata", "--out", "out"]);
    assert!(d[0].text().contains("nodata"), "{}", show(&d));
    std::fs::remove_file(case.path().join("data/deals.csv")).unwrap();
    let d = case.evaluate_fails();
    assert!(
        d.iter()
            .any(|x| x.file.as_deref() == Some("data/deals.csv") && x.text().contains("cannot open")),
        "{}",
        show(&d)
    );
}

#[test]
fn a_failed_run_leaves_an_existing_output_folder_untouched() {
    let case = valid_case();
    case.evaluate_ok(&[]);
    let old_payouts = case.read("out/payouts.csv");
    case.write(
        "data/deals.csv",
        format!("{DEALS}D3,A1,P,new,2026-02-01,abc,,,\n").as_bytes(),
    );
    let before = case.snapshot();
    let run = case.run(&["evaluate", "plan.toml", "--data", "data", "--out", "out"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(
        case.snapshot(),
        before,
        "the failed run changed the earlier outputs or the inputs"
    );
    assert_eq!(case.read("out/payouts.csv"), old_payouts);
    let files: Vec<String> = std::fs::read_dir(case.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        files.iter().all(|f| !f.contains(".tmp")),
        "a temporary file was left behind: {files:?}"
    );
}

// ---------------------------------------------------------------------------
// Plan errors (SPEC 3.1)
// ---------------------------------------------------------------------------

#[test]
fn toml_syntax_error_is_located() {
    let plan = plan_with("period = \"quarter\"", "period = \"quarter");
    let case = case_with_plan(&plan);
    let d = case.evaluate_fails();
    let (line, _) = locate(&plan, "period = \"quarter");
    let e = error_at(&d, "plan.toml", line, "TOML syntax");
    assert!(e.col.is_some(), "{e:?}");
    assert!(e.body.contains("period = \"quarter"), "{e:?}");
}

#[test]
fn unknown_top_level_key_suggests_the_right_one() {
    let plan = format!("{PLAN}\n[gaol]\nannual = 1_000_000\n");
    let d = case_with_plan(&plan).evaluate_fails();
    let e = plan_error(&d, &plan, "gaol", "unknown key `gaol`");
    assert!(e.body.contains("did you mean `goal`?"), "{e:?}");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn unknown_key_in_plan_table_suggests_the_right_one() {
    let plan = plan_with("period = \"quarter\"", "perod = \"quarter\"");
    let d = case_with_plan(&plan).evaluate_fails();
    let e = plan_error(&d, &plan, "perod", "unknown key `perod` in [plan]");
    assert!(e.body.contains("did you mean `period`?"), "{e:?}");
}

#[test]
fn unknown_key_in_a_scheme_suggests_the_right_one() {
    let plan = plan_with("quota = 400_000", "quotas = 400_000");
    let d = case_with_plan(&plan).check_fails();
    let e = plan_error(&d, &plan, "quotas", "unknown key `quotas`");
    assert!(e.text().contains("[[schemes]]"), "{e:?}");
    assert!(e.body.contains("did you mean `quota`?"), "{e:?}");
}

#[test]
fn unknown_key_in_a_component_suggests_the_right_one() {
    let plan = plan_with("method = \"retroactive\"", "metod = \"retroactive\"");
    let d = case_with_plan(&plan).evaluate_fails();
    let e = plan_error(&d, &plan, "metod", "unknown key `metod`");
    assert!(e.text().contains("components"), "{e:?}");
    assert!(e.body.contains("did you mean `method`?"), "{e:?}");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn wrong_types_are_each_reported() {
    let plan = plan_with("period = \"quarter\"", "period = 4")
        .replace("base_salary = 40_000", "base_salary = true")
        .replace("tiers = [ { from = 0, rate = \"10%\" } ]", "tiers = \"10%\"");
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "period = 4", "`period` must be a string, found an integer");
    plan_error(&d, &plan, "true", "`base_salary` must be a number, found a boolean");
    plan_error(&d, &plan, "\"10%\"", "`tiers` must be an array, found a string");
    assert_eq!(error_count(&d), 3, "{}", show(&d));
}

#[test]
fn tiers_whose_from_does_not_strictly_increase() {
    let tiers = r#"tiers = [ { from = 0, rate = "2%" }, { from = 0.5, rate = "8%" }, { from = 0.5, rate = "9%" }, { from = 0.4, rate = "12%" } ]"#;
    let plan = plan_with("tiers = [ { from = 0, rate = \"10%\" } ]", tiers)
        .replace("basis = \"amount\"", "basis = \"attainment\"");
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(
        &d,
        &plan,
        "{ from = 0.5, rate = \"9%\" }",
        "must strictly increase (0.5 after 0.5)",
    );
    plan_error(
        &d,
        &plan,
        "{ from = 0.4, rate = \"12%\" }",
        "must strictly increase (0.4 after 0.5)",
    );
    assert_eq!(error_count(&d), 2, "{}", show(&d));
}

#[test]
fn tiers_that_do_not_start_at_zero() {
    let plan = plan_with("{ from = 0, rate", "{ from = 100, rate");
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "{ from = 100, rate = \"10%\" }", "must start at 0, not 100");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn tiers_that_do_not_start_at_above() {
    let plan = plan_with("method = \"retroactive\"", "method = \"retroactive\"\nabove = 500");
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(
        &d,
        &plan,
        "{ from = 0, rate = \"10%\" }",
        "must start at `above` = 500, not 0",
    );
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn negative_rate_caps_and_amounts_are_each_reported() {
    let plan = plan_with(
        "quota = 400_000",
        "quota = 400_000\ncap = { period = -5 }\ndraw = { amount = -100 }",
    )
    .replace("rate = \"10%\" }", "rate = -0.02 }")
    .replace("tiers = [", "cap = \"-1\"\ntiers = [")
        + "\n[[schemes.components]]\nkind = \"milestone\"\nname = \"Club\"\nat = 1.2\namount = -2500\n"
        + "\n[[schemes.components]]\nkind = \"override\"\nname = \"Team\"\nrate = \"-1%\"\n";
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "-5", "`period` must not be negative");
    plan_error(&d, &plan, "-100", "`amount` must not be negative");
    plan_error(&d, &plan, "-0.02", "`rate` must not be negative");
    plan_error(&d, &plan, "\"-1\"", "`cap` must not be negative");
    plan_error(&d, &plan, "-2500", "`amount` must not be negative");
    plan_error(&d, &plan, "\"-1%\"", "`rate` must not be negative");
    assert_eq!(error_count(&d), 6, "{}", show(&d));
}

#[test]
fn curve_attainment_not_increasing_and_payout_decreasing() {
    let plan = format!(
        "{PLAN}\n[[schemes.components]]\nkind = \"bonus\"\nname = \"B1\"\ntarget = 10_000\ncurve = [[0.8, 0.5], [0.8, 1.0], [1.5, 2.0]]\n\
         \n[[schemes.components]]\nkind = \"bonus\"\nname = \"B2\"\ntarget = 10_000\ncurve = [[0.8, 0.5], [1.0, 1.0], [1.5, 0.9]]\n"
    );
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(
        &d,
        &plan,
        "[0.8, 1.0]",
        "curve attainment must strictly increase (0.8 after 0.8)",
    );
    plan_error(
        &d,
        &plan,
        "[1.5, 0.9]",
        "curve payout must not decrease (0.9 after 1.0)",
    );
    assert_eq!(error_count(&d), 2, "{}", show(&d));
}

#[test]
fn seasonality_of_the_wrong_length() {
    let plan = plan_with("[[schemes]]", "[goal]\nseasonality = [0.3, 0.3, 0.4]\n\n[[schemes]]");
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "[0.3, 0.3, 0.4]", "has 3 shares but the plan has 4 periods");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn seasonality_not_summing_to_one() {
    // 1.0002 is outside the ±0.0001 tolerance; 1.0001 (next test) is inside.
    let plan = plan_with(
        "[[schemes]]",
        "[goal]\nseasonality = [0.25, 0.25, 0.25, 0.2502]\n\n[[schemes]]",
    );
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "[0.25, 0.25, 0.25, 0.2502]", "sum to 1.0002, not 1");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
    let ok = plan_with(
        "[[schemes]]",
        "[goal]\nseasonality = [0.25, 0.25, 0.25, 0.2501]\n\n[[schemes]]",
    );
    case_with_plan(&ok).evaluate_ok(&[]);
}

#[test]
fn territory_naming_an_unknown_region() {
    let plan = plan_with(
        "[[schemes]]",
        "[[regions]]\nid = \"east\"\n\n[[territories]]\nid = \"NE\"\nregion = \"west\"\n\n[[schemes]]",
    );
    let d = case_with_plan(&plan).evaluate_fails();
    let e = plan_error(&d, &plan, "\"west\"", "territory \"NE\" names unknown region \"west\"");
    assert!(e.body.contains("east"), "the hint lists the known regions: {e:?}");
}

#[test]
fn unknown_stages_in_won_at_and_benchmarks() {
    let plan = plan_with(
        "[[schemes]]",
        "[process]\nwon_at = \"closing\"\nbenchmarks = { qualfy = 0.4 }\n\n[[schemes]]",
    );
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "\"closing\"", "`won_at` names unknown stage \"closing\"");
    plan_error(&d, &plan, "qualfy", "benchmark for unknown stage \"qualfy\"");
    assert_eq!(error_count(&d), 2, "{}", show(&d));
}

#[test]
fn duplicate_scheme_and_territory_ids() {
    let second = "\n[[schemes]]\nid = \"ae\"\nname = \"Again\"\nquota = 1\n\n[[schemes.components]]\nkind = \"milestone\"\nname = \"M\"\nat = 1\namount = 1\n";
    let plan = plan_with(
        "[[schemes]]",
        "[[territories]]\nid = \"NE\"\n\n[[territories]]\nid = \"NW\"\n\n[[territories]]\nid = \"NE\" # again\n\n[[schemes]]",
    ) + second;
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "\"NE\" # again", "duplicate territory id \"NE\"");
    plan_error(&d, &plan, "id = \"ae\"\nname = \"Again\"", "duplicate scheme id \"ae\"");
    assert_eq!(error_count(&d), 2, "{}", show(&d));
}

#[test]
fn bcr_multiple_in_a_scheme_without_quota_or_target() {
    // No quota at all; a quota of 0; no target_incentive (override rate).
    let no_quota = plan_with("quota = 400_000\n", "").replace("rate = \"10%\"", "rate = \"1.5x\"");
    let d = case_with_plan(&no_quota).evaluate_fails();
    plan_error(&d, &no_quota, "\"1.5x\"", "multiple of the base commission rate");
    assert_eq!(error_count(&d), 1, "{}", show(&d));

    let zero_quota = plan_with("quota = 400_000", "quota = 0").replace("rate = \"10%\"", "rate = \"1.5x\"");
    let d = case_with_plan(&zero_quota).evaluate_fails();
    plan_error(&d, &zero_quota, "\"1.5x\"", "multiple of the base commission rate");

    let no_target = plan_with("target_incentive = 20_000\n", "")
        + "\n[[schemes.components]]\nkind = \"override\"\nname = \"Team\"\nrate = \"2x\"\n";
    let d = case_with_plan(&no_target).evaluate_fails();
    plan_error(&d, &no_target, "\"2x\"", "multiple of the base commission rate");
}

#[test]
fn several_plan_errors_are_reported_together() {
    let plan = r#"[plan]
name = "Many mistakes"
year_start = 2026-01-01
period = "quarter"
rounding = 5

[goal]
seasonality = [0.3, 0.3, 0.3, 0.3]

[[regions]]
id = "east"

[[territories]]
id = "NE"
region = "north"

[[territories]]
id = "NE"

[process]
won_at = "signed"

[[schemes]]
id = "ae"
quota = 400_000
target_incentive = 40_000
cap = { year = -1 }

[[schemes.components]]
kind = "commission"
name = "C"
tiers = [ { from = 0, rate = "2%" }, { from = 0, rate = "8%" } ]

[[schemes.components]]
kind = "bonus"
name = "B"
target = 1_000
curve = [[0.5, 1.0], [1.0, 0.5]]

[[schemes]]
id = "se"
target_incentive = 10_000
colour = "red"

[[schemes.components]]
kind = "commission"
name = "C"
tiers = [ { from = 0, rate = "1.5x" } ]
"#;
    let d = case_with_plan(plan).evaluate_fails();
    plan_error(&d, plan, "rounding = 5", "`rounding` must be a string");
    plan_error(&d, plan, "[0.3, 0.3, 0.3, 0.3]", "sum to 1.2, not 1");
    plan_error(&d, plan, "\"north\"", "unknown region \"north\"");
    let (l, _) = locate(plan, "id = \"NE\"\n\n[process]");
    error_at(&d, "plan.toml", l, "duplicate territory id \"NE\"");
    plan_error(&d, plan, "\"signed\"", "unknown stage \"signed\"");
    plan_error(&d, plan, "{ year = -1 }", "must not be negative");
    plan_error(&d, plan, "{ from = 0, rate = \"8%\" }", "must strictly increase");
    plan_error(&d, plan, "[1.0, 0.5]", "curve payout must not decrease");
    plan_error(&d, plan, "colour", "unknown key `colour`");
    plan_error(&d, plan, "\"1.5x\"", "multiple of the base commission rate");
    assert_eq!(error_count(&d), 10, "{}", show(&d));
    // Reported in file order.
    let lines: Vec<usize> = d.iter().filter_map(|x| x.line).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "not in file order: {lines:?}");
}

#[test]
fn errors_within_one_component_are_all_reported_together() {
    // One commission component with two independent mistakes: a negative rate
    // in tier 2, and tiers that do not start at 0. SPEC 3.1: all errors are
    // reported together, not one per run.
    let tiers = r#"tiers = [ { from = 0.5, rate = "2%" }, { from = 1.0, rate = -0.08 } ]"#;
    let plan = plan_with("tiers = [ { from = 0, rate = \"10%\" } ]", tiers)
        .replace("basis = \"amount\"", "basis = \"attainment\"");
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "-0.08", "`rate` must not be negative");
    plan_error(&d, &plan, "{ from = 0.5, rate = \"2%\" }", "must start at 0, not 0.5");
    assert_eq!(error_count(&d), 2, "{}", show(&d));
}

/// Runs `evaluate` on a plan with an extreme number: the run either fails with
/// an error located on the line of `needle`, or succeeds; it never crashes.
fn extreme_plan_never_panics(plan: &str, needle: &str, deals: Option<&str>) {
    let case = case_with_plan(plan);
    if let Some(d) = deals {
        case.write("data/deals.csv", d.as_bytes());
    }
    let run = case.run(&["evaluate", "plan.toml", "--data", "data", "--out", "out"]);
    match run.code {
        Some(0) => {
            let rows = read_csv(&case.read("out/payouts.csv"));
            assert!(rows.iter().any(|r| r["rep_id"] == "A1"), "no payouts for A1");
        }
        Some(1) => {
            let d = parse_diags(&run.stderr);
            let (line, _) = locate(plan, needle);
            error_at(&d, "plan.toml", line, "");
        }
        other => panic!("exit {other:?}:\n{}", run.stderr),
    }
}

#[test]
fn a_huge_tier_bound_is_an_error_not_a_panic() {
    // A tier bound in attainment basis is multiplied by the period quota.
    let attainment = |tiers: &str| {
        plan_with("tiers = [ { from = 0, rate = \"10%\" } ]", tiers)
            .replace("basis = \"amount\"", "basis = \"attainment\"")
    };
    // 28 nines is a valid decimal, but × the quota it overflows a Decimal.
    let plan =
        attainment(r#"tiers = [ { from = 0, rate = "10%" }, { from = 9999999999999999999999999999, rate = "20%" } ]"#);
    extreme_plan_never_panics(&plan, "9999999999999999999999999999", None);
    // Each below the money limit of 10^15, yet bound × quota reaches 10^30.
    let plan = attainment(r#"tiers = [ { from = 0, rate = "10%" }, { from = 999_999_999_999_999, rate = "20%" } ]"#)
        .replace("period = \"quarter\"", "period = \"year\"")
        .replace("quota = 400_000", "quota = 999_999_999_999_999");
    extreme_plan_never_panics(&plan, "{ from = 999_999_999_999_999", None);
    // The same through `above`.
    let plan = attainment(
        r#"above = 999_999_999_999_999
tiers = [ { from = 999_999_999_999_999, rate = "20%" } ]"#,
    )
    .replace("period = \"quarter\"", "period = \"year\"")
    .replace("quota = 400_000", "quota = 999_999_999_999_999");
    extreme_plan_never_panics(&plan, "above = 999_999_999_999_999", None);
}

#[test]
fn a_tiny_quota_is_an_error_or_pays_not_a_panic() {
    // quota = 1e-28 is a valid, positive money value: BCR = target / quota overflows.
    let plan = plan_with("quota = 400_000", "quota = 1e-28");
    extreme_plan_never_panics(&plan, "quota = 1e-28", None);
    // quota = 10^-12 makes "100x" a rate of 2 × 10^18; × a large credit it overflows.
    let plan = plan_with("quota = 400_000", "quota = 0.000000000001").replace("rate = \"10%\"", "rate = \"100x\"");
    let deals = format!("{DEALS_HEADER}D1,A1,P,new,2026-01-15,999999999999999.99,,,\n");
    extreme_plan_never_panics(&plan, "rate = \"100x\"", Some(&deals));
}

#[test]
fn a_plan_that_is_not_utf8_is_a_located_error() {
    let case = valid_case();
    let mut bytes = PLAN.as_bytes().to_vec();
    let at = PLAN.find("AE").unwrap();
    bytes[at] = 0xff;
    case.write("plan.toml", &bytes);
    let d = case.evaluate_fails();
    let (line, _) = locate(PLAN, "name = \"AE\"");
    error_at(&d, "plan.toml", line, "not valid UTF-8");
}

// ---------------------------------------------------------------------------
// CSV errors (SPEC 3.2)
// ---------------------------------------------------------------------------

#[test]
fn missing_required_columns() {
    let case = valid_case();
    case.write(
        "data/deals.csv",
        b"deal_id,rep_id,product,close_date,split\nD1,A1,P,2026-01-15,\n",
    );
    case.write("data/reps.csv", b"rep_id,name,territory\nA1,Ana,\n");
    let d = case.evaluate_fails();
    let e = error_at(&d, "data/reps.csv", 1, "missing required column `scheme`");
    assert!(e.body.contains("rep_id,name,territory"), "the header is shown: {e:?}");
    error_at(&d, "data/deals.csv", 1, "missing required column `amount`");
}

#[test]
fn unknown_scheme_in_reps() {
    let case = valid_case();
    case.write("data/reps.csv", format!("{REPS}C3,Cy,se,,,,\n").as_bytes());
    let d = case.evaluate_fails();
    let e = csv_error(&d, "data/reps.csv", 4, 3, "se", "unknown scheme \"se\"");
    assert!(e.body.contains("ae"), "the hint lists the plan's schemes: {e:?}");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn unknown_territory_in_reps_when_the_plan_declares_territories() {
    let plan = plan_with("[[schemes]]", "[[territories]]\nid = \"NE\"\n\n[[schemes]]");
    let case = case_with_plan(&plan);
    case.write(
        "data/reps.csv",
        format!("{REPS_HEADER}A1,Ana,ae,NE,,,\nB2,Bo,ae,SW,A1,,\n").as_bytes(),
    );
    // Only A1's deal, so that B2's rejection does not cascade into deals.csv.
    case.write(
        "data/deals.csv",
        format!("{DEALS_HEADER}D1,A1,P,new,2026-01-15,1000.00,,,\n").as_bytes(),
    );
    let d = case.evaluate_fails();
    csv_error(&d, "data/reps.csv", 3, 4, "SW", "unknown territory \"SW\"");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
    // Without [[territories]] in the plan, any territory is accepted.
    let free = valid_case();
    free.write(
        "data/reps.csv",
        format!("{REPS_HEADER}A1,Ana,ae,NE,,,\nB2,Bo,ae,SW,A1,,\n").as_bytes(),
    );
    free.evaluate_ok(&[]);
}

#[test]
fn duplicate_rep_id() {
    let case = valid_case();
    case.write("data/reps.csv", format!("{REPS}A1,Again,ae,,,,\n").as_bytes());
    let d = case.evaluate_fails();
    csv_error(
        &d,
        "data/reps.csv",
        4,
        1,
        "A1",
        "duplicate rep_id \"A1\" (first at line 2)",
    );
    // A first row that is itself rejected still counts.
    let case = valid_case();
    case.write(
        "data/reps.csv",
        format!("{REPS}C3,Cy,nope,,,,\nC3,Cy,ae,,,,\n").as_bytes(),
    );
    let d = case.evaluate_fails();
    csv_error(&d, "data/reps.csv", 4, 3, "nope", "unknown scheme");
    csv_error(
        &d,
        "data/reps.csv",
        5,
        1,
        "C3",
        "duplicate rep_id \"C3\" (first at line 4)",
    );
    assert_eq!(error_count(&d), 2, "{}", show(&d));
}

#[test]
fn unknown_manager_id() {
    let case = valid_case();
    case.write("data/reps.csv", format!("{REPS}C3,Cy,ae,,ZZ,,\n").as_bytes());
    let d = case.evaluate_fails();
    csv_error(&d, "data/reps.csv", 4, 5, "ZZ", "manager_id \"ZZ\" is not a rep_id");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn a_cycle_in_the_reporting_tree() {
    let case = valid_case();
    // A1 <- B2 (from REPS), and now A1's manager is C3, C3's is B2: A1 -> C3 -> B2 -> A1.
    case.write(
        "data/reps.csv",
        format!("{REPS_HEADER}A1,Ana,ae,,C3,,\nB2,Bo,ae,,A1,,\nC3,Cy,ae,,B2,,\nS4,Self,ae,,S4,,\n").as_bytes(),
    );
    case.write("data/deals.csv", DEALS_HEADER.as_bytes());
    let d = case.evaluate_fails();
    let cyc = d
        .iter()
        .find(|x| x.text().contains("cycle"))
        .unwrap_or_else(|| panic!("no cycle reported:\n{}", show(&d)));
    assert_eq!(cyc.file.as_deref(), Some("data/reps.csv"));
    for id in ["A1", "B2", "C3"] {
        assert!(cyc.text().contains(id), "{cyc:?}");
    }
    let line = cyc.line.unwrap_or(0);
    assert!(
        (2..=4).contains(&line),
        "the cycle is located on one of its rows: {cyc:?}"
    );
    assert_eq!(cyc.col, Some(5), "the cycle points at the manager_id column: {cyc:?}");
    csv_error(&d, "data/reps.csv", 5, 5, "S4", "its own manager");
    assert_eq!(error_count(&d), 2, "{}", show(&d));
}

#[test]
fn bad_dates() {
    let case = valid_case();
    case.write("data/reps.csv", format!("{REPS}C3,Cy,ae,,,2026-13-01,\n").as_bytes());
    case.write(
        "data/deals.csv",
        format!("{DEALS}D3,A1,P,new,2026/01/05,10,,,\nD4,A1,P,new,2026-02-30,10,,,\nD5,A1,P,new,5 Jan 2026,10,,,\n")
            .as_bytes(),
    );
    let d = case.evaluate_fails();
    csv_error(&d, "data/reps.csv", 4, 6, "2026-13-01", "no such date");
    csv_error(&d, "data/deals.csv", 4, 5, "2026/01/05", "YYYY-MM-DD");
    csv_error(&d, "data/deals.csv", 5, 5, "2026-02-30", "no such date");
    csv_error(&d, "data/deals.csv", 6, 5, "5 Jan 2026", "YYYY-MM-DD");
    assert_eq!(error_count(&d), 4, "{}", show(&d));
}

#[test]
fn bad_amounts() {
    let hundred = "9".repeat(100);
    let case = valid_case();
    case.write(
        "data/deals.csv",
        format!(
            "{DEALS}D3,A1,P,new,2026-01-05,\"1,000\",,,\nD4,A1,P,new,2026-01-05,abc,,,\n\
             D5,A1,P,new,2026-01-05,{hundred},,,\nD6,A1,P,new,2026-01-05,-5,,,\n\
             D7,A1,P,new,2026-01-05,1000000000000000,,,\nD8,A1,P,new,2026-01-05,,,,\n"
        )
        .as_bytes(),
    );
    let d = case.evaluate_fails();
    csv_error(&d, "data/deals.csv", 4, 6, "1,000", "thousands separators");
    csv_error(&d, "data/deals.csv", 5, 6, "abc", "not a plain decimal");
    let long = error_at(&d, "data/deals.csv", 6, "");
    assert_eq!(long.col, Some(6));
    assert!(long.body.contains("value \"9999999999"), "{long:?}");
    csv_error(&d, "data/deals.csv", 7, 6, "-5", "negative");
    csv_error(&d, "data/deals.csv", 8, 6, "1000000000000000", "10^15");
    csv_error(&d, "data/deals.csv", 9, 6, "", "`amount` is required");
    assert_eq!(error_count(&d), 6, "{}", show(&d));
}

#[test]
fn split_out_of_range() {
    let case = valid_case();
    case.write(
        "data/deals.csv",
        format!(
            "{DEALS}D3,A1,P,new,2026-01-05,10,1.5,,\nD4,A1,P,new,2026-01-05,10,0,,\nD5,A1,P,new,2026-01-05,10,-0.5,,\nD6,A1,P,new,2026-01-05,10,half,,\n"
        )
        .as_bytes(),
    );
    let d = case.evaluate_fails();
    csv_error(&d, "data/deals.csv", 4, 7, "1.5", "split must be above 0 and at most 1");
    csv_error(&d, "data/deals.csv", 5, 7, "0", "split must be above 0 and at most 1");
    csv_error(
        &d,
        "data/deals.csv",
        6,
        7,
        "-0.5",
        "split must be above 0 and at most 1",
    );
    csv_error(&d, "data/deals.csv", 7, 7, "half", "");
    assert_eq!(error_count(&d), 4, "{}", show(&d));
}

#[test]
fn splits_of_a_deal_not_summing_to_one() {
    let case = valid_case();
    case.write(
        "data/deals.csv",
        format!(
            "{DEALS}D3,A1,P,new,2026-01-05,10,0.5,,\nD3,B2,P,new,2026-01-05,10,0.3,,\n\
             D4,A1,P,new,2026-01-05,10,0.3333,,\nD4,B2,P,new,2026-01-05,10,0.3333,,\nD4,B2,P,new,2026-01-05,10,0.3333,,\n"
        )
        .as_bytes(),
    );
    let d = case.evaluate_fails();
    // D3 sums to 0.8; D4 sums to 0.9999, inside the ±0.0001 tolerance.
    let e = error_at(&d, "data/deals.csv", 4, "the splits of deal \"D3\" sum to 0.8");
    assert_eq!(e.col, Some(7), "the error points at the split column: {e:?}");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn cancelled_deal_without_cancel_date() {
    let case = valid_case();
    case.write(
        "data/deals.csv",
        format!("{DEALS}D3,A1,P,new,2026-01-05,10,,cancelled,\nD4,A1,P,new,2026-03-05,10,,cancelled,2026-03-01\n")
            .as_bytes(),
    );
    let d = case.evaluate_fails();
    let e = error_at(&d, "data/deals.csv", 4, "a cancelled deal needs its cancel_date");
    assert_eq!(e.col, Some(9), "{e:?}");
    csv_error(&d, "data/deals.csv", 5, 9, "2026-03-01", "before close_date");
    assert_eq!(error_count(&d), 2, "{}", show(&d));
}

#[test]
fn deal_for_an_unknown_rep() {
    let case = valid_case();
    case.write(
        "data/deals.csv",
        format!("{DEALS}D3,NOPE,P,new,2026-01-05,10,,,\n").as_bytes(),
    );
    let d = case.evaluate_fails();
    csv_error(&d, "data/deals.csv", 4, 2, "NOPE", "rep_id \"NOPE\" is not in reps.csv");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn unknown_deal_type_and_status() {
    let case = valid_case();
    case.write(
        "data/deals.csv",
        format!("{DEALS}D3,A1,P,upsell,2026-01-05,10,,,\nD4,A1,P,new,2026-01-05,10,,lost,\n").as_bytes(),
    );
    let d = case.evaluate_fails();
    csv_error(&d, "data/deals.csv", 4, 4, "upsell", "unknown deal_type");
    csv_error(&d, "data/deals.csv", 5, 8, "lost", "unknown status");
    assert_eq!(error_count(&d), 2, "{}", show(&d));
}

#[test]
fn unknown_opportunity_stage_and_status() {
    let case = valid_case();
    case.write(
        "data/opportunities.csv",
        format!("{OPPS_HEADER}O1,A1,2026-01-01,closing,open,,\nO2,A1,2026-01-01,close,pending,,\nO3,A1,2026-01-01,qualify,open,,\n")
            .as_bytes(),
    );
    let d = case.evaluate_fails();
    let e = csv_error(
        &d,
        "data/opportunities.csv",
        2,
        4,
        "closing",
        "unknown stage \"closing\"",
    );
    assert!(e.body.contains("prospect"), "the hint lists the plan's stages: {e:?}");
    csv_error(
        &d,
        "data/opportunities.csv",
        3,
        5,
        "pending",
        "unknown status \"pending\"",
    );
    assert_eq!(error_count(&d), 2, "{}", show(&d));
}

#[test]
fn a_duplicate_opp_id_is_reported_even_when_its_first_row_is_rejected() {
    let case = valid_case();
    case.write(
        "data/opportunities.csv",
        format!("{OPPS_HEADER}O1,A1,2026-01-01,closing,open,,\nO1,A1,2026-01-01,qualify,open,,\n").as_bytes(),
    );
    let d = case.evaluate_fails();
    csv_error(&d, "data/opportunities.csv", 2, 4, "closing", "unknown stage");
    csv_error(
        &d,
        "data/opportunities.csv",
        3,
        1,
        "O1",
        "duplicate opp_id \"O1\" (first at line 2)",
    );
    assert_eq!(error_count(&d), 2, "{}", show(&d));
}

#[test]
fn invalid_utf8_in_a_cell() {
    let case = valid_case();
    case.write("data/reps.csv", b"rep_id,name,scheme\nA1,An\xff\xfea,ae\nB2,Bo,ae\n");
    let mut deals = DEALS.as_bytes().to_vec();
    deals.extend_from_slice(b"D3,A1,P\xc3,new,2026-01-05,10,,,\n");
    case.write("data/deals.csv", &deals);
    let d = case.evaluate_fails();
    let e = error_at(&d, "data/reps.csv", 2, "not valid UTF-8");
    assert_eq!(e.col, Some(2), "{e:?}");
    assert!(e.body.contains("column `name`"), "{e:?}");
    let e = error_at(&d, "data/deals.csv", 4, "not valid UTF-8");
    assert_eq!(e.col, Some(3), "{e:?}");
}

#[test]
fn a_ragged_row_with_fewer_fields() {
    let case = valid_case();
    case.write("data/deals.csv", format!("{DEALS}D3,A1,P,new,2026-01-05\n").as_bytes());
    let d = case.evaluate_fails();
    let e = error_at(&d, "data/deals.csv", 4, "the row has 5 fields but the header has 9");
    assert!(e.body.contains("help:"), "{e:?}");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn an_empty_data_file_is_a_located_error() {
    let case = valid_case();
    case.write("data/deals.csv", b"");
    let d = case.evaluate_fails();
    error_at(&d, "data/deals.csv", 1, "empty");
}

#[test]
fn bom_crlf_quoted_and_reordered_files_are_accepted() {
    let case = valid_case();
    case.write(
        "data/reps.csv",
        b"\xef\xbb\xbf scheme ,name, rep_id \r\nae,\"Alvarez, Ana\",A1\r\nae,\"O\"\"Brien, Bo\",B2\r\n",
    );
    case.write(
        "data/deals.csv",
        b"\xef\xbb\xbfamount,close_date,rep_id,deal_id\r\n\"1500.50\",2026-01-15,A1,D1\r\n\r\n 2500 ,2026-05-15,B2,D2\r\n",
    );
    case.write(
        "data/opportunities.csv",
        b"\xef\xbb\xbfopp_id,rep_id,created_date,stage,status,amount,closed_date\r\nO1,A1,2026-01-01,close,won,1500.50,2026-01-15\r\n",
    );
    let run = case.evaluate_ok(&[]);
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    let rows = read_csv(&case.read("out/payouts.csv"));
    assert_eq!(payout(&rows, "A1", "Q1", "credit"), "1500.50");
    assert_eq!(payout(&rows, "A1", "Q1", "incentive_paid"), "150.05");
    assert_eq!(payout(&rows, "B2", "Q2", "credit"), "2500.00");
    assert_eq!(payout(&rows, "B2", "Q2", "incentive_paid"), "250.00");
    assert_eq!(payout(&rows, "B2", "Q1", "name"), "O\"Brien, Bo");
}

#[test]
fn errors_in_several_files_are_reported_together() {
    let case = valid_case();
    case.write("data/reps.csv", format!("{REPS}C3,Cy,nope,,,,\n").as_bytes());
    case.write(
        "data/deals.csv",
        format!("{DEALS}D3,A1,P,new,2026-01-05,abc,,,\nD4,B2,P,new,2026-13-05,10,,,\n").as_bytes(),
    );
    case.write(
        "data/opportunities.csv",
        format!("{OPPS_HEADER}O1,A1,2026-01-01,closing,open,,\n").as_bytes(),
    );
    case.write("data/quotas.csv", b"rep_id,period,quota\nA1,Q5,1000\n");
    let d = case.evaluate_fails();
    csv_error(&d, "data/reps.csv", 4, 3, "nope", "unknown scheme");
    csv_error(&d, "data/deals.csv", 4, 6, "abc", "not a plain decimal");
    csv_error(&d, "data/deals.csv", 5, 5, "2026-13-05", "no such date");
    csv_error(&d, "data/opportunities.csv", 2, 4, "closing", "unknown stage");
    csv_error(&d, "data/quotas.csv", 2, 2, "Q5", "unknown period");
    assert_eq!(error_count(&d), 5, "{}", show(&d));
    // `check` reports the same errors.
    let c = case.check_fails();
    assert_eq!(error_count(&c), 5, "{}", show(&c));
}

#[test]
fn an_id_longer_than_64_characters_or_with_control_characters() {
    let long = "R".repeat(65);
    let case = valid_case();
    case.write(
        "data/reps.csv",
        format!("{REPS}{long},Long,ae,,,,\n\"C\u{7}3\",Bell,ae,,,,\n").as_bytes(),
    );
    let d = case.evaluate_fails();
    error_at(&d, "data/reps.csv", 4, "at most 64 characters");
    let e = error_at(&d, "data/reps.csv", 5, "control characters");
    assert!(
        !e.body.contains('\u{7}'),
        "a control character reached the terminal: {e:?}"
    );
}

// ---------------------------------------------------------------------------
// Lenient mode (SPEC 3.2)
// ---------------------------------------------------------------------------

#[test]
fn lenient_mode_skips_bad_rows_lists_them_and_pays_on_the_rest() {
    let case = valid_case();
    case.write(
        "data/reps.csv",
        format!("{REPS}C3,Cy,nope,,,,\nA1,Twin,ae,,,,\n").as_bytes(),
    );
    case.write(
        "data/deals.csv",
        format!(
            "{DEALS}D3,A1,P,new,2026-01-20,\"1,000\",,,\n\
             D4,A1,P,new,2026-01-21,500.00,,,\n\
             D5,C3,P,new,2026-01-22,700.00,,,\n\
             D6,A1,P,new,2026-02-30,900.00,,,\n\
             D7,A1,P,new,2026-02-01,300.00,0.5,,\n\
             D7,B2,P,new,2026-02-01,300.00,0.3,,\n\
             D8,A1,P,new,2026-02-01\n"
        )
        .as_bytes(),
    );
    let inputs_before: BTreeMap<String, Vec<u8>> = case.snapshot();
    let run = case.evaluate_ok(&["--lenient"]);
    // The inputs are untouched.
    let after = case.snapshot();
    for (p, bytes) in &inputs_before {
        assert_eq!(after.get(p), Some(bytes), "{p} changed");
    }
    let rejects = read_csv(&case.read("out/rejects.csv"));
    let got: Vec<(String, String, String)> = rejects
        .iter()
        .map(|r| (r["file"].clone(), r["line"].clone(), r["column"].clone()))
        .collect();
    let want = [
        ("data/reps.csv", "4", "scheme"),
        ("data/reps.csv", "5", "rep_id"),
        ("data/deals.csv", "4", "amount"),
        ("data/deals.csv", "6", "rep_id"),
        ("data/deals.csv", "7", "close_date"),
        ("data/deals.csv", "8", "split"),
        ("data/deals.csv", "9", "split"),
        ("data/deals.csv", "10", ""),
    ];
    let mut got_sorted = got.clone();
    got_sorted.sort();
    let mut want: Vec<(String, String, String)> = want
        .iter()
        .map(|(f, l, c)| (f.to_string(), l.to_string(), c.to_string()))
        .collect();
    want.sort();
    assert_eq!(got_sorted, want, "rejects.csv:\n{}", case.read("out/rejects.csv"));
    for r in &rejects {
        assert!(!r["reason"].is_empty(), "a reject without a reason: {r:?}");
    }
    let reason = |line: &str| {
        rejects
            .iter()
            .find(|r| r["line"] == line && r["file"] == "data/deals.csv")
            .unwrap()["reason"]
            .clone()
    };
    assert!(reason("4").contains("thousands separators"));
    assert!(reason("8").contains("do not sum to 1"));
    assert!(
        run.stderr.contains("8 bad row(s) skipped"),
        "stderr must say how many rows were skipped:\n{}",
        run.stderr
    );
    let manifest: serde_json::Value = serde_json::from_str(&case.read("out/manifest.json")).unwrap();
    assert_eq!(manifest["rows_skipped"], 8);
    // Payouts exclude the bad rows: A1 keeps D1 (1000) and D4 (500) in Q1, nothing in M2's split deal.
    let rows = read_csv(&case.read("out/payouts.csv"));
    assert_eq!(rows.len(), 8, "A1 and B2 only:\n{}", case.read("out/payouts.csv"));
    assert_eq!(payout(&rows, "A1", "Q1", "credit"), "1500.00");
    assert_eq!(payout(&rows, "A1", "Q1", "incentive_paid"), "150.00");
    assert_eq!(payout(&rows, "B2", "Q1", "credit"), "0.00");
    assert_eq!(payout(&rows, "B2", "Q2", "credit"), "2000.00");
    assert_eq!(payout(&rows, "A1", "Q1", "name"), "Ana");
}

#[test]
fn lenient_mode_does_not_excuse_a_bad_plan() {
    let plan = plan_with("quota = 400_000", "quotas = 400_000");
    let case = case_with_plan(&plan);
    let d = case.fails_with(&["evaluate", "plan.toml", "--data", "data", "--out", "out", "--lenient"]);
    plan_error(&d, &plan, "quotas", "unknown key");
}

// ---------------------------------------------------------------------------
// Hostile ids
// ---------------------------------------------------------------------------

#[test]
fn a_rep_id_that_looks_like_a_path_is_only_an_id() {
    let case = valid_case();
    // The output folder sits two levels down, so `../../etc/passwd` from it would land inside the case folder.
    case.write(
        "data/reps.csv",
        format!("{REPS}../../etc/passwd,Path,ae,,,,\n/tmp/abs,Abs,ae,,,,\n\"=HYPERLINK(\"\"x\"\")\",Formula,ae,,,,\n")
            .as_bytes(),
    );
    case.write(
        "data/deals.csv",
        format!("{DEALS}D3,../../etc/passwd,P,new,2026-01-05,100.00,,,\nD4,/tmp/abs,P,new,2026-01-06,50.00,,,\n")
            .as_bytes(),
    );
    let run = case.run(&["evaluate", "plan.toml", "--data", "data", "--out", "a/b/out"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for p in case.snapshot().keys() {
        assert!(
            p.starts_with("data/") || p == "plan.toml" || p.starts_with("a/b/out/"),
            "unexpected file {p}"
        );
        assert!(
            !p.contains("passwd") && !p.contains("abs"),
            "a rep id was used as a path: {p}"
        );
    }
    let rows = read_csv(&case.read("a/b/out/payouts.csv"));
    assert_eq!(payout(&rows, "../../etc/passwd", "Q1", "incentive_paid"), "10.00");
    assert_eq!(payout(&rows, "/tmp/abs", "Q1", "incentive_paid"), "5.00");
    assert!(
        rows.iter().any(|r| r["rep_id"] == "'=HYPERLINK(\"x\")"),
        "a formula-like id is neutralised in payouts.csv"
    );
    let explain = case.run(&["explain", "plan.toml", "--data", "data", "--rep", "../../etc/passwd"]);
    assert_eq!(explain.code, Some(0), "{}", explain.stderr);
    assert!(explain.stdout.contains("../../etc/passwd"), "{}", explain.stdout);
    assert!(explain.stdout.contains("10.00"), "{}", explain.stdout);
}

// ---------------------------------------------------------------------------
// Strict CSV: no row lost or read wrong without an error
// ---------------------------------------------------------------------------

#[test]
fn an_unterminated_quote_in_an_ignored_column_is_an_error_not_lost_rows() {
    // Before: the open quote swallowed every later row, and the run paid on
    // 1,000.00 of the 3,000.00 booked, with exit status 0.
    let case = valid_case();
    case.write(
        "data/deals.csv",
        "deal_id,rep_id,product,deal_type,close_date,amount,split,status,cancel_date,note\n\
         D1,A1,P,new,2026-01-15,1000.00,,,,\"call back\n\
         D2,B2,P,new,2026-04-15,2000.00,,,,\n\
         D3,B2,P,new,2026-05-15,3000.00,,,,\n"
            .as_bytes(),
    );
    let d = case.evaluate_fails();
    let e = error_at(&d, "data/deals.csv", 2, "never closed: lines 2–4");
    assert_eq!(e.col, Some(10), "{e:?}");
    assert_eq!(error_count(&d), 1, "one root cause, one error: {}", show(&d));
}

#[test]
fn an_unterminated_quote_in_a_middle_column_is_one_error() {
    let case = valid_case();
    case.write(
        "data/deals.csv",
        format!("{DEALS}D3,A1,\"P,new,2026-01-15,1000.00,,,\nD4,B2,P,new,2026-04-15,2000.00,,,\n").as_bytes(),
    );
    let d = case.evaluate_fails();
    let e = error_at(&d, "data/deals.csv", 4, "never closed: lines 4–5");
    assert_eq!(e.col, Some(3), "{e:?}");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn a_quoted_cell_with_a_line_break_keeps_later_line_numbers_right() {
    let case = valid_case();
    case.write(
        "data/deals.csv",
        format!("{DEALS}D3,A1,\"Plat\nform\",new,2026-01-15,1000.00,,,\nD4,B2,P,new,2026-04-15,abc,,,\n").as_bytes(),
    );
    let d = case.evaluate_fails();
    csv_error(&d, "data/deals.csv", 6, 6, "abc", "not a plain decimal");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn rows_with_more_or_fewer_fields_than_the_header_are_errors() {
    let case = valid_case();
    case.write(
        "data/deals.csv",
        format!("{DEALS}D3,A1,P,new,2026-01-15,1000.00,,won,,EXTRA\nD4,B2,P,new,2026-04-15,2000.00,,\n").as_bytes(),
    );
    let d = case.evaluate_fails();
    error_at(&d, "data/deals.csv", 4, "the row has 10 fields but the header has 9");
    error_at(&d, "data/deals.csv", 5, "the row has 8 fields but the header has 9");
    assert_eq!(error_count(&d), 2, "{}", show(&d));
}

#[test]
fn a_ragged_row_is_a_reject_in_lenient_mode() {
    let case = valid_case();
    case.write(
        "data/deals.csv",
        format!("{DEALS}D3,A1,P,new,2026-01-15,1000.00,,won,,EXTRA\n").as_bytes(),
    );
    case.evaluate_ok(&["--lenient"]);
    let rejects = read_csv(&case.read("out/rejects.csv"));
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!(rejects[0]["line"], "4");
    assert_eq!(
        payout(&read_csv(&case.read("out/payouts.csv")), "A1", "Q1", "credit"),
        "1000.00"
    );
}

#[test]
fn a_column_named_twice_in_the_header_is_an_error() {
    let case = valid_case();
    case.write(
        "data/deals.csv",
        "deal_id,rep_id,product,deal_type,close_date,amount,split,status,amount\nD1,A1,P,new,2026-01-15,1000.00,,,5\n"
            .as_bytes(),
    );
    let d = case.evaluate_fails();
    let e = error_at(
        &d,
        "data/deals.csv",
        1,
        "column `amount` appears twice in the header (columns 6 and 9)",
    );
    assert_eq!(e.col, Some(9));
}

#[test]
fn a_mapped_column_named_twice_in_the_header_is_an_error() {
    let case = case_with_plan(&format!("{PLAN}\n[data.deals]\ncolumns = {{ amount = \"value\" }}\n"));
    case.write(
        "data/deals.csv",
        "deal_id,rep_id,product,deal_type,close_date,value,split,status,cancel_date,value\n\
         D1,A1,P,new,2026-01-15,1000.00,,,,9\n"
            .as_bytes(),
    );
    let d = case.evaluate_fails();
    error_at(&d, "data/deals.csv", 1, "column `value` appears twice");
}

#[test]
fn crlf_files_report_the_right_line_numbers() {
    let case = valid_case();
    let deals = format!("{DEALS}D3,A1,P,new,2026-01-15,abc,,,\n").replace('\n', "\r\n");
    case.write("data/deals.csv", deals.as_bytes());
    let d = case.evaluate_fails();
    csv_error(&d, "data/deals.csv", 4, 6, "abc", "not a plain decimal");
    // And a valid CRLF file pays exactly as its LF twin.
    case.write("data/deals.csv", DEALS.replace('\n', "\r\n").as_bytes());
    case.write("data/reps.csv", REPS.replace('\n', "\r\n").as_bytes());
    case.evaluate_ok(&[]);
    let payouts = read_csv(&case.read("out/payouts.csv"));
    assert_eq!(payout(&payouts, "A1", "Q1", "credit"), "1000.00");
    assert_eq!(payout(&payouts, "B2", "Q2", "credit"), "2000.00");
}

#[test]
fn bare_cr_line_endings_are_an_error() {
    let case = valid_case();
    case.write("data/deals.csv", DEALS.replace('\n', "\r").as_bytes());
    let d = case.evaluate_fails();
    error_at(&d, "data/deals.csv", 1, "bare carriage return");
}

// ---------------------------------------------------------------------------
// One root cause, one error; every error has a code
// ---------------------------------------------------------------------------

#[test]
fn us_dates_down_a_column_are_summarised_once_with_the_date_format_that_reads_them() {
    let case = valid_case();
    let mut deals = DEALS_HEADER.to_string();
    for i in 0..400 {
        deals.push_str(&format!(
            "D{i},A1,P,new,{:02}/{:02}/2026,10.00,,,\n",
            i % 12 + 1,
            i % 15 + 13
        ));
    }
    case.write("data/deals.csv", deals.as_bytes());
    let d = case.evaluate_fails();
    assert_eq!(error_count(&d), 6, "5 rows in full and one summary: {}", show(&d));
    assert!(
        d.iter().all(|e| e.code.as_deref() == Some("deals.bad-date")),
        "{}",
        show(&d)
    );
    let summary = error_at(&d, "data/deals.csv", 7, "this row and 394 more have the same mistake in column `close_date` (400 rows in all; lines 2, 3, 4, 5, 6 are shown above)");
    assert_eq!(summary.col, Some(5));
    assert!(
        summary
            .body
            .contains("set date_format = \"%m/%d/%Y\" in the plan's [data.deals] section"),
        "{summary:?}"
    );
    // The fix it names works.
    let fixed = case_with_plan(&format!("{PLAN}\n[data.deals]\ndate_format = \"%m/%d/%Y\"\n"));
    fixed.write("data/deals.csv", deals.as_bytes());
    fixed.evaluate_ok(&[]);
}

#[test]
fn a_typo_in_a_values_mapping_is_blamed_on_the_plan() {
    let case = case_with_plan(&format!(
        "{PLAN}\n[data.deals]\nvalues = {{ status = {{ Wonn = \"won\" }} }}\n"
    ));
    case.write(
        "data/deals.csv",
        format!("{DEALS_HEADER}D1,A1,P,new,2026-01-15,1000.00,,Won,\n").as_bytes(),
    );
    let d = case.evaluate_fails();
    let e = error_at(&d, "data/deals.csv", 2, "value \"Won\" has no mapping for `status`");
    assert_eq!(e.code.as_deref(), Some("deals.unmapped-value"));
    assert!(
        e.body
            .contains("values.status maps \"Wonn\", not \"Won\": a typo in the plan?"),
        "{e:?}"
    );
}

#[test]
fn errors_carry_codes() {
    let case = valid_case();
    case.write(
        "data/deals.csv",
        format!("{DEALS}D3,A1,P,new,2026-01-15,1000.00,,won,,EXTRA\nD4,ZZ,P,new,2026-01-15,5,,,\nD5,A1,P,gift,2026-01-15,5,,,\n").as_bytes(),
    );
    let d = case.evaluate_fails();
    let code = |line: usize| error_at(&d, "data/deals.csv", line, "").code.clone();
    assert_eq!(code(4).as_deref(), Some("deals.ragged-row"));
    assert_eq!(code(5).as_deref(), Some("deals.unknown-rep"));
    assert_eq!(code(6).as_deref(), Some("deals.unknown-deal-type"));
    let plan = case_with_plan(&plan_with("period = \"quarter\"", "period = \"quarter\"\nperoid = 1"));
    let d = plan.check_fails();
    assert_eq!(d[0].code.as_deref(), Some("plan.unknown-key"), "{}", show(&d));
    let plan = case_with_plan(&plan_with("quota = 400_000", "quota = \"lots\""));
    let d = plan.check_fails();
    assert!(
        d.iter().any(|e| e.code.as_deref() == Some("plan.scheme")),
        "{}",
        show(&d)
    );
}

// ---------------------------------------------------------------------------
// The rendered text, pinned (cargo insta review after a deliberate change)
// ---------------------------------------------------------------------------

/// stderr of a failing run, for a snapshot.
fn stderr_of(case: &Case, args: &[&str]) -> String {
    let run = case.run(args);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    run.stderr
}

#[test]
fn snapshot_of_csv_errors() {
    let case = valid_case();
    case.write(
        "data/deals.csv",
        format!("{DEALS}D3,A1,P,new,2026-13-01,1\u{a0}000,,,\nD4,A1,P,new,2026-01-15,10,,won,,X\nD5,ZZ,\"P,new,2026-01-15,10,,,\n").as_bytes(),
    );
    insta::assert_snapshot!(stderr_of(&case, &["check", "plan.toml", "--data", "data"]));
}

#[test]
fn snapshot_of_plan_errors() {
    let case = case_with_plan(&plan_with(
        "period = \"quarter\"",
        "period = \"quartr\"\nyear_strat = 2026-01-01",
    ));
    insta::assert_snapshot!(stderr_of(&case, &["check", "plan.toml", "--data", "data"]));
}

#[test]
fn snapshot_of_a_summarised_column() {
    let case = valid_case();
    let mut deals = DEALS_HEADER.to_string();
    for i in 0..50 {
        deals.push_str(&format!(
            "D{i},A1,P,new,{:02}.{:02}.2026,10.00,,,\n",
            i % 12 + 13,
            i % 12 + 1
        ));
    }
    case.write("data/deals.csv", deals.as_bytes());
    insta::assert_snapshot!(stderr_of(&case, &["check", "plan.toml", "--data", "data"]));
}

#[test]
fn a_rejected_rep_row_is_one_error_not_one_per_deal() {
    // Before: one bad scheme cell made every deal of that rep a second error.
    let case = valid_case();
    case.write(
        "data/reps.csv",
        format!("{REPS_HEADER}A1,Ana,ae,,,,\nB2,Bo,aee,,A1,,\nC3,Cy,ae,,B2,,\n").as_bytes(),
    );
    let mut deals = DEALS_HEADER.to_string();
    for i in 0..200 {
        deals.push_str(&format!("D{i},B2,P,new,2026-02-{:02},10.00,,,\n", i % 28 + 1));
    }
    case.write("data/deals.csv", deals.as_bytes());
    let d = case.evaluate_fails();
    let e = error_at(&d, "data/reps.csv", 3, "unknown scheme \"aee\"");
    assert_eq!(e.code.as_deref(), Some("reps.unknown-scheme"));
    assert_eq!(error_count(&d), 1, "{}", show(&d));
    assert!(
        d.iter()
            .any(|w| !w.is_error() && w.text().contains("201 row(s) name a rep whose own row was rejected")),
        "C3's manager and B2's 200 deals are consequences: {}",
        show(&d)
    );
    // With --lenient they are rejects that say why.
    case.evaluate_ok(&["--lenient"]);
    let rejects = read_csv(&case.read("out/rejects.csv"));
    assert_eq!(rejects.len(), 202, "B2's row, C3's row and 200 deals");
    assert!(rejects
        .iter()
        .any(|r| r["reason"].contains("rep_id \"B2\" was rejected (data/reps.csv line 3)")));
}

// ---------------------------------------------------------------------------
// Inputs that are not files of rows: an error at once, never a hang or a blow-up
// ---------------------------------------------------------------------------

#[test]
fn a_fifo_or_a_device_as_an_input_is_an_error_not_a_hang() {
    let case = valid_case();
    std::fs::remove_file(case.path().join("data/deals.csv")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(case.path().join("data/deals.csv"))
        .status()
        .unwrap();
    assert!(made.success());
    // (Not `check_fails`: its snapshot of the folder would itself wait on the FIFO.)
    let started = std::time::Instant::now();
    let run = case.run(&["check", "plan.toml", "--data", "data"]);
    assert!(started.elapsed().as_secs() < 20, "the run waited on the FIFO");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let d = parse_diags(&run.stderr);
    let e = d
        .iter()
        .find(|e| e.code.as_deref() == Some("input.not-a-file"))
        .unwrap_or_else(|| panic!("{}", show(&d)));
    assert_eq!(e.file.as_deref(), Some("data/deals.csv"));
    std::fs::remove_file(case.path().join("data/deals.csv")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", case.path().join("data/deals.csv")).unwrap();
    let d = parse_diags(&case.run(&["check", "plan.toml", "--data", "data"]).stderr); // no snapshot: it would read /dev/zero
    assert!(
        d.iter().any(|e| e.code.as_deref() == Some("input.not-a-file")),
        "{}",
        show(&d)
    );
    // The plan too.
    std::fs::remove_file(case.path().join("plan.toml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", case.path().join("plan.toml")).unwrap();
    let d = parse_diags(&case.run(&["check", "plan.toml", "--data", "data"]).stderr); // no snapshot: it would read /dev/zero
    assert_eq!(d[0].code.as_deref(), Some("input.not-a-file"), "{}", show(&d));
}

#[test]
fn a_file_that_is_one_endless_line_is_an_error_without_filling_memory() {
    let case = valid_case();
    let mut deals = DEALS.as_bytes().to_vec();
    deals.extend(std::iter::repeat_n(b'a', (17 << 20) as usize));
    case.write("data/deals.csv", &deals);
    let d = case.check_fails();
    let e = d
        .iter()
        .find(|e| e.text().contains("a line longer than 16 MiB"))
        .unwrap_or_else(|| panic!("{}", show(&d)));
    assert_eq!(e.code.as_deref(), Some("deals.unreadable"));
    assert!(d.iter().all(|e| e.body.len() < 2000), "no message prints the line");
}

#[test]
fn ragged_rows_down_a_file_are_summarised_and_file_errors_survive_the_cap() {
    // Every row has a trailing comma: one mistake, not 1,200 errors; and the
    // missing-column errors of another file are not lost behind them.
    let case = valid_case();
    let mut deals = DEALS_HEADER.to_string();
    for i in 0..1200 {
        deals.push_str(&format!("D{i},A1,P,new,2026-01-15,10.00,,,,\n"));
    }
    case.write("data/deals.csv", deals);
    case.write("data/opportunities.csv", "opp_id,rep_id\nO1,A1\n");
    let d = case.check_fails();
    let s = error_at(
        &d,
        "data/deals.csv",
        7,
        "this row and 1194 more have the same mistake (1200 rows in all",
    );
    assert_eq!(s.code.as_deref(), Some("deals.ragged-row"));
    assert!(
        d.iter()
            .any(|e| e.code.as_deref() == Some("opportunities.missing-column")),
        "{}",
        show(&d)
    );
}

#[test]
fn check_never_panics_on_a_tiny_target_incentive() {
    let case = case_with_plan(&plan_with(
        "target_incentive = 20_000",
        "target_incentive = 0.000000000000000000001",
    ));
    let run = case.run(&["check", "plan.toml", "--data", "data"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("pays 40,000.00 at 100% attainment"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_closed_output_pipe_is_not_a_crash() {
    let case = valid_case();
    let mut deals = DEALS_HEADER.to_string();
    for i in 0..3000 {
        deals.push_str(&format!("D{i},A1,P,new,2026-01-15,10.00,,,,\n"));
    }
    case.write("data/deals.csv", deals);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fuerza"))
        .args(["check", "plan.toml", "--data", "data"])
        .current_dir(case.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take()); // the reader goes away, as `| head -1` does
    let status = child.wait().unwrap();
    assert!(matches!(status.code(), Some(1 | 141)), "{status:?}");
}

#[test]
fn a_ragged_rep_row_makes_its_deals_consequences_not_unknown_reps() {
    let case = valid_case();
    case.write(
        "data/reps.csv",
        format!("{REPS_HEADER}A1,Ana,ae,,,,,extra\nB2,Bo,ae,,,,\n"),
    );
    let mut deals = DEALS_HEADER.to_string();
    for i in 0..20 {
        deals.push_str(&format!("D{i},A1,P,new,2026-02-{:02},10.00,,,\n", i + 1));
    }
    case.write("data/deals.csv", deals);
    let d = case.evaluate_fails();
    assert_eq!(error_count(&d), 1, "{}", show(&d));
    error_at(&d, "data/reps.csv", 2, "the row has 8 fields but the header has 7");
}

#[test]
fn with_lenient_a_rep_under_a_rejected_manager_is_rejected_too() {
    let case = valid_case();
    case.write(
        "data/reps.csv",
        format!("{REPS_HEADER}M1,Mo,ae,,NOPE,,\nA3,Al,ae,,M1,,\nB2,Bo,ae,,,,\n"),
    );
    case.write(
        "data/deals.csv",
        format!("{DEALS_HEADER}D1,A3,P,new,2026-01-15,10.00,,,\nD2,B2,P,new,2026-01-15,10.00,,,\n"),
    );
    case.evaluate_ok(&["--lenient"]);
    let rejects = read_csv(&case.read("out/rejects.csv"));
    let reasons: Vec<&str> = rejects.iter().map(|r| r["reason"].as_str()).collect();
    assert!(
        reasons.iter().any(|r| r.contains("manager_id \"M1\" was rejected")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("rep_id \"A3\" was rejected")),
        "{reasons:?}"
    );
    let payouts = read_csv(&case.read("out/payouts.csv"));
    assert!(payouts.iter().all(|r| r["rep_id"] == "B2"), "only B2 is paid");
}

#[test]
fn two_stray_quotes_that_swallow_rows_are_an_error() {
    let case = valid_case();
    case.write(
        "data/deals.csv",
        "deal_id,rep_id,product,deal_type,close_date,amount,split,status,cancel_date,note\n\
         D1,A1,P,new,2026-01-15,100.00,,,,\"Big deal\n\
         D2,A1,P,new,2026-01-16,1000.00,,,,ok\n\
         D3,B2,P,new,2026-01-17,1000.00,,,,Monitor 27\"\n\
         D4,B2,P,new,2026-01-18,100.00,,,,ok\n",
    );
    let d = case.evaluate_fails();
    let e = error_at(&d, "data/deals.csv", 2, "holds 2 line(s) shaped like rows");
    assert_eq!(e.code.as_deref(), Some("deals.swallowed-rows"));
    // A note with a line break and a comma is not that.
    case.write(
        "data/deals.csv",
        "deal_id,rep_id,product,deal_type,close_date,amount,split,status,cancel_date,note\n\
         D1,A1,P,new,2026-01-15,100.00,,,,\"Big deal\nsee notes, call back\"\n",
    );
    case.evaluate_ok(&[]);
}

#[test]
fn one_odd_date_does_not_hide_the_date_format_that_reads_the_rest() {
    let case = valid_case();
    let mut deals = DEALS_HEADER.to_string();
    for i in 0..12 {
        deals.push_str(&format!("D{i},A1,P,new,{:02}/{}/2026,10.00,,,\n", i % 12 + 1, i + 2));
    }
    deals.push_str("D99,A1,P,new,2026-02-30,10.00,,,\n");
    case.write("data/deals.csv", deals);
    let d = case.evaluate_fails();
    let s = d
        .iter()
        .find(|e| e.text().contains("have the same mistake"))
        .unwrap_or_else(|| panic!("{}", show(&d)));
    assert!(
        s.body.contains("12 of the 13 distinct values read as \"%m/%d/%Y\"")
            && s.body.contains("these do not: 2026-02-30"),
        "{s:?}"
    );
}

// ---------------------------------------------------------------------------
// adjustments.csv and files fuerza does not read
// ---------------------------------------------------------------------------

#[test]
fn every_bad_adjustment_row_is_a_located_error() {
    let case = valid_case();
    case.write(
        "data/adjustments.csv",
        "rep_id,period,amount,reason,reference\n\
         A1,Q1,100.00,Contest prize,HR-1\n\
         ZZ,Q1,100.00,Contest prize,\n\
         A1,Q9,100.00,Contest prize,\n\
         A1,Q2,12.345,Contest prize,\n\
         B2,Q2,1e3,Contest prize,\n\
         B2,Q3,-50.00,  ,\n",
    );
    let d = case.evaluate_fails();
    csv_error(&d, "data/adjustments.csv", 3, 1, "ZZ", "is not in reps.csv");
    csv_error(&d, "data/adjustments.csv", 4, 2, "Q9", "unknown period");
    csv_error(&d, "data/adjustments.csv", 5, 3, "12.345", "at most 2 decimals");
    csv_error(&d, "data/adjustments.csv", 6, 3, "1e3", "not a plain decimal");
    csv_error(&d, "data/adjustments.csv", 7, 4, "", "`reason` is required");
    assert_eq!(error_count(&d), 5, "{}", show(&d));
    // A missing required column is one error, located at the header.
    case.write("data/adjustments.csv", "rep_id,period,amount\nA1,Q1,100.00\n");
    let d = case.evaluate_fails();
    error_at(&d, "data/adjustments.csv", 1, "reason");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn adjustments_are_paid_after_everything_else_and_never_capped() {
    let case = case_with_plan(&plan_with("quota = 400_000", "quota = 400_000\ncap = { period = 50 }"));
    case.write(
        "data/adjustments.csv",
        "rep_id,period,amount,reason,reference\n\
         A1,Q1,1000.00,Contest prize,HR-1\n\
         A1,Q1,-0.50,Rounding,\n\
         B2,Q3,-75,Equipment,\n",
    );
    case.evaluate_ok(&[]);
    // A1 Q1: 10% of 1,000 = 100, capped at 50; + 1,000 − 0.50 (never capped).
    assert_eq!(case.payout("A1", "Q1", "earned"), "50.00");
    assert_eq!(case.payout("A1", "Q1", "adjustments"), "999.50");
    assert_eq!(case.payout("A1", "Q1", "incentive_paid"), "1049.50");
    assert_eq!(case.payout("A1", "Q1", "total_pay"), "11049.50");
    // B2 Q3: nothing earned; a recovery of 75 makes the incentive negative.
    assert_eq!(case.payout("B2", "Q3", "incentive_paid"), "-75.00");
    assert_eq!(case.payout("B2", "Q3", "total_pay"), "9925.00");
    assert_eq!(case.payout("B2", "Q3", "balance"), "0.00");
    let statements = case.csv("out/statements.csv");
    let lines: Vec<String> = statements
        .iter()
        .filter(|r| r["component"] == "adjustment")
        .map(|r| format!("{} {} {} {}", r["rep_id"], r["period"], r["line"], r["amount"]))
        .collect();
    assert_eq!(
        lines,
        [
            "A1 Q1 Contest prize (HR-1) 1000.00",
            "A1 Q1 Rounding -0.50",
            "B2 Q3 Equipment -75.00"
        ]
    );
    // The manifest stamps the file like any other input.
    assert!(case.read("out/manifest.json").contains("adjustments.csv"));
}

#[test]
fn a_csv_in_the_data_folder_that_fuerza_does_not_read_is_named() {
    let case = valid_case();
    case.write("data/adjustment.csv", "rep_id,period,amount,reason\nA1,Q1,5,typo\n");
    let run = case.evaluate_ok(&[]);
    assert!(
        run.stderr
            .contains("note: data/adjustment.csv is not a file fuerza reads: it was ignored"),
        "{}",
        run.stderr
    );
    // Without adjustments, payouts.csv keeps the SPEC's columns exactly.
    let header = case
        .read("out/payouts.csv")
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(header.ends_with("total_pay,balance"), "{header}");
    let check = case.ok(&["check", "plan.toml"]);
    assert!(
        check.stderr.contains("data/adjustment.csv is not a file fuerza reads"),
        "{}",
        check.stderr
    );
}

// ---------------------------------------------------------------------------
// assignments.csv
// ---------------------------------------------------------------------------

const ASSIGN_HEADER: &str = "rep_id,effective_from,scheme,manager_id,territory,quota,base_salary\n";

#[test]
fn every_bad_assignment_row_is_a_located_error() {
    let case = case_with_plan(&format!(
        "{PLAN}\n[[schemes]]\nid = \"mgr\"\nname = \"Manager\"\nquota = 1_000_000\ncredit = \"team\"\n"
    ));
    case.write(
        "data/reps.csv",
        format!("{REPS_HEADER}A1,Ana,ae,,,,\nB2,Bo,ae,,A1,2026-03-01,2026-10-31\nC3,Cy,ae,,,,\n"),
    );
    case.write(
        "data/assignments.csv",
        format!(
            "{ASSIGN_HEADER}\
             ZZ,2026-05-01,mgr,,,,\n\
             A1,2027-01-05,mgr,,,,\n\
             A1,2026-05-01,vp,,,,\n\
             A1,2026-06-01,,NOPE,,,\n\
             B2,2026-02-01,mgr,,,,\n\
             B2,2026-11-15,mgr,,,,\n\
             C3,2026-07-01,,A1,,,\n\
             C3,2026-07-01,,B2,,,\n\
             C3,2026-08-01,,C3,,,\n\
             A1,2026-09-01,,,,-5,\n"
        ),
    );
    let d = case.evaluate_fails();
    csv_error(&d, "data/assignments.csv", 2, 1, "ZZ", "is not in reps.csv");
    csv_error(&d, "data/assignments.csv", 3, 2, "2027-01-05", "outside the plan year");
    csv_error(&d, "data/assignments.csv", 4, 3, "vp", "unknown scheme");
    csv_error(&d, "data/assignments.csv", 5, 4, "NOPE", "is not in reps.csv");
    csv_error(
        &d,
        "data/assignments.csv",
        6,
        2,
        "2026-02-01",
        "before rep B2's hire_date",
    );
    csv_error(
        &d,
        "data/assignments.csv",
        7,
        2,
        "2026-11-15",
        "after rep B2's end_date",
    );
    csv_error(
        &d,
        "data/assignments.csv",
        9,
        2,
        "2026-07-01",
        "a second assignment of rep C3",
    );
    csv_error(&d, "data/assignments.csv", 10, 4, "C3", "its own manager");
    csv_error(&d, "data/assignments.csv", 11, 6, "-5", "must not be negative");
    assert_eq!(error_count(&d), 9, "{}", show(&d));
}

#[test]
fn a_cycle_in_the_reporting_tree_on_any_date_is_an_error() {
    let case = valid_case();
    // reps.csv: B2 reports to A1. From May, A1 reports to B2: a cycle from that date.
    case.write("data/assignments.csv", format!("{ASSIGN_HEADER}A1,2026-05-01,,B2,,,\n"));
    let d = case.evaluate_fails();
    let e = error_at(
        &d,
        "data/assignments.csv",
        2,
        "on 2026-05-01 the reporting tree has a cycle",
    );
    assert!(e.message.contains("A1") && e.message.contains("B2"), "{e:?}");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn a_territory_the_plan_does_not_declare_is_an_error() {
    let case = case_with_plan(&format!(
        "{PLAN}\n[[territories]]\nid = \"NE\"\nname = \"North East\"\npotential = 1_000_000\naccounts = 10\n"
    ));
    case.write("data/assignments.csv", format!("{ASSIGN_HEADER}A1,2026-05-01,,,XX,,\n"));
    let d = case.evaluate_fails();
    csv_error(&d, "data/assignments.csv", 2, 5, "XX", "unknown territory");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
}

#[test]
fn a_measured_column_missing_or_empty_is_a_located_error() {
    let plan = plan_with("quota = 400_000", "quota = 400_000\nmeasure = \"margin\"");
    // No `margin` column: one error at the header.
    let case = case_with_plan(&plan);
    let d = case.evaluate_fails();
    let e = error_at(&d, "data/deals.csv", 1, "no `margin` column");
    assert!(e.message.contains("measure"), "{e:?}");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
    // The column, with a row that leaves it empty and one that is not a number.
    case.write(
        "data/deals.csv",
        "deal_id,rep_id,product,deal_type,close_date,amount,margin\n\
         D1,A1,P,new,2026-01-15,1000.00,300.00\n\
         D2,B2,P,new,2026-04-15,2000.00,\n\
         D3,B2,P,new,2026-05-15,2000.00,12%\n",
    );
    let d = case.evaluate_fails();
    csv_error(&d, "data/deals.csv", 3, 7, "", "`margin` is required");
    csv_error(&d, "data/deals.csv", 4, 7, "12%", "not a plain decimal");
    assert_eq!(error_count(&d), 2, "{}", show(&d));
    // Units: a negative quantity is refused; a rate per unit above 100 is not.
    let plan = plan_with("quota = 400_000", "quota = 400\nmeasure = \"units\"").replace("\"10%\"", "170");
    let case = case_with_plan(&plan);
    case.write(
        "data/deals.csv",
        "deal_id,rep_id,product,deal_type,close_date,amount,quantity\n\
         D1,A1,P,new,2026-01-15,1000.00,3\n\
         D2,B2,P,new,2026-04-15,2000.00,-1\n",
    );
    let d = case.evaluate_fails();
    csv_error(&d, "data/deals.csv", 3, 7, "-1", "must not be negative");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
    // Without `measure = "units"`, a rate of 170 is implausible.
    let case = case_with_plan(&PLAN.replace("\"10%\"", "170"));
    let d = case.evaluate_fails();
    assert!(
        d.iter().any(|x| x.message.contains("implausibly large")),
        "{}",
        show(&d)
    );
}

#[test]
fn a_column_multiplier_missing_column_or_unlisted_value_is_a_located_error() {
    let plan = plan_with(
        "quota = 400_000",
        "quota = 400_000\nmultipliers = { column = \"term_months\", values = { \"12\" = 1.0, \"24\" = 1.1 } }",
    );
    // No `term_months` column: one error at the header, naming the key that reads it.
    let case = case_with_plan(&plan);
    let d = case.evaluate_fails();
    let e = error_at(&d, "data/deals.csv", 1, "missing column `term_months`");
    assert!(e.message.contains("multipliers"), "{e:?}");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
    // An unlisted value (and a blank one) without `default`: an error at each cell.
    case.write(
        "data/deals.csv",
        "deal_id,rep_id,product,deal_type,close_date,amount,term_months\n\
         D1,A1,P,new,2026-01-15,1000.00,12\n\
         D2,B2,P,new,2026-04-15,2000.00,36\n\
         D3,B2,P,new,2026-05-15,2000.00,\n",
    );
    let d = case.evaluate_fails();
    let e = csv_error(&d, "data/deals.csv", 3, 7, "36", "not a value of `term_months`");
    assert!(e.body.contains("default"), "{e:?}");
    csv_error(&d, "data/deals.csv", 4, 7, "", "not a value of `term_months`");
    assert_eq!(error_count(&d), 2, "{}", show(&d));
    // With a default both rows are read; the mapped export column is found through [data].
    let plan = plan.replace("\"24\" = 1.1 }", "\"24\" = 1.1 }, default = 1");
    let case = case_with_plan(&format!(
        "{plan}\n[data.deals]\ncolumns = {{ term_months = \"Term\" }}\n"
    ));
    case.write(
        "data/deals.csv",
        "deal_id,rep_id,product,deal_type,close_date,amount,Term\n\
         D1,A1,P,new,2026-01-15,1000.00,24\n\
         D2,B2,P,new,2026-04-15,2000.00,36\n",
    );
    case.evaluate_ok(&[]);
    let credits = case.read("out/credits.csv");
    assert!(credits.contains("D1,A1,Q1,own,1000.00,1,1,1.1,1100.00"), "{credits}");
    assert!(credits.contains("D2,B2,Q2,own,2000.00,1,1,1,2000.00"), "{credits}");
    // A key of [data.deals] that is neither a deals.csv column nor read by a multiplier is refused.
    let bad = format!("{PLAN}\n[data.deals]\ncolumns = {{ term_months = \"Term\" }}\n");
    let d = case_with_plan(&bad).evaluate_fails();
    assert!(
        d.iter()
            .any(|x| x.message.contains("`term_months` is not a column of deals.csv")),
        "{}",
        show(&d)
    );
}

#[test]
fn a_gate_naming_no_component_of_the_scheme_is_an_error() {
    let plan = plan_with(
        "tiers = [ { from = 0, rate = \"10%\" } ]",
        "tiers = [ { from = 0, rate = \"10%\" } ]\ngate = { component = \"Comission\", min_attainment = 0.5 }",
    );
    let d = case_with_plan(&plan).evaluate_fails();
    let e = plan_error(
        &d,
        &plan,
        "component = \"Comission\"",
        "the gate names no component of this scheme",
    );
    assert!(e.body.contains("Commission"), "{e:?}");
}

#[test]
fn every_bad_objective_row_is_a_located_error() {
    let plan = format!("{PLAN}\n[[schemes.components]]\nkind = \"mbo\"\nname = \"Objectives\"\ntarget = 8_000\n");
    let case = case_with_plan(&plan);
    case.write(
        "data/objectives.csv",
        "rep_id,period,objective,weight,score\n\
         A1,Q1,Retention,0.5,1\n\
         A1,Q1,NPS,0.4,1\n\
         ZZ,Q1,Retention,1,1\n\
         B2,Q7,Retention,1,1\n\
         B2,Q2,Retention,1,-0.5\n",
    );
    let d = case.evaluate_fails();
    csv_error(&d, "data/objectives.csv", 3, 4, "0.4", "weigh 0.9 in all, not 1");
    csv_error(&d, "data/objectives.csv", 4, 1, "ZZ", "is not in reps.csv");
    csv_error(&d, "data/objectives.csv", 5, 2, "Q7", "unknown period");
    csv_error(&d, "data/objectives.csv", 6, 5, "-0.5", "must not be negative");
    assert_eq!(error_count(&d), 4, "{}", show(&d));
}

#[test]
fn per_deal_rules_that_cannot_apply_are_located_plan_errors() {
    // min above max, and a table that bounds nothing.
    let plan = plan_with(
        "tiers = [ { from = 0, rate = \"10%\" } ]",
        "tiers = [ { from = 0, rate = \"10%\" } ]\ndeal_limits = { min = 500, max = 100 }",
    );
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "{ min = 500, max = 100 }", "min 500 is above its max 100");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
    let plan = plan_with(
        "tiers = [ { from = 0, rate = \"10%\" } ]",
        "tiers = [ { from = 0, rate = \"10%\" } ]\ndeal_limits = { top = 100 }",
    );
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "top", "unknown key");
    // A per-deal rule with a year-to-date true-up, and on team credit.
    let plan = plan_with("basis = \"amount\"", "basis = \"deal\"\ncumulative = true");
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "true", "cannot be combined with `basis = \"deal\"`");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
    let plan = plan_with("quota = 400_000", "quota = 400_000\ncredit = \"team\"").replace(
        "tiers = [ { from = 0, rate = \"10%\" } ]",
        "tiers = [ { from = 0, rate = \"10%\" } ]\ndeal_limits = { max = 50 }",
    );
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "{ max = 50 }", "is paid on team credit");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
    // An unknown basis names the three.
    let plan = plan_with("basis = \"amount\"", "basis = \"deals\"");
    let d = case_with_plan(&plan).evaluate_fails();
    let e = plan_error(&d, &plan, "\"deals\"", "unknown basis");
    assert!(e.body.contains("\"deal\""), "{e:?}");
}

#[test]
fn a_contest_with_no_prizes_a_bad_score_or_a_window_outside_the_year_is_a_located_error() {
    let contest =
        |body: &str| format!("{PLAN}\n[[schemes.components]]\nkind = \"contest\"\nname = \"Sprint\"\n{body}\n");
    let plan = contest("from = 2026-02-01\nto = 2027-01-15\nprizes = [500]");
    let d = case_with_plan(&plan).evaluate_fails();
    let e = plan_error(&d, &plan, "2027-01-15", "outside the plan year");
    assert!(e.body.contains("2026-12-31"), "{e:?}");
    assert_eq!(error_count(&d), 1, "{}", show(&d));
    let plan = contest("from = 2026-03-01\nto = 2026-02-01\nprizes = [500]");
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(
        &d,
        &plan,
        "2026-02-01",
        "contest window ends (2026-02-01) before it starts",
    );
    let plan = contest("from = 2026-02-01\nto = 2026-03-31\nprizes = []\nby = \"revenue\"");
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "[]", "lists no prize");
    let e = plan_error(&d, &plan, "\"revenue\"", "unknown contest score");
    assert!(e.body.contains("\"deals\""), "{e:?}");
    assert_eq!(error_count(&d), 2, "{}", show(&d));
    let plan = contest("from = 2026-02-01\nto = 2026-03-31\nprizes = [500, -100]");
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "-100", "must not be negative");
}

#[test]
fn column_multipliers_that_multiply_past_100_repeat_a_value_or_list_none_are_plan_errors() {
    let plan = plan_with(
        "quota = 400_000",
        "quota = 400_000\n\
         [[schemes.multipliers]]\ncolumn = \"a\"\nvalues = { x = 40 }\n\
         [[schemes.multipliers]]\ncolumn = \"b\"\nvalues = { \" y\" = 2, y = 3 }\n\
         [[schemes.multipliers]]\ncolumn = \"c\"\nvalues = {}\n",
    );
    let d = case_with_plan(&plan).evaluate_fails();
    plan_error(&d, &plan, "3 }", "listed twice");
    plan_error(&d, &plan, "{}", "lists no value and there is no `default`");
    plan_error(&d, &plan, "[[schemes.multipliers]]", "multiply to more than 100");
    assert_eq!(error_count(&d), 3, "{}", show(&d));
}
