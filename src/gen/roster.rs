//! The generated sales force: a VP, regional managers, account executives and
//! SDRs in a reporting tree, with hire and leave dates, territories and each
//! person's hidden "skill" (the attainment the deals are sized to reach).

use super::names::Names;
use super::num::{between, chance, index, GenRng};
use super::setup::{SchemeSpec, Setup};
use chrono::{Datelike, Months, NaiveDate};

/// What a generated person does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Head of sales; paid on everyone below.
    Vp,
    /// Regional manager; paid on the team.
    Manager,
    /// Account executive: closes most deals.
    Ae,
    /// Sales development rep: small inbound deals and early pipeline.
    Sdr,
}

/// One generated person.
#[derive(Debug, Clone)]
pub struct GenRep {
    /// rep_id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Territory id, if any.
    pub territory: Option<String>,
    /// Index of the region in the setup.
    pub region: usize,
    /// Index of the manager in the roster.
    pub manager: Option<usize>,
    /// Hire date (absent: long-tenured, hired before the plan year).
    pub hire: Option<NaiveDate>,
    /// Last day worked.
    pub end: Option<NaiveDate>,
    /// The annual attainment this person's deals are sized for.
    pub skill: f64,
    /// A stage (index) into which this person converts clearly worse than peers.
    pub weak_stage: Option<usize>,
}

impl GenRep {
    /// Whether the person closes deals and owns opportunities.
    pub fn sells(&self) -> bool {
        matches!(self.role, Role::Ae | Role::Sdr)
    }

    /// Whether the person works on day `d`.
    pub fn active_on(&self, d: NaiveDate) -> bool {
        self.hire.is_none_or(|h| h <= d) && self.end.is_none_or(|e| d <= e)
    }

    /// Month of tenure at `d` (1 = hire month); `None` without a hire date.
    pub fn tenure_month(&self, d: NaiveDate) -> Option<i64> {
        self.hire
            .map(|h| i64::from(d.year() - h.year()) * 12 + i64::from(d.month()) - i64::from(h.month()) + 1)
    }

    /// The ramp factor of `scheme` at day `d`.
    pub fn ramp(&self, scheme: &SchemeSpec, d: NaiveDate) -> f64 {
        self.tenure_month(d).map_or(1.0, |t| scheme.ramp_factor(t))
    }

    /// The scheme that pays this role.
    pub fn scheme<'a>(&self, setup: &'a Setup) -> &'a SchemeSpec {
        match self.role {
            Role::Vp => &setup.roles.vp,
            Role::Manager => &setup.roles.mgr,
            Role::Ae => &setup.roles.ae,
            Role::Sdr => &setup.roles.sdr,
        }
    }
}

/// Head counts by role for `n` people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// 0 or 1.
    pub vp: usize,
    /// Regional managers.
    pub managers: usize,
    /// Account executives.
    pub aes: usize,
    /// SDRs.
    pub sdrs: usize,
}

impl Layout {
    /// About one manager per nine people, one SDR per four AEs; with two
    /// people or fewer, everyone is an AE.
    pub fn of(n: usize) -> Self {
        if n <= 2 {
            return Self {
                vp: 0,
                managers: 0,
                aes: n,
                sdrs: 0,
            };
        }
        let managers = ((n - 1) / 9).clamp(1, n - 2);
        let rest = n - 1 - managers;
        let sdrs = rest / 5;
        Self {
            vp: 1,
            managers,
            aes: rest - sdrs,
            sdrs,
        }
    }
}

/// The attainment a person at quantile `q` (0–1) of the team is sized for:
/// about 40% at the bottom, 160% at the top, roughly two thirds at or above 100%.
pub fn skill_at(q: f64) -> f64 {
    const POINTS: [(f64, f64); 7] = [
        (0.0, 0.40),
        (0.10, 0.70),
        (0.25, 0.92),
        (0.33, 1.00),
        (0.70, 1.15),
        (0.90, 1.35),
        (1.0, 1.62),
    ];
    let q = q.clamp(0.0, 1.0);
    for w in POINTS.windows(2) {
        let ((q0, a0), (q1, a1)) = (w[0], w[1]);
        if q <= q1 {
            return a0 + (a1 - a0) * (q - q0) / (q1 - q0);
        }
    }
    POINTS[POINTS.len() - 1].1
}

/// Skills for `n` people: evenly spread quantiles, in random order.
fn skills(n: usize, rng: &mut GenRng) -> Vec<f64> {
    let mut s: Vec<f64> = (0..n).map(|i| skill_at((i as f64 + 0.5) / n as f64)).collect();
    shuffle(&mut s, rng);
    s
}

fn shuffle<T>(v: &mut [T], rng: &mut GenRng) {
    for i in (1..v.len()).rev() {
        let j = index(rng, i + 1);
        v.swap(i, j);
    }
}

fn id(prefix: &str, k: usize, count: usize) -> String {
    let width = count.to_string().len().max(2);
    format!("{prefix}{k:0width$}")
}

fn add_days(d: NaiveDate, days: i64) -> NaiveDate {
    d.checked_add_signed(chrono::TimeDelta::days(days)).unwrap_or(d)
}

fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months)).unwrap_or(d)
}

fn sub_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(months)).unwrap_or(d)
}

/// A hire date `lo`–`hi` months before the plan year (a random day).
fn tenured(setup: &Setup, lo: u32, hi: u32, rng: &mut GenRng) -> NaiveDate {
    let back = between(rng, i64::from(lo), i64::from(hi)) as u32;
    add_days(sub_months(setup.year_start, back), between(rng, 0, 27))
}

