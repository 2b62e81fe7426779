//! `fuerza simulate` and `fuerza compare` end to end: byte-identical outputs
//! for any number of threads, zero-variance history replaying `evaluate` to
//! the cent, and the comparison's files.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fuerza(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("fuerza").unwrap();
    c.current_dir(dir);
    c
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(name, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// 30 reps on one scheme with eight quarters of varied bookings, for `benches/sim_plan.toml`.
fn bench_data(dir: &Path) {
    let mut reps = String::from("rep_id,name,scheme\n");
    let mut deals = String::from("deal_id,rep_id,close_date,amount\n");
    let mut x: u64 = 7;
    let mut next = |m: u64| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (x >> 33) % m
    };
    for r in 0..30 {
        reps.push_str(&format!("R{r},Rep {r},ae\n"));
        for (i, month) in [
            "2024-02", "2024-05", "2024-08", "2024-11", "2025-02", "2025-05", "2025-08", "2025-11",
        ]
        .iter()
        .enumerate()
        {
            for k in 0..1 + next(3) {
                let cents = 5_000_000 + next(40_000_000);
                deals.push_str(&format!(
                    "D{r}-{i}-{k},R{r},{month}-{:02},{}.{:02}\n",
                    1 + next(28),
                    cents / 100,
                    cents % 100
                ));
            }
        }
    }
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("reps.csv"), reps).unwrap();
    std::fs::write(dir.join("deals.csv"), deals).unwrap();
}

/// Runs `simulate` with 1, 2 and 8 threads; returns each run's files.
fn runs_by_threads(plan: &Path, data: Option<&Path>) -> Vec<BTreeMap<String, Vec<u8>>> {
    let mut runs = Vec::new();
    for threads in ["1", "2", "8"] {
        let dir = tempfile::tempdir().unwrap();
        let mut c = fuerza(dir.path());
        c.args(["simulate", plan.to_str().unwrap(), "--trials", "300", "--seed", "11"]);
        if let Some(d) = data {
            c.args(["--data", d.to_str().unwrap()]);
        }
        c.args(["--threads", threads, "--out", "out"]).assert().success();
        runs.push(files(&dir.path().join("out")));
    }
    runs
}

#[test]
fn the_commission_kernel_gives_the_same_bytes_for_any_number_of_threads() {
    let data = tempfile::tempdir().unwrap();
    bench_data(data.path());
    let runs = runs_by_threads(&root().join("benches/sim_plan.toml"), Some(data.path()));
    assert!(
        read_str(&runs[0]["forecast.csv"]).lines().count() == 6,
        "4 quarters and FY"
    );
    assert_eq!(runs[0], runs[1], "--threads 1 and 2 differ");
    assert_eq!(runs[0], runs[2], "--threads 1 and 8 differ");
}

fn read_str(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap()
}

#[test]
fn the_same_seed_gives_the_same_bytes_for_any_number_of_threads() {
    let plan = root().join("plans/acme.toml");
    let runs = runs_by_threads(&plan, None);
    assert!(runs[0].contains_key("forecast.csv") && runs[0].contains_key("reps_forecast.csv"));
    assert!(runs[0].contains_key("manifest.json") && runs[0].contains_key("model.csv"));
    assert_eq!(runs[0], runs[1], "--threads 1 and 2 differ");
    assert_eq!(runs[0], runs[2], "--threads 1 and 8 differ");
    let dir = tempfile::tempdir().unwrap();
    fuerza(dir.path())
        .args(["simulate", plan.to_str().unwrap(), "--trials", "300", "--seed", "12"])
        .args(["--threads", "2", "--out", "out"])
        .assert()
        .success();
    let other = files(&dir.path().join("out"));
    assert_ne!(
        runs[0]["forecast.csv"], other["forecast.csv"],
        "another seed gave the same forecast"
    );
    assert_eq!(
        runs[0]["model.csv"], other["model.csv"],
        "the fit does not depend on the seed"
    );
    // model.csv shows the model as fitted: an SDR (a scheme without clawbacks,
    // whose cancellations the trials do not draw) keeps its fitted rate.
    let model = read_str(&runs[0]["model.csv"]);
    let sdr02 = model.lines().find(|l| l.starts_with("SDR02,")).unwrap();
    assert_eq!(sdr02.split(',').nth(8), Some("0.5000"), "{sdr02}");
}

