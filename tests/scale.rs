#![allow(clippy::unwrap_used)] // a test harness: a failure to set up its own files should panic
//! Large inputs stay in proportion: a big roster gives a readable report and
//! a bounded warning list, many schemes do not draw a chart each, and the
//! roster has a documented maximum.

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fuerza"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let (o, e) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(!e.contains("panicked"), "{e}");
    (out.status.code().unwrap_or(-1), o, e)
}

/// A plan with `schemes` schemes and one rep each.
fn many_schemes(dir: &Path, schemes: usize) {
    let mut plan =
        String::from("[plan]\nname = \"Many\"\ncurrency = \"USD\"\nyear_start = 2026-01-01\nperiod = \"quarter\"\n");
    let mut reps = String::from("rep_id,name,scheme\n");
    let mut deals = String::from("deal_id,rep_id,close_date,amount\n");
    for i in 0..schemes {
        plan.push_str(&format!(
            "\n[[schemes]]\nid = \"s{i:02}\"\nname = \"S{i}\"\nbase_salary = 1000\ntarget_incentive = 1000\nquota = 10000\n\n[[schemes.components]]\nkind = \"commission\"\nname = \"C\"\ntiers = [ {{ from = 0, rate = \"5%\" }} ]\n"
        ));
        // Scheme s00 has the most reps, then s01, ...: the busiest are drawn.
        for k in 0..(schemes - i) {
            reps.push_str(&format!("R{i}x{k},Rep {i} {k},s{i:02}\n"));
            deals.push_str(&format!("D{i}x{k},R{i}x{k},2026-02-01,1000.00\n"));
        }
    }
    std::fs::write(dir.join("plan.toml"), plan).unwrap();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/reps.csv"), reps).unwrap();
    std::fs::write(dir.join("data/deals.csv"), deals).unwrap();
}

#[test]
fn at_most_24_payout_curves_are_drawn_the_busiest_schemes() {
    let t = tempfile::tempdir().unwrap();
    many_schemes(t.path(), 30);
    let (code, _, err) = run(t.path(), &["evaluate", "plan.toml", "--data", "data", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let curves: Vec<String> = std::fs::read_dir(t.path().join("out/charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("payout-curve-"))
        .collect();
    assert_eq!(curves.len(), 24, "{curves:?}");
    assert!(
        curves.contains(&"payout-curve-s00.svg".to_string()) && curves.contains(&"payout-curve-s23.svg".to_string())
    );
    assert!(!curves.contains(&"payout-curve-s24.svg".to_string()));
    assert!(
        err.contains("note: 6 more scheme(s) have no payout-curve chart"),
        "{err}"
    );
    // Any other is one command away.
    let (code, out, err) = run(
        t.path(),
        &[
            "chart",
            "payout-curve",
            "plan.toml",
            "--data",
            "data",
            "--scheme",
            "s29",
            "--out",
            "c",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("payout-curve-s29.svg"), "{out}");
}

#[test]
fn a_large_roster_gives_a_bounded_report_and_warning_list() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/acme.toml"),
        d.join("plan.toml"),
    )
    .unwrap();
    let (code, _, err) = run(
        d,
        &[
            "generate",
            "--plan",
            "plan.toml",
            "--out",
            "data",
            "--reps",
            "1200",
            "--deals",
            "20000",
            "--opportunities",
            "3000",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(d, &["evaluate", "plan.toml", "--data", "data", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(d.join("out/report.html")).unwrap();
    assert_eq!(html.matches("<section class=\"statement\"").count(), 500);
    assert!(html.contains("The first 500 of 1200 reps' statements are shown; every rep's is in statements.csv"));
    assert!(html.contains("The first 500 of 1200 reps' scorecard rows are shown"));
    // Every rep is still in the files.
    let payouts = std::fs::read_to_string(d.join("out/payouts.csv")).unwrap();
    assert_eq!(payouts.lines().count(), 1 + 1200 * 4);
    // No code is repeated more than 5 times plus its summary line.
    let mut by_code = std::collections::BTreeMap::<&str, usize>::new();
    for l in err.lines() {
        if let Some(code) = l.strip_prefix("warning[").and_then(|r| r.split(']').next()) {
            *by_code.entry(code).or_default() += 1;
        }
    }
    assert!(by_code.values().all(|&n| n <= 6), "{by_code:?}");
    assert!(err.lines().all(|l| l.len() < 2000), "a warning line stays readable");
}

#[test]
fn more_reps_than_the_maximum_is_a_clear_error() {
    let t = tempfile::tempdir().unwrap();
    many_schemes(t.path(), 1);
    let mut reps = String::from("rep_id,name,scheme\n");
    for i in 0..=fuerza::data::reps::MAX_REPS {
        reps.push_str(&format!("R{i},R,s00\n"));
    }
    std::fs::write(t.path().join("data/reps.csv"), reps).unwrap();
    let (code, _, err) = run(t.path(), &["check", "plan.toml", "--data", "data"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("error[reps.too-many]: data/reps.csv:200002: more than 200000 reps"),
        "{}",
        &err[..err.len().min(2000)]
    );
}
