#![allow(clippy::unwrap_used)] // test code
//! Planning commands on hand-checked cases: quota allocation (potential,
//! history, blend), a mid-year hire's ramped share, quotas.csv read back by
//! evaluate, the capacity cohort model, and recruiting.

use assert_cmd::Command;
use std::path::Path;

fn plan(allocation: &str) -> String {
    format!(
        r#"
[plan]
name = "Planning"
year_start = 2026-01-01
period = "quarter"
[goal]
annual = 1_000_000
over_assign = 0.2
allocation = "{allocation}"
blend = {{ potential = 0.6, history = 0.4 }}
[structure]
max_span = 1
[[territories]]
id = "N"
potential = 3_000_000
accounts = 40
[[territories]]
id = "S"
potential = 1_000_000
accounts = 10
[capacity]
productivity = "85%"
attrition = 0
hire_lead_months = 2
headcount = 10
[recruiting]
traits = {{ ego_strength = 0.5, empathy = 0.3, confidence = 0.2 }}
min_score = 3
[[schemes]]
id = "ae"
quota = 150_000
ramp = [0.25, 0.5, 0.75]
[[schemes.components]]
kind = "commission"
name = "Commission"
tiers = [ {{ from = 0, rate = "5%" }} ]
[[schemes]]
id = "mgr"
quota = 1_000_000
credit = "team"
[[schemes.components]]
kind = "override"
name = "Override"
rate = "1%"
"#
    )
}

const REPS: &str = "rep_id,name,scheme,territory,manager_id,hire_date\nM,Mo,mgr,,,\nN1,Nia,ae,N,M,\nN2,Ned,ae,N,M,2026-07-01\nS1,Sol,ae,S,,\n";
// 2025 credit: N1 200,000, S1 200,000 (history shares 0.5 / 0.5); one 2026 deal.
const DEALS: &str =
    "deal_id,rep_id,close_date,amount\nH1,N1,2025-05-01,200000\nH2,S1,2025-09-01,200000\nD1,N1,2026-02-01,1000\n";

fn setup(dir: &Path, allocation: &str) {
    std::fs::write(dir.join("plan.toml"), plan(allocation)).unwrap();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/reps.csv"), REPS).unwrap();
    std::fs::write(dir.join("data/deals.csv"), DEALS).unwrap();
}

fn fuerza(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("fuerza")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn quotas(dir: &Path, allocation: &str) -> String {
    setup(dir, allocation);
    let (code, out, err) = fuerza(
        dir,
        &["quota", "plan.toml", "--data", "data", "--out", "data/quotas.csv"],
    );
    assert_eq!(code, 0, "{out}{err}");
    std::fs::read_to_string(dir.join("data/quotas.csv")).unwrap()
}

fn total(csv: &str) -> rust_decimal::Decimal {
    csv.lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse::<rust_decimal::Decimal>().unwrap())
        .sum()
}

#[test]
fn allocation_by_potential_with_a_mid_year_hire() {
    let dir = tempfile::tempdir().unwrap();
    let q = quotas(dir.path(), "potential");
    // 1,000,000 × 1.2 = 1,200,000; N gets 3/4 = 900,000 and S 300,000.
    // N1 sells all year (capacity 12/12); N2, hired 1 July with ramp [0.25, ...],
    // sells 0.25 + 0.5 + 0.75 + 1 + 1 + 1 = 4.5 months → capacity 4.5/12.
    // N1 = 900,000 × 12 / 16.5 = 654,545.4545… → 654,545.45; N2 = 245,454.5454… → 245,454.55
    // (largest remainder: N2's .0054 beats N1's .0045).
    // N1 by quarter: 163,636.3625 each → floors 163,636.36 ×4 = 654,545.44, 1 cent to Q1.
    // N2: Q3 weight 0.25 + 0.5 + 0.75 = 1.5, Q4 3 → 245,454.55 × 1.5/4.5 = 81,818.1833… → 81,818.18,
    // Q4 163,636.3666… → 163,636.37 (largest remainder).
    let expected = "rep_id,period,quota\n\
        N1,Q1,163636.37\nN1,Q2,163636.36\nN1,Q3,163636.36\nN1,Q4,163636.36\n\
        N2,Q1,0.00\nN2,Q2,0.00\nN2,Q3,81818.18\nN2,Q4,163636.37\n\
        S1,Q1,75000.00\nS1,Q2,75000.00\nS1,Q3,75000.00\nS1,Q4,75000.00\n";
    assert_eq!(q, expected);
    assert_eq!(total(&q), rust_decimal::Decimal::from(1_200_000));
}

#[test]
fn allocation_by_history_and_blend() {
    let dir = tempfile::tempdir().unwrap();
    // History: N1 and S1 each booked 200,000 in 2025 → 600,000 per territory.
    let q = quotas(dir.path(), "history");
    assert!(q.contains("S1,Q1,150000.00"), "{q}");
    assert_eq!(total(&q), rust_decimal::Decimal::from(1_200_000));
    // Blend 0.6 × potential (0.75 / 0.25) + 0.4 × history (0.5 / 0.5) → N 0.65, S 0.35 → S 420,000.
    let dir = tempfile::tempdir().unwrap();
    let q = quotas(dir.path(), "blend");
    assert!(q.contains("S1,Q1,105000.00"), "{q}");
    assert_eq!(total(&q), rust_decimal::Decimal::from(1_200_000));
}