#[test]
fn forecast_has_the_spec_columns_and_sane_values() {
    let dir = tempfile::tempdir().unwrap();
    let plan = root().join("plans/acme.toml");
    let out = fuerza(dir.path())
        .args(["simulate", plan.to_str().unwrap(), "--trials", "400", "--out", "out"])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("expected share of reps at or above quota"), "{stdout}");
    let f = read(&dir.path().join("out/forecast.csv"));
    let lines: Vec<&str> = f.lines().collect();
    assert_eq!(lines[0], "period,trials,mean,p10,p50,p90,cost_of_sales_p50");
    assert_eq!(lines.len(), 6, "{f}");
    let periods: Vec<&str> = lines[1..].iter().map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(periods, ["Q1", "Q2", "Q3", "Q4", "FY"]);
    let mut sum_means = 0.0;
    for l in &lines[1..] {
        let c: Vec<&str> = l.split(',').collect();
        assert_eq!(c[1], "400");
        for m in &c[2..6] {
            let (_, cents) = m.split_once('.').unwrap();
            assert_eq!(cents.len(), 2, "money with 2 decimals: {l}");
        }
        let v: Vec<f64> = c[2..6].iter().map(|x| x.parse().unwrap()).collect();
        assert!(v[1] <= v[2] && v[2] <= v[3], "P10 ≤ P50 ≤ P90: {l}");
        assert!(v[0] > 0.0);
        let cos: f64 = c[6].parse().unwrap();
        assert!(cos > 0.0 && cos < 0.5, "{l}");
        if c[0] != "FY" {
            sum_means += v[0];
        }
    }
    let fy: f64 = lines[5].split(',').nth(2).unwrap().parse().unwrap();
    assert!(
        (sum_means - fy).abs() < 0.05,
        "period means add up to the FY mean: {sum_means} vs {fy}"
    );
    let cost = read(&dir.path().join("out/charts/forecast-cost.svg"));
    assert!(cost.contains("<title>Forecast incentive cost — Acme FY2026</title>"));
    for mark in ["P10", "P50", "P90"] {
        assert!(cost.contains(mark), "{mark} not marked");
    }
    let chance = read(&dir.path().join("out/charts/forecast-attainment.svg"));
    assert!(chance.contains("Chance of reaching quota, by rep"));
    let reps = read(&dir.path().join("out/reps_forecast.csv"));
    assert!(reps.starts_with("rep_id,p_attain,expected_pay,p90_pay\n"));
    assert_eq!(reps.lines().count(), 41);
    for l in reps.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        let p: f64 = c[1].parse().unwrap();
        assert!((0.0..=1.0).contains(&p), "{l}");
        let (e, p90): (f64, f64) = (c[2].parse().unwrap(), c[3].parse().unwrap());
        assert!(e > 0.0 && p90 >= e * 0.9, "{l}");
    }
}

