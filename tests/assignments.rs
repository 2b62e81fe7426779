#![allow(clippy::unwrap_used)] // a test harness: a failure to read its own fixtures should panic
//! assignments.csv on generated teams: assignments that change nothing at
//! period boundaries change nothing (the dated tree pays as the one-tree
//! rules do, team credit, overrides, SPIFFs, clawbacks, draws and caps
//! included); with promotions and transfers mid-period, credits.csv still
//! sums to payouts.csv's credit, every statement adds up, and diff names the file.

mod common;

use common::cli::{repo, Case};
use rust_decimal::prelude::*;
use std::collections::BTreeMap;

const HEADER: &str = "rep_id,effective_from,scheme,manager_id,territory,quota,base_salary\n";

fn acme_case(seed: &str) -> Case {
    let case = Case::acme_plan();
    case.generate_seeded(50, 1200, seed);
    case
}

fn money(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Whether a rep works on `day` (its hire and end dates).
fn works(r: &BTreeMap<String, String>, day: &str) -> bool {
    (r["hire_date"].is_empty() || r["hire_date"].as_str() <= day)
        && (r["end_date"].is_empty() || r["end_date"].as_str() >= day)
}

#[test]
fn assignments_at_period_boundaries_that_change_nothing_change_nothing() {
    for seed in ["3", "11"] {
        let case = acme_case(seed);
        case.ok(&["evaluate", "plan.toml", "--data", "data", "--out", "plain"]);
        let reps = case.csv("data/reps.csv");
        let mut rows = String::from(HEADER);
        for (i, r) in reps.iter().enumerate() {
            let day = ["2026-04-01", "2026-07-01", "2026-10-01"][i % 3];
            if works(r, day) {
                rows.push_str(&format!(
                    "{},{day},{},{},,,\n",
                    r["rep_id"], r["scheme"], r["manager_id"]
                ));
            }
        }
        case.write("data/assignments.csv", &rows);
        case.ok(&["evaluate", "plan.toml", "--data", "data", "--out", "dated"]);
        for f in ["payouts.csv", "statements.csv", "credits.csv"] {
            assert_eq!(
                case.read(&format!("plain/{f}")),
                case.read(&format!("dated/{f}")),
                "seed {seed}: {f}"
            );
        }
    }
}

#[test]
fn promotions_and_transfers_mid_period_keep_every_total_whole() {
    let case = acme_case("5");
    let reps = case.csv("data/reps.csv");
    let managers: Vec<&String> = reps
        .iter()
        .filter(|r| r["scheme"] == "mgr")
        .map(|r| &r["rep_id"])
        .collect();
    let mut rows = String::from(HEADER);
    let mut promoted = 0;
    for (i, r) in reps.iter().enumerate().filter(|(_, r)| r["scheme"] == "ae") {
        let day = ["2026-02-17", "2026-05-09", "2026-08-23", "2026-11-30"][i % 4];
        if !works(r, day) {
            continue;
        }
        if i % 2 == 0 {
            rows.push_str(&format!("{},{day},mgr,,,,\n", r["rep_id"]));
            promoted += 1;
        } else {
            let to = managers[i % managers.len()];
            rows.push_str(&format!("{},{day},,{to},,1500000,95000\n", r["rep_id"]));
        }
    }
    assert!(promoted > 3);
    case.write("data/assignments.csv", &rows);
    case.ok(&["evaluate", "plan.toml", "--data", "data", "--out", "out"]);
    let payouts = case.csv("out/payouts.csv");
    assert!(
        payouts.iter().any(|r| r["scheme"] == "ae>mgr"),
        "no period names two schemes"
    );
    // credits.csv sums to payouts credit for every rep and period.
    let mut sums: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for r in case.csv("out/credits.csv") {
        *sums.entry((r["rep_id"].clone(), r["period"].clone())).or_default() += money(&r["credit"]);
    }
    // Statement lines of a rep and period sum to its incentive_paid.
    let mut lines: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for r in case.csv("out/statements.csv") {
        *lines.entry((r["rep_id"].clone(), r["period"].clone())).or_default() += money(&r["amount"]);
    }
    for r in &payouts {
        let k = (r["rep_id"].clone(), r["period"].clone());
        let credit = sums.get(&k).copied().unwrap_or_default();
        assert_eq!(
            credit.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
            money(&r["credit"]),
            "{k:?}"
        );
        assert_eq!(
            lines.get(&k).copied().unwrap_or_default(),
            money(&r["incentive_paid"]),
            "{k:?}"
        );
        let identity = money(&r["earned"]) + money(&r["clawback"]) + money(&r["draw_topup"]) + money(&r["deficit"])
            - money(&r["recovered"]);
        assert_eq!(identity, money(&r["incentive_paid"]), "{k:?}");
        assert_eq!(
            money(&r["base_pay"]) + money(&r["incentive_paid"]),
            money(&r["total_pay"]),
            "{k:?}"
        );
    }
    // diff names the new input.
    case.ok(&["evaluate", "plan.toml", "--data", "data", "--out", "again"]);
    std::fs::remove_file(case.path().join("data/assignments.csv")).unwrap();
    case.ok(&["evaluate", "plan.toml", "--data", "data", "--out", "before"]);
    let run = case.ok(&["diff", "before", "again"]);
    assert!(run.stdout.contains("assignments.csv: (not read) →"), "{}", run.stdout);
}

#[test]
fn a_transfer_mid_period_pays_as_if_nothing_changed_but_the_manager() {
    // A1 and A2 sell the same; A1 moves to manager M2 on May 16. Their pay is the
    // same (one cap, one milestone, one set of tiers on the whole quarter); only
    // the managers' team credit follows the close dates.
    let plan = r#"[plan]
name = "Transfer"
currency = "USD"
year_start = 2026-01-01
period = "quarter"

[[schemes]]
id = "ae"
name = "AE"
base_salary = 80_000
target_incentive = 40_000
quota = 400_000
cap = { period = 9_000 }

[[schemes.components]]
kind = "commission"
name = "Commission"
tiers = [ { from = 0.0, rate = "5%" }, { from = 1.0, rate = "10%" } ]

[[schemes.components]]
kind = "milestone"
name = "Club"
at = 0.5
amount = 5_000

[[schemes]]
id = "mgr"
name = "Manager"
quota = 2_000_000
credit = "team"

[[schemes.components]]
kind = "override"
name = "Override"
rate = "1%"
scope = "all"
"#;
    let case = Case::empty();
    case.write("plan.toml", plan);
    case.write(
        "data/reps.csv",
        "rep_id,name,scheme,manager_id\nM1,Mia,mgr,\nM2,Max,mgr,\nA1,Ana,ae,M1\nA2,Bo,ae,M1\n",
    );
    let mut deals = String::from("deal_id,rep_id,close_date,amount\n");
    for (rep, k) in [("A1", 1), ("A2", 2)] {
        deals.push_str(&format!(
            "D{k}1,{rep},2026-04-10,60000.00\nD{k}2,{rep},2026-06-10,70000.00\n"
        ));
    }
    case.write("data/deals.csv", &deals);
    case.write("data/assignments.csv", format!("{HEADER}A1,2026-05-16,,M2,,,\n"));
    case.ok(&["evaluate", "plan.toml", "--data", "data", "--out", "out"]);
    for col in ["quota", "credit", "base_pay", "earned", "incentive_paid", "total_pay"] {
        assert_eq!(case.payout("A1", "Q2", col), case.payout("A2", "Q2", col), "{col}");
    }
    // 130,000 on a 100,000 quota: 5,000 + 3,000 = 8,000, the club 5,000, capped at 9,000.
    assert_eq!(case.payout("A1", "Q2", "earned"), "9000.00");
    // M1 has A1's April deal and all of A2's; M2 A1's June deal.
    assert_eq!(case.payout("M1", "Q2", "credit"), "190000.00");
    assert_eq!(case.payout("M2", "Q2", "credit"), "70000.00");
}

const MOVE_PLAN: &str = r#"[plan]
name = "Moves"
currency = "USD"
year_start = 2026-01-01
period = "quarter"

[[schemes]]
id = "ae"
name = "AE"
quota = 400_000
clawback = { window_days = 200 }

[[schemes.components]]
kind = "commission"
name = "YTD"
cumulative = true
basis = "amount"
tiers = [ { from = 0, rate = "10%" } ]

[[schemes]]
id = "mgr"
name = "Manager"
quota = 400_000
credit = "team"
clawback = { window_days = 200 }

[[schemes.components]]
kind = "commission"
name = "Team"
basis = "amount"
tiers = [ { from = 0, rate = "5%" } ]
"#;

#[test]
fn a_cumulative_commission_is_recovered_when_the_deal_is_cancelled_under_another_scheme() {
    // 100,000 paid 10,000 in Q1 under a cumulative ae commission; the rep is a
    // manager from July; the deal is cancelled in August: no ae true-up runs
    // any more, so the clawback recovers it at the ae rate paid to date.
    let case = Case::empty();
    case.write("plan.toml", MOVE_PLAN);
    case.write("data/reps.csv", "rep_id,name,scheme\nC1,Cam,ae\n");
    case.write(
        "data/deals.csv",
        "deal_id,rep_id,close_date,amount,status,cancel_date\nD1,C1,2026-02-10,100000.00,cancelled,2026-08-10\n",
    );
    case.write("data/assignments.csv", format!("{HEADER}C1,2026-07-01,mgr,,,,\n"));
    case.ok(&["evaluate", "plan.toml", "--data", "data", "--out", "out"]);
    assert_eq!(case.payout("C1", "Q1", "incentive_paid"), "10000.00");
    assert_eq!(case.payout("C1", "Q3", "clawback"), "-10000.00");
    assert_eq!(case.payout("C1", "Q3", "balance"), "10000.00");
}

#[test]
fn a_rep_hired_mid_year_under_a_report_of_its_own_row_is_no_cycle() {
    // reps.csv: Y1 reports to X1, who is hired in June; from X1's hire X1 reports
    // to Y1 and Y1 to Z1. No day has a cycle; Y1's February deal is credited to
    // its manager then (X1, not yet hired but named by reps.csv) once.
    let case = Case::empty();
    case.write(
        "plan.toml",
        MOVE_PLAN.replace(
            "id = \"ae\"\nname = \"AE\"",
            "id = \"ae\"\nname = \"AE\"\ncredit = \"team\"",
        ),
    );
    case.write(
        "data/reps.csv",
        "rep_id,name,scheme,manager_id,hire_date\nZ1,Zed,mgr,,\nX1,Xi,mgr,,2026-06-01\nY1,Yo,ae,X1,\n",
    );
    case.write(
        "data/deals.csv",
        "deal_id,rep_id,close_date,amount\nD1,Y1,2026-02-10,100000.00\n",
    );
    case.write(
        "data/assignments.csv",
        format!("{HEADER}X1,2026-06-01,,Y1,,,\nY1,2026-06-01,,Z1,,,\n"),
    );
    case.ok(&["evaluate", "plan.toml", "--data", "data", "--out", "out"]);
    let credits = case.csv("out/credits.csv");
    let rows: Vec<String> = credits
        .iter()
        .map(|r| format!("{} {}", r["rep_id"], r["role"]))
        .collect();
    assert_eq!(rows, ["Y1 own", "X1 team"]);
    assert_eq!(case.payout("X1", "Q1", "credit"), "100000.00");
    assert_eq!(case.payout("Y1", "Q1", "credit"), "100000.00");
}

#[test]
fn a_rep_who_leaves_the_contest_scheme_before_its_window_ends_leaves_the_contest() {
    // S1 leads the H1 contest of scheme ae, then moves to mgr on 2026-04-01:
    // on the window's last day S1 is not on the scheme, so S2 and S3 move up
    // and both prizes are paid (before the fix S1's place was kept, unpaid).
    let case = Case::empty();
    let plan = std::fs::read_to_string(repo("tests/golden/73-contest/plan.toml")).unwrap();
    let plan = plan
        .split("\n[[schemes.components]]\nkind = \"contest\"\nname = \"Q1 sprint\"")
        .next()
        .unwrap();
    case.write(
        "plan.toml",
        format!(
            "{plan}\n[[schemes]]\nid = \"mgr\"\nname = \"Manager\"\nbase_salary = 90_000\ntarget_incentive = 40_000\nquota = 400_000\n\n\
             [[schemes.components]]\nkind = \"commission\"\nname = \"C\"\nbasis = \"amount\"\ntiers = [ {{ from = 0, rate = \"1%\" }} ]\n"
        ),
    );
    case.write("data/reps.csv", "rep_id,name,scheme\nS1,Sam,ae\nS2,Sky,ae\nS3,Sol,ae\n");
    case.write(
        "data/assignments.csv",
        "rep_id,effective_from,scheme\nS1,2026-04-01,mgr\n",
    );
    case.write(
        "data/deals.csv",
        "deal_id,rep_id,deal_type,close_date,amount\nD1,S1,new,2026-01-10,30000.00\n\
         D2,S2,new,2026-02-10,20000.00\nD3,S3,new,2026-02-11,10000.00\n",
    );
    case.evaluate_ok(&[]);
    let st = case.read("out/statements.csv");
    assert!(st.contains("S2,Q2,H1 new business,place 1,20000.00,,5000.00"), "{st}");
    assert!(st.contains("S3,Q2,H1 new business,place 2,10000.00,,3000.00"), "{st}");
    assert!(!st.contains("S1,Q2,H1"), "{st}");
}
