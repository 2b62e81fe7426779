//! `opportunities.csv`: each opportunity walks the sales process from the
//! first stage, converting into each next stage with a probability that
//! depends on the stage and the seller (and is much lower at a weak seller's
//! weak stage), until it is lost, won, or still open at the plan year's end.

use super::deals::date_text;
use super::num::{between, cents_text, chance, lognormal, pick_cumulative, to_cents, GenRng};
use super::roster::{GenRep, Role};
use super::setup::Setup;
use chrono::{NaiveDate, TimeDelta};
use std::io::{self, Write};

/// Counts of what was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OppStats {
    /// Data rows.
    pub rows: u64,
    /// Won.
    pub won: u64,
    /// Lost.
    pub lost: u64,
    /// Still open.
    pub open: u64,
}

/// Days before the plan year in which opportunities are already created.
const LEAD_DAYS: i64 = 60;
/// Conversion into the stages before the winning one, in turn.
const EARLY: [f64; 4] = [0.78, 0.82, 0.75, 0.80];
/// Conversion into the winning stage.
const WIN: f64 = 0.66;
/// Conversion into stages after the sale (follow-up).
const AFTER: f64 = 0.80;
/// How much a weak seller keeps of the normal conversion at the weak stage.
const WEAK: f64 = 0.35;

/// The base probability of converting into stage `k` (k ≥ 1).
fn base_rate(setup: &Setup, k: usize) -> f64 {
    if k < setup.won_at {
        EARLY[(k - 1) % EARLY.len()]
    } else if k == setup.won_at {
        WIN
    } else {
        AFTER
    }
}

/// Writes `count` opportunities for the sellers of `reps`.
pub fn write<W: Write>(setup: &Setup, reps: &[GenRep], count: u64, rng: &mut GenRng, out: W) -> io::Result<OppStats> {
    let mut w = csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(out);
    w.write_record(crate::plan::load::FILE_COLUMNS[2].1)?;
    let mut stats = OppStats::default();
    let sellers: Vec<usize> = (0..reps.len()).filter(|&i| reps[i].sells()).collect();
    let stages = setup.stages.len();
    if sellers.is_empty() || count == 0 || stages < 2 {
        w.flush()?;
        return Ok(stats);
    }
    let as_of = setup.year_end();
    let first = setup.year_start - TimeDelta::days(LEAD_DAYS);
    let span = (as_of - TimeDelta::days(10) - first).num_days().max(1);
    let width = count.to_string().len().max(5);
    let mut cumulative = vec![0.0; sellers.len()];
    let mut last_day: Option<NaiveDate> = None;
    let (mut id, mut created_s, mut closed_s, mut amount_s) =
        (String::new(), String::new(), String::new(), String::new());
    for i in 0..count {
        let created = first + TimeDelta::days((i as i64 * span) / count as i64);
        if last_day != Some(created) {
            last_day = Some(created);
            let mut acc = 0.0;
            for (k, &s) in sellers.iter().enumerate() {
                let r = &reps[s];
                if r.active_on(created) {
                    let role = if r.role == Role::Sdr { 0.7 } else { 1.0 };
                    acc += role * (0.3 + 0.7 * r.ramp(r.scheme(setup), created));
                }
                cumulative[k] = acc;
            }
            if acc <= 0.0 {
                for (k, c) in cumulative.iter_mut().enumerate() {
                    *c = (k + 1) as f64;
                }
            }
        }
        let rep = &reps[sellers[pick_cumulative(rng, &cumulative).unwrap_or(0)]];
        // Better sellers convert a little better everywhere; weak stages stand out.
        let skill = (0.96 + 0.06 * (rep.skill - 1.0)).clamp(0.92, 1.0);
        // Walk the stages.
        let mut stage = 0;
        let mut date = created;
        let mut won_on: Option<NaiveDate> = None;
        let mut outcome: Option<(&str, NaiveDate)> = None;
        for k in 1..stages {
            let next = date + TimeDelta::days(between(rng, 5, 24));
            if next > as_of || rep.end.is_some_and(|e| next > e) {
                break; // still being worked when the data was pulled (or the owner left)
            }
            date = next;
            let mut p = base_rate(setup, k) * skill;
            if rep.weak_stage == Some(k) {
                p *= WEAK;
            }
            if chance(rng, p.min(0.97)) {
                stage = k;
                if k == setup.won_at {
                    won_on = Some(date);
                }
            } else {
                if stage < setup.won_at {
                    outcome = Some(("lost", date));
                }
                break;
            }
        }
        let (status, closed) = match (won_on, outcome) {
            (Some(d), _) => ("won", Some(d)),
            (None, Some(o)) => (o.0, Some(o.1)),
            (None, None) => ("open", None),
        };
        match status {
            "won" => stats.won += 1,
            "lost" => stats.lost += 1,
            _ => stats.open += 1,
        }
        let typical = rep.scheme(setup).quota / 40.0;
        if chance(rng, 0.03) {
            amount_s.clear(); // the CRM has no amount for this one
        } else {
            cents_text(to_cents(typical * lognormal(rng, 0.8)), &mut amount_s);
        }
        id.clear();
        {
            use std::fmt::Write as _;
            let _ = write!(id, "O{:0width$}", i + 1);
        }
        date_text(created, &mut created_s);
        match closed {
            Some(c) => date_text(c, &mut closed_s),
            None => closed_s.clear(),
        }
        w.write_record([
            id.as_str(),
            rep.id.as_str(),
            created_s.as_str(),
            setup.stages[stage].as_str(),
            status,
            amount_s.as_str(),
            closed_s.as_str(),
        ])?;
        stats.rows += 1;
    }
    w.flush()?;
    Ok(stats)
}