/// A year where every rep books the same each quarter: tiers with a cap, a
/// draw, a period cap, a bonus curve, a milestone, and (unless `own_only`,
/// which the simulation's kernel pays) a manager on team credit with an override.
/// The plan's text is changed by `tweak` before it is written.
fn zero_variance_case_with(dir: &Path, own_only: bool, tweak: impl Fn(String) -> String) {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let plan = r#"
[plan]
name = "Zero variance"
currency = "USD"
year_start = 2026-01-01
period = "quarter"

[[schemes]]
id = "ae"
name = "AE"
base_salary = 80_000
target_incentive = 60_000
quota = 1_000_000
weights = { renewal = 0.5 }
products = { Platform = 1.2 }
cap = { period = 30_000 }
draw = { amount = 4_000 }

[[schemes.components]]
kind = "commission"
name = "Commission"
tiers = [ { from = 0.0, rate = "3%" }, { from = 0.5, rate = "1.5x" }, { from = 1.0, rate = "9.5%" }, { from = 1.5, rate = "12%" } ]
cap = 25_000
"#;
    let rest = r#"
[[schemes.components]]
kind = "bonus"
name = "Bonus"
target = 12_000
curve = [[0.6, 0.3], [1.0, 1.0], [1.4, 1.8]]

[[schemes.components]]
kind = "milestone"
name = "Club"
at = 1.1
amount = 1_500
"#;
    let manager = r#"
[[schemes]]
id = "mgr"
name = "Manager"
base_salary = 120_000
target_incentive = 40_000
quota = 3_000_000
credit = "team"

[[schemes.components]]
kind = "override"
name = "Override"
rate = "0.7%"
scope = "all"

[[schemes.components]]
kind = "bonus"
name = "Team bonus"
target = 30_000
curve = [[0.8, 0.5], [1.0, 1.0], [1.2, 1.5]]
"#;
    let plan = if own_only {
        format!("{plan}{rest}")
    } else {
        format!("{plan}{rest}{manager}")
    };
    std::fs::write(dir.join("plan.toml"), tweak(plan)).unwrap();
    let mut reps = String::from("rep_id,name,scheme,manager_id\n");
    if !own_only {
        reps.push_str("M1,Mia,mgr,\n");
    }
    let mut deals = String::from("deal_id,rep_id,product,deal_type,close_date,amount\n");
    let books = [
        ("A1", "101234.57", "40000.00"),
        ("A2", "180000.00", "95000.13"),
        ("A3", "266666.67", "10000.00"),
        ("A4", "37000.01", "0.00"),
        ("A5", "455555.55", "120000.00"),
    ];
    let mut d = 0;
    for (id, new_amount, renewal) in books {
        let manager = if own_only { "" } else { "M1" };
        reps.push_str(&format!("{id},Rep {id},ae,{manager}\n"));
        for (q, day) in ["2026-01-05", "2026-04-09", "2026-07-20", "2026-12-15"]
            .iter()
            .enumerate()
        {
            d += 1;
            deals.push_str(&format!("D{d},{id},Platform,new,{day},{new_amount}\n"));
            if renewal != "0.00" {
                d += 1;
                deals.push_str(&format!("D{d},{id},,renewal,{day},{renewal}\n"));
            }
            let _ = q;
        }
    }
    std::fs::write(dir.join("data/reps.csv"), reps).unwrap();
    std::fs::write(dir.join("data/deals.csv"), deals).unwrap();
}

fn money_cents(s: &str) -> i64 {
    let (a, b) = s.split_once('.').unwrap();
    let sign = if a.starts_with('-') { -1 } else { 1 };
    sign * (a.trim_start_matches('-').parse::<i64>().unwrap() * 100 + b.parse::<i64>().unwrap())
}

#[test]
fn zero_variance_history_replays_evaluate_to_the_cent() {
    replays_evaluate(false);
}

#[test]
fn zero_variance_history_replays_evaluate_to_the_cent_on_the_kernel() {
    replays_evaluate(true);
}

#[test]
fn zero_variance_history_replays_evaluate_with_cumulative_tiers_and_a_stepped_draw() {
    // A cumulative commission and bonus (year-to-date tiers and curve with a
    // true-up: simulate pays them by the traced program) and a draw by tenure
    // month with a recovery cap.
    replays_evaluate_with(false, |p| {
        let p = p
            .replace("name = \"Commission\"\n", "name = \"Commission\"\ncumulative = true\n")
            .replace("name = \"Bonus\"\n", "name = \"Bonus\"\ncumulative = true\n")
            .replace(
                "draw = { amount = 4_000 }",
                "draw = { amount = [6_000, 4_000], recovery_cap = 0.25 }",
            );
        assert_eq!(p.matches("cumulative = true").count(), 2);
        assert!(p.contains("recovery_cap"));
        p
    });
}

fn replays_evaluate(own_only: bool) {
    replays_evaluate_with(own_only, |p| p);
}

fn replays_evaluate_with(own_only: bool, tweak: impl Fn(String) -> String) {
    let dir = tempfile::tempdir().unwrap();
    zero_variance_case_with(dir.path(), own_only, tweak);
    assert_simulate_replays_evaluate(dir.path());
}