/// Builds a roster of `n` people.
pub fn build(setup: &Setup, n: usize, rng: &mut GenRng) -> Vec<GenRep> {
    let lay = Layout::of(n);
    let mut names = Names::new();
    let regions = setup.regions.len().max(1);
    let mut out: Vec<GenRep> = Vec::with_capacity(n);
    let mut person = |role, region, manager, rng: &mut GenRng| GenRep {
        id: String::new(),
        name: names.next(rng),
        role,
        territory: None,
        region,
        manager,
        hire: None,
        end: None,
        skill: 1.0,
        weak_stage: None,
    };
    if lay.vp == 1 {
        let mut vp = person(Role::Vp, 0, None, rng);
        vp.id = id("VP", 1, 1);
        vp.hire = Some(tenured(setup, 30, 90, rng));
        out.push(vp);
    }
    let vp = (lay.vp == 1).then_some(0);
    let ae_skill = skills(lay.aes, rng);
    let sdr_skill = skills(lay.sdrs, rng);
    let teams = lay.managers.max(1);
    let (mut n_ae, mut n_sdr) = (0, 0);
    // Per region, the next territory to hand out, so territories fill evenly.
    let mut next_territory = vec![0usize; regions];
    for m in 0..teams {
        let region = m % regions;
        let boss = if lay.managers > 0 {
            let mut mgr = person(Role::Manager, region, vp, rng);
            mgr.id = id("MGR", m + 1, lay.managers);
            mgr.hire = Some(tenured(setup, 18, 84, rng));
            out.push(mgr);
            Some(out.len() - 1)
        } else {
            None
        };
        let aes = lay.aes * (m + 1) / teams - lay.aes * m / teams;
        for _ in 0..aes {
            let mut ae = person(Role::Ae, region, boss, rng);
            ae.skill = ae_skill[n_ae];
            n_ae += 1;
            ae.id = id("AE", n_ae, lay.aes);
            let ts = &setup.regions[region].territories;
            if !ts.is_empty() {
                ae.territory = Some(ts[next_territory[region] % ts.len()].clone());
                next_territory[region] += 1;
            }
            out.push(ae);
        }
        let sdrs = lay.sdrs * (m + 1) / teams - lay.sdrs * m / teams;
        for _ in 0..sdrs {
            let mut sdr = person(Role::Sdr, region, boss, rng);
            sdr.skill = sdr_skill[n_sdr];
            n_sdr += 1;
            sdr.id = id("SDR", n_sdr, lay.sdrs);
            out.push(sdr);
        }
    }
    tenure(setup, &mut out, rng);
    weak_stages(setup, &mut out, rng);
    out
}

/// Hire and end dates: most sellers tenured, a few hired late last year
/// (still ramping), a few hired during the year, one or two leavers.
fn tenure(setup: &Setup, reps: &mut [GenRep], rng: &mut GenRng) {
    let mut aes: Vec<usize> = (0..reps.len()).filter(|&i| reps[i].role == Role::Ae).collect();
    shuffle(&mut aes, rng);
    let k = aes.len();
    let tenth = if k >= 3 {
        ((k as f64) * 0.1).round().max(1.0) as usize
    } else {
        0
    };
    let leavers = match k {
        0..=2 => 0,
        3..=7 => 1,
        _ => 2,
    };
    // Plan months that are not the last of a quarter: a hire in month 1 of a
    // ramp that starts at 0 still leaves the quarter some quota.
    const MID_YEAR_MONTHS: [u32; 5] = [1, 3, 4, 6, 7];
    for (pos, &i) in aes.iter().enumerate() {
        let r = &mut reps[i];
        if pos < tenth {
            let m = MID_YEAR_MONTHS[index(rng, MID_YEAR_MONTHS.len())];
            r.hire = Some(add_days(add_months(setup.year_start, m), between(rng, 0, 20)));
        } else if pos < 2 * tenth {
            r.hire = Some(tenured(setup, 1, 3, rng));
        } else if pos < 2 * tenth + leavers {
            r.hire = Some(tenured(setup, 14, 60, rng));
            let m = between(rng, 3, 9) as u32;
            r.end = Some(add_days(add_months(setup.year_start, m), between(rng, 0, 27)));
        } else if chance(rng, 0.25) {
            r.hire = None; // a long-tenured rep whose hire date the CRM does not have
        } else {
            r.hire = Some(tenured(setup, 7, 96, rng));
        }
    }
    let mut sdrs: Vec<usize> = (0..reps.len()).filter(|&i| reps[i].role == Role::Sdr).collect();
    shuffle(&mut sdrs, rng);
    for (pos, &i) in sdrs.iter().enumerate() {
        let r = &mut reps[i];
        r.hire = Some(if pos == 0 && sdrs.len() >= 4 {
            add_days(add_months(setup.year_start, 3), between(rng, 0, 14))
        } else {
            tenured(setup, 2, 30, rng)
        });
    }
}

/// Two AEs (one on small teams) who lose far more deals at one early stage.
fn weak_stages(setup: &Setup, reps: &mut [GenRep], rng: &mut GenRng) {
    let last = setup.stages.len().saturating_sub(1).min(3);
    if last < 1 {
        return;
    }
    let year_end = setup.year_end();
    let mut full_year: Vec<usize> = (0..reps.len())
        .filter(|&i| {
            let r = &reps[i];
            r.role == Role::Ae && r.active_on(setup.year_start) && r.active_on(year_end)
        })
        .collect();
    shuffle(&mut full_year, rng);
    let n = match full_year.len() {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    };
    let mut stages: Vec<usize> = (1..=last).collect();
    shuffle(&mut stages, rng);
    for (k, &i) in full_year.iter().take(n).enumerate() {
        reps[i].weak_stage = Some(stages[k % stages.len()]);
    }
}