#[test]
fn evaluate_reads_the_written_quotas() {
    let dir = tempfile::tempdir().unwrap();
    quotas(dir.path(), "potential");
    let (code, out, err) = fuerza(dir.path(), &["evaluate", "plan.toml", "--data", "data", "--out", "out"]);
    assert_eq!(code, 0, "{out}{err}");
    let payouts = std::fs::read_to_string(dir.path().join("out/payouts.csv")).unwrap();
    // N1's Q1 quota comes from quotas.csv; credit 1,000 → attainment 0.0061, commission 50.
    assert!(payouts.contains("N1,Nia,ae,Q1,163636.37,1000.00,0.0061,"), "{payouts}");
    assert!(payouts.contains("N2,Ned,ae,Q3,81818.18,"), "{payouts}");
}

#[test]
fn quota_reports_balance_and_span_of_control() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), "potential");
    let (code, out, err) = fuerza(dir.path(), &["quota", "plan.toml", "--data", "data", "--out", "q"]);
    assert_eq!(code, 0, "{err}");
    // Potential per rep: N 3,000,000 / 2 = 1,500,000, S 1,000,000 → mean 1,250,000 → indexes 120, 80.
    // Accounts per rep: N 20, S 10 → mean 15 → 133.3 and 66.7: both territories are more than 20% off.
    assert!(out.contains("N *") && out.contains("S *"), "{out}");
    assert!(
        out.contains("1,500,000.00") && out.contains("120.0") && out.contains("133.3"),
        "{out}"
    );
    assert!(
        err.contains("Mo (M) has 2 direct reports, above the span of control of 1"),
        "{err}"
    );
    // The balance chart: two territories, two bars each (potential and accounts index).
    let svg = std::fs::read_to_string(dir.path().join("q/charts/territory-balance.svg")).unwrap();
    assert!(svg.contains("<title>Territory balance</title>"), "{svg}");
    assert!(
        svg.contains("\nN *\n") && svg.contains("\nS *\n"),
        "territory labels missing"
    );
}

#[test]
fn capacity_hires_the_fewest_that_make_the_goal() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), "potential");
    let p = plan("potential").replace("annual = 1_000_000", "annual = 1_800_000");
    std::fs::write(dir.path().join("plan.toml"), p).unwrap();
    let (code, out, err) = fuerza(dir.path(), &["capacity", "plan.toml", "--data", "data"]);
    assert_eq!(code, 0, "{err}");
    // A ramped rep sells 85% × 150,000 = 127,500 a year, 10,625 a month. 10 reps: 1,275,000.
    // Gap 525,000. A hire starting in M03 (2 months' lead) sells 0.25 + 0.5 + 0.75 + 7 × 1 = 8.5
    // months × 10,625 = 90,312.50 → 525,000 / 90,312.5 = 5.81 → 6 hires (5 would give 1,726,562.50).
    assert!(out.contains("a ramped rep sells 127,500.00 a year"), "{out}");
    assert!(
        out.contains("annual capacity 1,275,000.00 without hires, 1,816,875.00 with 6 hire(s) starting in M03"),
        "{out}"
    );
    // M03: 10 × 10,625 + 6 × 0.25 × 10,625 = 122,187.50 → shown rounded to 122,188; headcount 16, ramped 11.5.
    let m03 = out.lines().find(|l| l.starts_with("M03")).unwrap();
    assert!(
        m03.contains("16.00") && m03.contains("11.50") && m03.contains("122,188.00") && m03.ends_with('6'),
        "{m03}"
    );
    let svg = std::fs::read_to_string(dir.path().join("out/plan-capacity/charts/capacity.svg")).unwrap();
    assert!(svg.contains("<title>Selling capacity against the goal</title>"));
    assert!(
        svg.contains("+6 hires") && svg.contains("M03 (16)"),
        "the hires and headcount are drawn"
    );
}

#[test]
fn recruiting_ranks_explains_and_reports_ties() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), "potential");
    std::fs::write(
        dir.path().join("c.csv"),
        "candidate_id,name,ego_strength,empathy,confidence\nC1,Ada,5,4,3\nC2,Ben,2,2,2\nC3,Cy,4,5,4\nC4,Di,5,4,3\n",
    )
    .unwrap();
    let (code, out, err) = fuerza(dir.path(), &["recruit", "plan.toml", "--candidates", "c.csv"]);
    assert_eq!(code, 0, "{err}");
    // Ada: 5×0.5 + 4×0.3 + 3×0.2 = 4.3; Cy: 2 + 1.5 + 0.8 = 4.3; Di = Ada = 4.3; Ben 2.0 < 3.
    assert!(
        out.contains("tie at rank 1: Ada (C1), Cy (C3), Di (C4) all score 4.3"),
        "{out}"
    );
    let ben = out.lines().find(|l| l.contains("Ben")).unwrap();
    assert!(
        ben.starts_with('4') && ben.contains("below minimum") && ben.contains("ego_strength 2×0.5"),
        "{ben}"
    );
}

#[test]
fn recruiting_errors_name_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), "potential");
    std::fs::write(
        dir.path().join("c.csv"),
        "candidate_id,name,ego_strength,empathy\nC1,Ada,5,4\n",
    )
    .unwrap();
    let (code, _, err) = fuerza(dir.path(), &["recruit", "plan.toml", "--candidates", "c.csv"]);
    assert_eq!(code, 1);
    assert!(err.contains("c.csv:1:1: missing column(s): confidence"), "{err}");
    std::fs::write(
        dir.path().join("c.csv"),
        "candidate_id,name,ego_strength,empathy,confidence\nC1,Ada,6,4,\n",
    )
    .unwrap();
    let (code, _, err) = fuerza(dir.path(), &["recruit", "plan.toml", "--candidates", "c.csv"]);
    assert_eq!(code, 1);
    assert!(err.contains("c.csv:2:3: score 6 is outside the 1–5 scale"), "{err}");
    assert!(err.contains("c.csv:2:5: the score is missing"), "{err}");
}