#[test]
fn zero_variance_weekly_history_replays_evaluate_to_the_cent() {
    // Weekly periods: the same bookings every whole week and a seventh of them
    // in the one-day W53 (whose capacity is its one day); base, targets and
    // quotas by days.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("data")).unwrap();
    let plan = r#"
[plan]
name = "Zero variance weekly"
currency = "USD"
year_start = 2026-01-01
period = "week"

[[schemes]]
id = "ae"
name = "AE"
base_salary = 73_000
target_incentive = 36_500
quota = 365_000
cap = { period = 3_000 }

[[schemes.components]]
kind = "commission"
name = "Commission"
tiers = [ { from = 0.0, rate = "3%" }, { from = 0.5, rate = "1.5x" }, { from = 1.0, rate = "9.5%" } ]

[[schemes.components]]
kind = "bonus"
name = "Bonus"
target = 36_500
curve = [[0.6, 0.3], [1.0, 1.0], [1.4, 1.8]]
"#;
    std::fs::write(d.join("plan.toml"), plan).unwrap();
    let mut reps = String::from("rep_id,name,scheme,manager_id\n");
    let mut deals = String::from("deal_id,rep_id,product,deal_type,close_date,amount\n");
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    for (id, week_cents) in [("A1", 770_000i64), ("A2", 560_000), ("A3", 1_050_000)] {
        reps.push_str(&format!("{id},Rep {id},ae,\n"));
        for w in 0..53 {
            let day = start + chrono::Duration::days(7 * w);
            let c = if w < 52 { week_cents } else { week_cents / 7 };
            deals.push_str(&format!("{id}-{w},{id},,new,{day},{}.{:02}\n", c / 100, c % 100));
        }
    }
    std::fs::write(d.join("data/reps.csv"), reps).unwrap();
    std::fs::write(d.join("data/deals.csv"), deals).unwrap();
    assert_simulate_replays_evaluate(d);
    let forecast = read(&d.join("sim/forecast.csv"));
    assert_eq!(
        forecast.lines().filter(|l| l.starts_with('W')).count(),
        53,
        "{forecast}"
    );
}

/// Evaluates and simulates the case in `dir` (64 trials, batched and traced):
/// every period's and rep's forecast statistic equals the evaluated pay.
fn assert_simulate_replays_evaluate(dir: &Path) {
    fuerza(dir)
        .args(["evaluate", "plan.toml", "--data", "data", "--out", "ev"])
        .assert()
        .success();
    fuerza(dir)
        .args([
            "simulate",
            "plan.toml",
            "--data",
            "data",
            "--trials",
            "64",
            "--out",
            "sim",
        ])
        .assert()
        .success();
    let payouts = read(&dir.join("ev/payouts.csv"));
    let header: Vec<&str> = payouts.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (ci, ct, cp) = (col("incentive_paid"), col("total_pay"), col("period"));
    let mut by_period: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_rep: BTreeMap<String, i64> = BTreeMap::new();
    for l in payouts.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        *by_period.entry(c[cp].to_string()).or_default() += money_cents(c[ci]);
        *by_rep.entry(c[0].to_string()).or_default() += money_cents(c[ct]);
    }
    let fy: i64 = by_period.values().sum();
    assert!(fy > 0);
    let forecast = read(&dir.join("sim/forecast.csv"));
    for l in forecast.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        let want = if c[0] == "FY" { fy } else { by_period[c[0]] };
        for (i, stat) in ["mean", "p10", "p50", "p90"].iter().enumerate() {
            assert_eq!(money_cents(c[2 + i]), want, "{} {stat}: forecast {l}", c[0]);
        }
    }
    let reps = read(&dir.join("sim/reps_forecast.csv"));
    for l in reps.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        assert_eq!(money_cents(c[2]), by_rep[c[0]], "expected pay of {}", c[0]);
        assert_eq!(money_cents(c[3]), by_rep[c[0]], "P90 pay of {}", c[0]);
        assert!(c[1] == "0.0000" || c[1] == "1.0000", "{l}");
    }
    // The traced program (--generic) gives the same bytes as the batches.
    fuerza(dir)
        .args([
            "simulate",
            "plan.toml",
            "--data",
            "data",
            "--trials",
            "64",
            "--out",
            "gen",
            "--generic",
        ])
        .assert()
        .success();
    assert_eq!(
        read(&dir.join("gen/forecast.csv")),
        forecast,
        "traced and batched runs differ"
    );
}

