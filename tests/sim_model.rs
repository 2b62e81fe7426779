//! The forecast model against known answers: a lognormal rep under a linear
//! plan matches the analytic mean within 3 standard errors, and a fitted
//! model reproduces the spread of the history it was fitted on.
#![allow(clippy::unwrap_used)]

use fuerza::calendar::{day_number, parse_date, Calendar};
use fuerza::data::quotas::Quotas;
use fuerza::data::{Rep, Roster};
use fuerza::sim::draw::{draw, Scenario};
use fuerza::sim::history::{HistDeal, History};
use fuerza::sim::model::{Body, Dist, Source};
use fuerza::sim::Pricer;
use fuerza::units::DealType;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

const LINEAR: &str = r#"
[plan]
name = "Linear"
currency = "USD"
year_start = 2026-01-01
period = "quarter"

[[schemes]]
id = "ae"
name = "AE"
base_salary = 50_000
target_incentive = 50_000
quota = 4_000_000

[[schemes.components]]
kind = "commission"
name = "Flat 10%"
tiers = [ { from = 0.0, rate = "10%" } ]
"#;

fn rep(id: &str) -> Rep {
    Rep {
        id: id.into(),
        name: id.into(),
        scheme: 0,
        territory: None,
        manager: None,
        hire: None,
        end: None,
        line: 2,
    }
}

fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller, independent of the code under test.
    let (u, v): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

#[test]
fn a_lognormal_rep_under_a_linear_plan_costs_the_analytic_mean() {
    let plan = fuerza::plan::load(LINEAR, "linear.toml").unwrap().plan;
    let cal = Calendar::new(plan.year_start, plan.period).unwrap();
    let roster = Roster::from_reps(vec![rep("A")]);
    let quotas = Quotas::new();
    for (p_zero, mu_money, sigma) in [(0.0, 300_000.0f64, 0.5f64), (0.25, 120_000.0, 0.9)] {
        let mut model = fuerza::sim::fit(&plan, &roster, &cal, &History::new(1), &[]);
        let mu = (mu_money * 100.0).ln();
        let m = &mut model.reps[0];
        m.dist = Dist {
            p_zero,
            body: Body::LogNormal { mu, sigma },
        };
        m.scale = vec![1.0; 4];
        m.mix = vec![(0, 1.0)];
        let pricer = Pricer::new(&plan, &roster, &cal, &quotas, &model, false);
        assert!(pricer.is_fast());
        let trials = 20_000u64;
        let o = &fuerza::sim::run(&model, std::slice::from_ref(&pricer), 99, trials, false, &|_| {})[0];
        let fy: Vec<f64> = (0..trials as usize).map(|t| o.incentive[t * 5 + 4] as f64).collect();
        let mean = fy.iter().sum::<f64>() / trials as f64;
        let var = fy.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (trials as f64 - 1.0);
        let se = (var / trials as f64).sqrt();
        // Per quarter: bookings X = 0 w.p. p_zero, else lognormal; cost = 10% of X; four quarters.
        let ex = (1.0 - p_zero) * (mu + sigma * sigma / 2.0).exp();
        let ex2 = (1.0 - p_zero) * (2.0 * mu + 2.0 * sigma * sigma).exp();
        let analytic_mean = 4.0 * 0.10 * ex;
        let analytic_sd = 0.10 * (4.0 * (ex2 - ex * ex)).sqrt();
        assert!(
            (mean - analytic_mean).abs() < 3.0 * se,
            "p_zero {p_zero}: simulated mean {mean:.0} cents, analytic {analytic_mean:.0}, SE {se:.0}"
        );
        let sd = var.sqrt();
        eprintln!("p_zero {p_zero}: mean {mean:.0} vs analytic {analytic_mean:.0} (SE {se:.0}); sd {sd:.0} vs {analytic_sd:.0}");
        assert!(
            (sd / analytic_sd - 1.0).abs() < 0.05,
            "p_zero {p_zero}: simulated sd {sd:.0}, analytic {analytic_sd:.0}"
        );
    }
}

