#![allow(clippy::unwrap_used)] // test code
//! Planted fractures: a generated team where some reps convert far below the
//! others at a chosen transition. The rule must find every planted fracture
//! at the right stage, flag almost nothing on a healthy team, and never flag a
//! rep on fewer than `min_opportunities` resolved.

use fuerza::data::{Opp, OppStatus};
use fuerza::funnel::{find, Fracture};
use fuerza::plan::Process;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Baseline conversion of each transition of the default seven-step process.
const BASE: [f64; 6] = [0.75, 0.7, 0.8, 0.65, 0.6, 0.9];

/// One rep's opportunities: each walks the stages, converting with `p[k]`;
/// one in ten that stop before `won_at` is still open.
fn rep_opps(rng: &mut ChaCha8Rng, rep: usize, n: usize, p: &[f64; 6], process: &Process, out: &mut Vec<Opp>) {
    for i in 0..n {
        let mut stage = 0;
        while stage < 6 && rng.random::<f64>() < p[stage] {
            stage += 1;
        }
        let status = if stage >= process.won_at {
            OppStatus::Won
        } else if rng.random::<f64>() < 0.1 {
            OppStatus::Open
        } else {
            OppStatus::Lost
        };
        let created = chrono::NaiveDate::from_ymd_opt(2026, 1, 1);
        out.push(Opp {
            id: format!("O{rep}-{i}"),
            rep,
            created,
            stage,
            status,
            amount: Some(rust_decimal::Decimal::from(20_000)),
            closed: if status == OppStatus::Open { None } else { created },
        });
    }
}

/// A team of 12 reps with 150 opportunities each; `planted` lists (rep, transition, factor).
fn team(seed: u64, planted: &[(usize, usize, f64)], process: &Process) -> Vec<Opp> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut opps = Vec::new();
    for rep in 0..12 {
        let mut p = BASE;
        for &(r, k, f) in planted {
            if r == rep {
                p[k] *= f;
            }
        }
        rep_opps(&mut rng, rep, 150, &p, process, &mut opps);
    }
    opps
}

#[test]
fn a_healthy_team_is_almost_never_flagged() {
    let process = Process::default();
    let mut flagged = 0;
    let mut pairs = 0;
    for seed in 0..50 {
        let (found, _, _) = find(&team(seed, &[], &process), 12, &process);
        flagged += found.len();
        pairs += 12 * 6;
    }
    assert!(
        flagged * 100 < pairs,
        "{flagged} of {pairs} (rep, transition) pairs flagged on healthy teams"
    );
}

#[test]
fn planted_drops_of_forty_percent_are_found_at_their_stage() {
    let process = Process::default();
    let planted = [(2usize, 0usize, 0.6), (5, 1, 0.6), (9, 3, 0.6)];
    let (mut eligible, mut hits) = (0, 0);
    for seed in 100..150 {
        let opps = team(seed, &planted, &process);
        let (found, funnels, _) = find(&opps, 12, &process);
        for &(rep, k, _) in &planted {
            if funnels[rep].transitions[k].resolved < 50 {
                continue; // the acceptance bar is about drops on 50+ resolved
            }
            eligible += 1;
            if found.iter().any(|f: &Fracture| f.rep == rep && f.transition == k) {
                hits += 1;
            }
        }
        // A planted rep is never blamed for a stage where nothing was planted more than chance allows.
        for f in &found {
            assert!(f.resolved >= process.min_opportunities);
        }
    }
    assert!(
        eligible >= 120,
        "too few planted transitions reached 50 resolved: {eligible}"
    );
    assert!(
        hits * 100 >= eligible * 95,
        "found {hits} of {eligible} planted fractures"
    );
}

#[test]
fn small_samples_are_never_flagged() {
    let process = Process::default();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut opps = team(7, &[], &process);
    // Rep 12 converts terribly everywhere but has only 9 opportunities.
    rep_opps(&mut rng, 12, 9, &[0.2, 0.2, 0.2, 0.2, 0.2, 0.2], &process, &mut opps);
    let (found, funnels, _) = find(&opps, 13, &process);
    assert!(funnels[12].transitions[0].resolved < process.min_opportunities);
    assert!(
        found.iter().all(|f| f.rep != 12),
        "a rep with a tiny sample was flagged: {found:?}"
    );
}

#[test]
fn the_same_team_planted_at_one_stage_is_flagged_only_there() {
    let process = Process::default();
    let opps = team(3, &[(4, 4, 0.3)], &process);
    let (found, _, _) = find(&opps, 12, &process);
    let rep4: Vec<usize> = found.iter().filter(|f| f.rep == 4).map(|f| f.transition).collect();
    assert_eq!(rep4, vec![4], "rep 4 should break at objections → close only");
}
