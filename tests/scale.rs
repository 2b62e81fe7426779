#![allow(clippy::unwrap_used)] // a test harness: a failure to set up its own files should panic
//! Large inputs stay in proportion: a big roster gives a readable report and
//! a bounded warning list, many schemes do not draw a chart each, and the
//! roster has a documented maximum.

mod common;

use common::cli::{repo, Case, CHECK, EVALUATE};

/// A plan with `schemes` schemes: scheme s00 has `schemes` reps, s01 one fewer, ...
fn many_schemes(schemes: usize) -> Case {
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
    Case::new(&plan, &reps, &deals)
}

#[test]
fn at_most_24_payout_curves_are_drawn_the_busiest_schemes() {
    let t = many_schemes(30);
    let err = t.ok(EVALUATE).stderr;
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
    let out = t
        .ok(&[
            "chart",
            "payout-curve",
            "plan.toml",
            "--data",
            "data",
            "--scheme",
            "s29",
            "--out",
            "c",
        ])
        .stdout;
    assert!(out.contains("payout-curve-s29.svg"), "{out}");
}

#[test]
fn a_large_roster_gives_a_bounded_report_and_warning_list() {
    let t = Case::empty();
    let d = t.path();
    t.write("plan.toml", std::fs::read(repo("plans/acme.toml")).unwrap());
    t.generate_data(1200, 20_000, 3000);
    let err = t.ok(EVALUATE).stderr;
    let html = std::fs::read_to_string(d.join("out/report.html")).unwrap();
    assert_eq!(html.matches("<section class=\"statement\"").count(), 500);
    assert!(html.contains("The first 500 of 1200 reps' statements (those on the scorecard above) are shown; every rep's is in statements.csv"));
    assert!(html.contains("The first 500 of 1200 reps' scorecard rows are shown"));
    // Every link in the page lands on something in it (the scorecard links to the statements shown).
    for href in html.split("href=\"#").skip(1) {
        let id = &href[..href.find('"').unwrap()];
        assert!(html.contains(&format!("id=\"{id}\"")), "a link to #{id} lands nowhere");
    }
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
    let t = many_schemes(1);
    let mut reps = String::from("rep_id,name,scheme\n");
    for i in 0..=fuerza::data::reps::MAX_REPS {
        reps.push_str(&format!("R{i},R,s00\n"));
    }
    t.write("data/reps.csv", reps);
    let err = t.run(CHECK).failed().stderr;
    assert!(
        err.contains("error[reps.too-many]: data/reps.csv:200002: more than 200000 reps"),
        "{}",
        &err[..err.len().min(2000)]
    );
}