#[test]
fn the_fitted_model_reproduces_the_spread_of_its_history() {
    // 30 reps, 36 months of history: each month's bookings are lognormal
    // around the rep's own level (spread 0.35 to 0.75), a month with nothing
    // 10% of the time; three to six deals a month.
    let src = LINEAR.replace("period = \"quarter\"", "period = \"month\"");
    let plan = fuerza::plan::load(&src, "monthly.toml").unwrap().plan;
    let cal = Calendar::new(plan.year_start, plan.period).unwrap();
    let n = 30;
    let roster = Roster::from_reps((0..n).map(|i| rep(&format!("R{i}"))).collect());
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut h = History::new(n);
    let key = h.key(DealType::New, None);
    let start = parse_date("2023-01-01").unwrap();
    let mut hist: Vec<Vec<f64>> = vec![Vec::new(); n];
    for (r, rep_hist) in hist.iter_mut().enumerate() {
        let level = 80_000.0 * (0.5 + rng.random::<f64>());
        let sigma = 0.35 + 0.4 * rng.random::<f64>();
        for m in 0..36u32 {
            let month = start.checked_add_months(chrono::Months::new(m)).unwrap();
            let total = if rng.random::<f64>() < 0.1 {
                0.0
            } else {
                level * (sigma * standard_normal(&mut rng)).exp()
            };
            let k = rng.random_range(3..7);
            let mut booked = 0.0;
            for j in 0..k {
                let amount = if j + 1 == k {
                    total - booked
                } else {
                    (total / k as f64 * 100.0).round() / 100.0
                };
                booked += amount;
                let day = day_number(month) + j * 5;
                let amount = Decimal::from_f64_retain(amount).unwrap().round_dp(2);
                if amount > Decimal::ZERO {
                    h.deals[r].push(HistDeal {
                        day,
                        amount,
                        value: amount,
                        split: Decimal::ONE,
                        key,
                        cancel: None,
                    });
                }
            }
            rep_hist.push((total * 100.0).round());
        }
        h.first = Some(day_number(start));
        h.last = Some(day_number(parse_date("2025-12-31").unwrap()));
    }
    let model = fuerza::sim::fit(&plan, &roster, &cal, &h, &[]);
    assert!(model.reps.iter().all(|m| m.source == Source::Own && m.observed == 36));
    // The seasonality learnt from flat history stays near 1.
    assert!(
        model.season.iter().all(|s| (s - 1.0).abs() < 0.25),
        "{:?}",
        model.season
    );
    let mut sc = Scenario::new(&model);
    let trials = 400;
    let mut sim: Vec<Vec<f64>> = vec![Vec::new(); n];
    for t in 0..trials {
        draw(&model, 3, t, None, &mut sc);
        for (r, s) in sim.iter_mut().enumerate() {
            for p in 0..12 {
                s.push(sc.cell(&model, r, p).iter().sum::<i64>() as f64);
            }
        }
    }
    let stats = |v: &[f64]| {
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let sd = (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (v.len() as f64 - 1.0)).sqrt();
        let zero = v.iter().filter(|&&x| x == 0.0).count() as f64 / v.len() as f64;
        let mut s: Vec<f64> = v.iter().map(|x| x / mean).collect();
        s.sort_by(f64::total_cmp);
        let q = |p: f64| s[((s.len() - 1) as f64 * p).round() as usize];
        (mean, sd / mean, zero, q(0.25), q(0.9))
    };
    let (mut mean_err, mut cv_ratio, mut zero_diff, mut p10, mut p90) = (vec![], vec![], vec![], vec![], vec![]);
    let (mut h10, mut h90) = (vec![], vec![]);
    for r in 0..n {
        let (hm, hcv, hz, hp10, hp90) = stats(&hist[r]);
        let (sm, scv, sz, sp10, sp90) = stats(&sim[r]);
        mean_err.push((sm / hm - 1.0).abs());
        cv_ratio.push(scv / hcv);
        zero_diff.push((sz - hz).abs());
        p10.push(sp10);
        p90.push(sp90);
        h10.push(hp10);
        h90.push(hp90);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    // History is 36 draws per rep, so each rep's own numbers are noisy; across
    // the team the simulated spread must match the historical one.
    assert!(median(&mut mean_err) < 0.12, "means: {mean_err:?}");
    let cv = median(&mut cv_ratio);
    assert!((cv - 1.0).abs() < 0.15, "median simulated/historical CV {cv}");
    assert!(median(&mut zero_diff) <= 0.05, "zero months: {zero_diff:?}");
    let (s10, s90, hh10, hh90) = (median(&mut p10), median(&mut p90), median(&mut h10), median(&mut h90));
    eprintln!("fit check: median CV ratio {cv:.3}; P25/mean sim {s10:.3} hist {hh10:.3}; P90/mean sim {s90:.3} hist {hh90:.3}");
    assert!(
        (s10 - hh10).abs() < 0.12,
        "P25/mean: simulated {s10:.3}, history {hh10:.3}"
    );
    assert!(
        (s90 - hh90).abs() < 0.15,
        "P90/mean: simulated {s90:.3}, history {hh90:.3}"
    );
}
