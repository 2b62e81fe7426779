//! Tests of the generator: determinism, exact splits, dates in range, and
//! files that the real readers accept.

use super::*;
use crate::data::table::Problems;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

struct Files {
    reps: Vec<u8>,
    deals: Vec<u8>,
    opps: Vec<u8>,
    summary: Summary,
}

fn run(setup: &Setup, opts: &Options) -> Files {
    let (mut reps, mut deals, mut opps) = (Vec::new(), Vec::new(), Vec::new());
    let summary = generate(setup, opts, &mut reps, &mut deals, &mut opps).unwrap();
    Files {
        reps,
        deals,
        opps,
        summary,
    }
}

fn rows(bytes: &[u8]) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(bytes);
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            head.iter().cloned().zip(rec.iter().map(str::to_string)).collect()
        })
        .collect()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn small() -> Options {
    Options {
        reps: 40,
        deals: 3_000,
        opportunities: 1_200,
        seed: 11,
    }
}

#[test]
fn same_seed_gives_identical_bytes() {
    let s = Setup::builtin();
    let a = run(&s, &small());
    let b = run(&s, &small());
    assert_eq!(a.reps, b.reps);
    assert_eq!(a.deals, b.deals);
    assert_eq!(a.opps, b.opps);
    let c = run(&s, &Options { seed: 12, ..small() });
    assert_ne!(a.deals, c.deals);
    assert_ne!(a.reps, c.reps);
}

#[test]
fn more_deals_leave_the_roster_unchanged() {
    let s = Setup::builtin();
    let a = run(&s, &small());
    let b = run(
        &s,
        &Options {
            deals: 9_000,
            ..small()
        },
    );
    assert_eq!(a.reps, b.reps);
    assert_eq!(a.opps, b.opps);
}

#[test]
fn row_counts_are_exact() {
    let s = Setup::builtin();
    for deals in [0, 1, 2, 3, 57, 3_000] {
        let f = run(&s, &Options { deals, ..small() });
        assert_eq!(rows(&f.deals).len() as u64, deals);
        assert_eq!(f.summary.deals.rows, deals);
    }
    let f = run(&s, &small());
    assert_eq!(rows(&f.reps).len(), 40);
    assert_eq!(rows(&f.opps).len(), 1_200);
}

#[test]
fn splits_of_each_deal_sum_to_exactly_one() {
    let f = run(&Setup::builtin(), &small());
    let mut sums: BTreeMap<String, (Decimal, usize)> = BTreeMap::new();
    for r in rows(&f.deals) {
        let split = if r["split"].is_empty() {
            Decimal::ONE
        } else {
            Decimal::from_str(&r["split"]).unwrap()
        };
        let e = sums.entry(r["deal_id"].clone()).or_default();
        e.0 += split;
        e.1 += 1;
    }
    assert!(sums.values().all(|(s, _)| *s == Decimal::ONE));
    let split = sums.values().filter(|(_, n)| *n > 1).count();
    assert!(split > 50, "only {split} split deals");
    assert!(sums.values().any(|(_, n)| *n == 3));
    assert!(sums.values().all(|(_, n)| *n <= 3));
}

#[test]
fn dates_fall_where_expected() {
    let s = Setup::builtin();
    let f = run(&s, &small());
    let (start, end) = (s.year_start, s.year_end());
    let mut before = 0;
    for r in rows(&f.deals) {
        let close = date(&r["close_date"]);
        assert!(close >= start - chrono::TimeDelta::days(45) && close <= end, "{close}");
        before += usize::from(close < start);
        match r["status"].as_str() {
            "won" => assert!(r["cancel_date"].is_empty()),
            "cancelled" => assert!(date(&r["cancel_date"]) > close),
            s => panic!("status {s}"),
        }
        let amount = Decimal::from_str(&r["amount"]).unwrap();
        assert!(amount > Decimal::ZERO && amount.scale() == 2);
    }
    assert!(before > 0 && before < 100, "{before} rows before the year");
    for r in rows(&f.opps) {
        let created = date(&r["created_date"]);
        assert!(created >= start - chrono::TimeDelta::days(60) && created <= end);
        match r["status"].as_str() {
            "open" => {
                assert!(r["closed_date"].is_empty());
                assert!(s.stages.iter().position(|x| *x == r["stage"]).unwrap() < s.won_at);
            }
            "won" => {
                let c = date(&r["closed_date"]);
                assert!(c >= created && c <= end);
                assert!(s.stages.iter().position(|x| *x == r["stage"]).unwrap() >= s.won_at);
            }
            "lost" => {
                let c = date(&r["closed_date"]);
                assert!(c >= created && c <= end);
            }
            x => panic!("status {x}"),
        }
    }
    for r in rows(&f.reps) {
        if !r["hire_date"].is_empty() && !r["end_date"].is_empty() {
            assert!(date(&r["hire_date"]) <= date(&r["end_date"]));
        }
        if !r["end_date"].is_empty() {
            let e = date(&r["end_date"]);
            assert!(e > start && e < end);
        }
    }
}