#[test]
fn compare_runs_both_acme_plans_on_the_same_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let a = root().join("plans/acme.toml");
    let b = root().join("plans/acme-accelerated.toml");
    let out = fuerza(dir.path())
        .args([
            "compare",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--trials",
            "200",
            "--out",
            "cmp",
        ])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("acme-accelerated vs acme"), "{stdout}");
    let c = read(&dir.path().join("cmp/compare.csv"));
    assert!(c.starts_with("metric,acme,acme-accelerated\n"), "{c}");
    for m in [
        "total_pay",
        "cost_p50",
        "top10_share",
        "corr_attainment_incentive",
        "reps_above_ote",
    ] {
        assert!(c.lines().any(|l| l.starts_with(&format!("{m},"))), "{m} missing:\n{c}");
    }
    let curves = read(&dir.path().join("cmp/charts/compare-payout-curve-ae.svg"));
    assert!(curves.contains("Payout curves compared — Account Executive"));
    let legend = |name: &str| curves.lines().any(|l| l.trim() == name);
    assert!(legend("acme") && legend("acme-accelerated"), "both plans in the legend");
    let change = read(&dir.path().join("cmp/charts/compare-pay-change-acme-accelerated.svg"));
    assert!(change.contains("Change in expected pay: acme-accelerated vs acme"));
    let reps = read(&dir.path().join("cmp/compare_reps.csv"));
    assert!(
        reps.starts_with("rep_id,name,scheme,expected_pay_acme,expected_pay_acme-accelerated,delta_acme-accelerated\n")
    );
    assert_eq!(reps.lines().count(), 41);
    // Each delta is B − A.
    for l in reps.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        assert_eq!(money_cents(c[5]), money_cents(c[4]) - money_cents(c[3]), "{l}");
    }
    // The baseline's expected pay equals simulate's on the same seed and trials.
    fuerza(dir.path())
        .args(["simulate", a.to_str().unwrap(), "--trials", "200", "--out", "sim"])
        .assert()
        .success();
    let sim = read(&dir.path().join("sim/reps_forecast.csv"));
    let sim_pay: BTreeMap<&str, &str> = sim
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0], c[2])
        })
        .collect();
    let mut checked = 0;
    for l in reps.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        if let Some(p) = sim_pay.get(c[0]) {
            // compare draws SPIFF rows for the union of both plans' windows, so
            // only reps without SPIFF exposure match to the cent; the others are close.
            let (x, y) = (money_cents(p), money_cents(c[3]));
            assert!((x - y).abs() <= x / 100 + 100, "{l} vs simulate {p}");
            checked += 1;
        }
    }
    assert_eq!(checked, 40);
}

/// A quarterly plan with one scheme `ae` whose one component is `component`,
/// and reps A1–A4 closing three deals (amounts `amount(rep, k)`, k = 1..=3)
/// in the middle of each quarter.
fn quarterly_case(d: &Path, component: &str, amount: impl Fn(usize, usize) -> String) {
    std::fs::create_dir_all(d.join("data")).unwrap();
    let plan = format!(
        "[plan]\nname = \"Quarterly\"\ncurrency = \"USD\"\nyear_start = 2026-01-01\nperiod = \"quarter\"\n\n\
         [[schemes]]\nid = \"ae\"\nname = \"AE\"\nbase_salary = 80_000\ntarget_incentive = 40_000\nquota = 400_000\n\n\
         [[schemes.components]]\n{component}\n"
    );
    std::fs::write(d.join("plan.toml"), plan).unwrap();
    let mut reps = String::from("rep_id,name,scheme\n");
    let mut deals = String::from("deal_id,rep_id,close_date,amount\n");
    let mut n = 0;
    for r in 1..=4 {
        reps.push_str(&format!("A{r},Rep {r},ae\n"));
        for day in ["2026-01-15", "2026-04-15", "2026-07-15", "2026-10-15"] {
            for k in 1..=3 {
                n += 1;
                deals.push_str(&format!("D{n},A{r},{day},{}\n", amount(r, k)));
            }
        }
    }
    std::fs::write(d.join("data/reps.csv"), reps).unwrap();
    std::fs::write(d.join("data/deals.csv"), deals).unwrap();
}