#[test]
fn the_roster_is_a_realistic_tree() {
    let f = run(&Setup::builtin(), &small());
    let reps = rows(&f.reps);
    let lay = f.summary.layout;
    assert_eq!((lay.vp, lay.managers, lay.aes, lay.sdrs), (1, 4, 28, 7));
    let vp = &reps[0];
    assert_eq!(vp["scheme"], "vp");
    assert!(vp["manager_id"].is_empty());
    for r in reps.iter().filter(|r| r["scheme"] == "mgr") {
        assert_eq!(r["manager_id"], vp["rep_id"]);
        let team = reps.iter().filter(|x| x["manager_id"] == r["rep_id"]).count();
        assert!((7..=10).contains(&team), "team of {team}");
    }
    assert!(f.summary.hired_in_year >= 3);
    assert!((1..=2).contains(&f.summary.leavers));
    assert!(reps
        .iter()
        .filter(|r| r["scheme"] == "ae")
        .all(|r| !r["territory"].is_empty()));
}

#[test]
fn opportunities_have_every_status_and_cancellations_both_sides_of_90_days() {
    let f = run(&Setup::builtin(), &small());
    let o = &f.summary.opportunities;
    assert!(o.won > 100 && o.lost > 300 && o.open > 20, "{o:?}");
    let d = &f.summary.deals;
    assert!(
        d.cancelled_within_90 > 0 && d.cancelled > d.cancelled_within_90,
        "{d:?}"
    );
    assert!(d.customers < d.deals, "repeat customers expected: {d:?}");
}

#[test]
fn tiny_rosters_still_work() {
    let s = Setup::builtin();
    for reps in [1, 2, 3, 5, 9] {
        let f = run(
            &s,
            &Options {
                reps,
                deals: 50,
                opportunities: 20,
                seed: 3,
            },
        );
        assert_eq!(rows(&f.reps).len(), reps);
        assert_eq!(rows(&f.deals).len(), 50);
        assert_eq!(rows(&f.opps).len(), 20);
    }
}

const PLAN: &str = r#"
[plan]
name = "Gen test"
year_start = 2026-01-01
[[regions]]
id = "east"
[[regions]]
id = "west"
[[territories]]
id = "NE"
region = "east"
[[territories]]
id = "NW"
region = "west"
[[territories]]
id = "CA"
region = "west"
[[schemes]]
id = "ae"
quota = 1_000_000
weights = { renewal = 0.5 }
ramp = [0.0, 0.5]
[[schemes.components]]
kind = "commission"
name = "c"
tiers = [ { from = 0.0, rate = "5%" } ]
[[schemes]]
id = "mgr"
quota = 6_000_000
credit = "team"
"#;

#[test]
fn files_pass_the_real_readers_against_a_plan() {
    let plan = crate::plan::load(PLAN, "plan.toml")
        .map_err(|e| format!("{e:?}"))
        .unwrap()
        .plan;
    let setup = Setup::from_plan(&plan).unwrap();
    assert_eq!(setup.roles.ae.quota, 1_000_000.0);
    assert_eq!(setup.roles.vp.id, "mgr"); // no vp scheme: the VP falls back to mgr
    assert_eq!(setup.roles.sdr.id, "ae");
    assert_eq!(setup.regions.len(), 2);
    let f = run(&setup, &small());
    let mut problems = Problems::new(false);
    let roster = crate::data::reps::read("reps.csv", f.reps.as_slice(), &plan, &mut problems);
    assert!(!problems.failed(), "{:?}", problems.errors);
    assert_eq!(roster.reps.len(), 40);
    let mut n = 0;
    let scan = crate::data::deals::stream(
        "deals.csv",
        f.deals.as_slice(),
        None,
        &roster,
        &plan.schemes,
        &Default::default(),
        &mut problems,
        |_| n += 1,
    );
    assert!(!problems.failed(), "{:?}", problems.errors);
    assert_eq!((scan.rows, n), (3_000, 3_000));
    let (opps, _) = crate::data::opps::read(
        "opportunities.csv",
        f.opps.as_slice(),
        None,
        &roster,
        &plan.process,
        &mut problems,
    );
    assert!(!problems.failed(), "{:?}", problems.errors);
    assert_eq!(opps.len(), 1_200);
}

#[test]
fn attainment_spreads_around_quota() {
    // Credit each AE's plan-year deals (weights and multipliers of the built-in
    // AE scheme) against the quota the generator sized them for.
    let s = Setup::builtin();
    let opts = Options {
        deals: 5_000,
        ..small()
    };
    let mut rng = num::stream(opts.seed, ROSTER_STREAM);
    let reps = roster::build(&s, opts.reps, &mut rng);
    let f = run(&s, &opts);
    let mut credit: BTreeMap<String, f64> = BTreeMap::new();
    for r in rows(&f.deals) {
        if date(&r["close_date"]) < s.year_start {
            continue;
        }
        let split: f64 = if r["split"].is_empty() {
            1.0
        } else {
            r["split"].parse().unwrap()
        };
        let t = crate::units::DealType::parse(&r["deal_type"]).unwrap();
        let amount: f64 = r["amount"].parse().unwrap();
        let scheme = &s.roles.ae;
        *credit.entry(r["rep_id"].clone()).or_default() +=
            amount * split * scheme.weight(t) * scheme.multiplier(&r["product"]);
    }
    let att: Vec<f64> = reps
        .iter()
        .filter(|r| r.role == Role::Ae)
        .map(|r| credit.get(&r.id).copied().unwrap_or(0.0) / (deals::quota_share(&s, r) * s.roles.ae.quota))
        .collect();
    let at_quota = att.iter().filter(|a| **a >= 1.0).count() as f64 / att.len() as f64;
    let lo = att.iter().copied().fold(f64::MAX, f64::min);
    let hi = att.iter().copied().fold(f64::MIN, f64::max);
    assert!((0.5..=0.8).contains(&at_quota), "{at_quota} at quota: {att:?}");
    assert!(lo < 0.6 && hi > 1.4, "range {lo}..{hi}");
}

#[test]
fn the_builtin_setup_matches_the_acme_plan() {
    let src = include_str!("../../plans/acme.toml");
    let plan = crate::plan::load(src, "plans/acme.toml")
        .map_err(|e| format!("{e:?}"))
        .unwrap()
        .plan;
    assert_eq!(Setup::from_plan(&plan).unwrap(), Setup::builtin());
}

#[test]
fn counts_above_the_maximums_are_refused_with_the_option_and_the_limit() {
    let ok = Options::default();
    assert!(ok.check().is_ok());
    assert!(Options {
        reps: MAX_REPS,
        deals: MAX_ROWS,
        opportunities: MAX_ROWS,
        ..ok
    }
    .check()
    .is_ok());
    let e = Options {
        reps: 1_000_000_000,
        ..ok
    }
    .check()
    .unwrap_err();
    assert_eq!(e.message, "--reps 1000000000 is above the maximum of 200000");
    assert_eq!(e.value.as_deref(), Some("1000000000"));
    let e = Options {
        deals: MAX_ROWS + 1,
        ..ok
    }
    .check()
    .unwrap_err();
    assert!(e.message.starts_with("--deals 100000001 "), "{}", e.message);
    let e = Options {
        opportunities: u64::MAX,
        ..ok
    }
    .check()
    .unwrap_err();
    assert!(
        e.message.starts_with("--opportunities 18446744073709551615 "),
        "{}",
        e.message
    );
}