#[test]
fn a_per_deal_plan_forecasts_its_year_from_drawn_deal_rows() {
    // Every rep closes the same three deals each quarter; the per-deal
    // commission (tiers per deal, a max and a min) is paid on each trial's
    // drawn won rows (Poisson counts, rows resampled from the rep's history),
    // so the forecast varies, but its mean is the evaluated year's pay.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    quarterly_case(
        d,
        r#"kind = "commission"
name = "Deal commission"
basis = "deal"
tiers = [ { from = 0, rate = "5%" }, { from = 10_000, rate = "8%" } ]
deal_limits = { min = 100, max = 1_500 }"#,
        |_, k| ["1000.00", "12000.00", "40000.00"][k - 1].to_string(),
    );
    fuerza(d)
        .args(["evaluate", "plan.toml", "--data", "data", "--out", "ev"])
        .assert()
        .success();
    // Per rep and quarter: 100 (the min) + (500 + 160) + 1,500 (the max) = 2,260.00; 4 reps × 4 quarters.
    let payouts = read(&d.join("ev/payouts.csv"));
    let incentive: i64 = payouts
        .lines()
        .skip(1)
        .map(|l| money_cents(l.split(',').nth(13).unwrap()))
        .sum();
    assert_eq!(incentive, 4 * 4 * 226_000, "{payouts}");
    let out = fuerza(d)
        .args([
            "simulate",
            "plan.toml",
            "--data",
            "data",
            "--trials",
            "4000",
            "--seed",
            "7",
            "--out",
            "sim",
        ])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("traced pay program"), "{stderr}");
    let forecast = read(&d.join("sim/forecast.csv"));
    let fy = forecast.lines().find(|l| l.starts_with("FY,")).unwrap();
    let c: Vec<&str> = fy.split(',').collect();
    let (mean, p10, p90) = (money_cents(c[2]), money_cents(c[3]), money_cents(c[5]));
    let err = (mean - incentive).abs() as f64 / incentive as f64;
    assert!(err < 0.02, "forecast mean {mean} against evaluated {incentive}: {fy}");
    assert!(p10 < incentive && incentive < p90, "{fy}");
}

#[test]
fn a_contest_pays_its_prizes_in_every_trial_of_the_period_its_window_ends() {
    // Four reps with different deals every quarter; a contest over H1 with two
    // prizes: each trial's drawn rows rank the reps, and whoever wins, the
    // prizes paid in Q2 are 1,000 + 500 (ties share them), nothing elsewhere.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    quarterly_case(
        d,
        r#"kind = "contest"
name = "H1"
from = 2026-01-01
to = 2026-06-30
prizes = [1_000, 500]"#,
        |r, k| format!("{}.00", 1000 * r + 37 * k),
    );
    fuerza(d)
        .args(["evaluate", "plan.toml", "--data", "data", "--out", "ev"])
        .assert()
        .success();
    let statements = read(&d.join("ev/statements.csv"));
    assert!(
        statements.contains("A4,Q2,H1,place 1,24444.00,,1000.00"),
        "{statements}"
    );
    assert!(statements.contains("A3,Q2,H1,place 2,18444.00,,500.00"), "{statements}");
    fuerza(d)
        .args([
            "simulate",
            "plan.toml",
            "--data",
            "data",
            "--trials",
            "500",
            "--out",
            "sim",
        ])
        .assert()
        .success();
    let forecast = read(&d.join("sim/forecast.csv"));
    for l in forecast.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        let want = if c[0] == "Q2" || c[0] == "FY" { 150_000 } else { 0 };
        for stat in &c[2..6] {
            assert_eq!(money_cents(stat), want, "{l}");
        }
    }
}

#[test]
fn compare_refuses_to_simulate_plans_that_credit_rows_by_other_column_multipliers() {
    // The simulation learns one history, measured as the first plan credits
    // each rep's rows; a plan without the first's column multipliers would be
    // priced on values it does not credit, so simulate refuses (--actual works).
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let case = root().join("tests/golden/71-column-multipliers");
    let with = read(&case.join("plan.toml"));
    let start = with.find("[[schemes.multipliers]]").unwrap();
    let end = with.find("[[schemes.components]]").unwrap();
    let without = format!("{}{}", &with[..start], &with[end..]);
    let without = without.split("\n[data.deals]").next().unwrap();
    std::fs::write(d.join("with.toml"), &with).unwrap();
    std::fs::write(d.join("without.toml"), without).unwrap();
    let data = case.join("data");
    let data = data.to_str().unwrap();
    let out = fuerza(d)
        .args([
            "compare",
            "with.toml",
            "without.toml",
            "--data",
            data,
            "--trials",
            "50",
            "--out",
            "cmp",
        ])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("other column multipliers than with.toml"), "{stderr}");
    assert!(stderr.contains("--actual"), "{stderr}");
    assert!(!d.join("cmp").exists());
    fuerza(d)
        .args([
            "compare",
            "with.toml",
            "without.toml",
            "--data",
            data,
            "--actual",
            "--out",
            "act",
        ])
        .assert()
        .success();
}
