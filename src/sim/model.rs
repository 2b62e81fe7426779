//! The forecast model, fitted from history: per rep, a distribution of period
//! bookings; the team's seasonality; the open pipeline with stage win rates;
//! and the deal rows that SPIFFs and clawbacks resample.
//!
//! **Period bookings.** A rep's bookings in a period (Σ amount × split of the
//! deals it closed) are a hurdle lognormal: zero with probability `p_zero`,
//! else `exp(μ + σZ)` with Z standard normal, times the period's scale
//! (capacity × seasonality). μ and σ are the mean and standard deviation
//! (n − 1) of the log of the rep's non-zero normalised observations. When
//! every non-zero observation is the same, the body is that exact amount (a
//! lognormal with σ = 0), so zero-variance history replays to the cent.
//!
//! **Observations.** History periods are the periods of the plan's kind, of
//! any year, that the data covers at least half of (from the first to the
//! last close date in deals.csv). A rep observes a period when its capacity
//! there (mean over the months of ramp factor × share of days employed) is at
//! least one half; the observation is bookings ÷ (capacity × seasonality).
//!
//! **Borrowing.** A rep with fewer than [`MIN_PERIODS`] observations takes the
//! distribution fitted to the pooled observations of every rep on its scheme
//! (between-rep spread included), scaled by its own capacity in each forecast
//! period: a new hire ramps as the scheme's ramp says.
//!
//! **Seasonality.** The team's mean normalised bookings in each position of
//! the year (Q1..Q4, ...) over their overall mean, when history covers every
//! position; else flat.
//!
//! **Pipeline.** An open opportunity at stage s is won with the team's
//! historical win rate from s (won ÷ (won + lost) among closed opportunities
//! that reached s), for its amount (else the team's mean won amount), closing
//! a resampled won sales cycle after its creation and never before the data
//! ends. When the data reaches the plan year's end, the forecast is of a year
//! like it, so pipeline dates move back to start at the plan year.

use super::history::{decimal_f64, key_product, key_type, History, Timeline};
use crate::calendar::{day_number, Calendar};
use crate::data::{Opp, OppStatus, Roster};
use crate::plan::Plan;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Fewest observed periods for a rep to be fitted on its own history.
pub const MIN_PERIODS: usize = 3;
/// Least capacity for a period to count as an observation.
pub const MIN_CAPACITY: f64 = 0.5;
/// Largest bookings drawn for one rep and period, in cents (10 trillion).
pub const MAX_DRAW_CENTS: f64 = 1e15;

/// The non-zero part of a rep's period bookings, in cents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Body {
    /// exp(μ + σZ).
    LogNormal {
        /// Mean of the log.
        mu: f64,
        /// Standard deviation of the log.
        sigma: f64,
    },
    /// Always this amount (zero-variance history).
    Point(f64),
}

/// A hurdle distribution of period bookings (cents, before scaling).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dist {
    /// Probability of a period with no bookings.
    pub p_zero: f64,
    /// The non-zero part.
    pub body: Body,
}

impl Dist {
    /// Always zero.
    pub const ZERO: Dist = Dist {
        p_zero: 1.0,
        body: Body::Point(0.0),
    };

    /// The mean (cents).
    pub fn mean(&self) -> f64 {
        let body = match self.body {
            Body::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Body::Point(v) => v,
        };
        (1.0 - self.p_zero) * body
    }

    /// Fits the hurdle lognormal to observations (cents); `fallback_sigma`
    /// serves when a single observation is non-zero.
    pub fn fit(obs: &[f64], fallback_sigma: f64) -> Dist {
        if obs.is_empty() {
            return Dist::ZERO;
        }
        let pos: Vec<f64> = obs.iter().copied().filter(|&x| x >= 0.5).collect();
        let p_zero = (obs.len() - pos.len()) as f64 / obs.len() as f64;
        if pos.is_empty() {
            return Dist::ZERO;
        }
        let (lo, hi) = pos
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        if hi - lo <= hi * 1e-9 {
            return Dist {
                p_zero,
                body: Body::Point(hi.round()),
            };
        }
        let logs: Vec<f64> = pos.iter().map(|x| x.ln()).collect();
        let n = logs.len() as f64;
        let mu = logs.iter().sum::<f64>() / n;
        let sigma = if logs.len() >= 2 {
            (logs.iter().map(|l| (l - mu) * (l - mu)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            fallback_sigma
        };
        Dist {
            p_zero,
            body: Body::LogNormal { mu, sigma },
        }
    }
}

/// Where a rep's distribution came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Its own observed periods.
    Own,
    /// The pooled observations of its scheme's reps.
    Peers,
    /// Nothing to learn from: it books nothing.
    Nothing,
}

impl Source {
    /// As written in model.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Own => "own",
            Self::Peers => "peers",
            Self::Nothing => "none",
        }
    }
}

/// A cancelled deal row to resample: bookings (cents), key, days from close to cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CancelSample {
    /// amount × split in cents.
    pub cents: i64,
    /// Deal type and product.
    pub key: u32,
    /// Days from close to cancel.
    pub lag: i32,
}

/// A won deal row to resample for SPIFFs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WonSample {
    /// Deal amount before split.
    pub amount: Decimal,
    /// What the rep's scheme credits before split (the measure × column multipliers).
    pub value: Decimal,
    /// The rep's split.
    pub split: Decimal,
    /// Deal type and product.
    pub key: u32,
}

/// Deal-row events of one rep: how many per full period, and rows to resample.
#[derive(Debug, Clone)]
pub struct Events<T> {
    /// Rows per period at full capacity.
    pub rate: f64,
    /// The rows to resample.
    pub samples: Vec<T>,
}

impl<T> Default for Events<T> {
    fn default() -> Self {
        Self {
            rate: 0.0,
            samples: Vec::new(),
        }
    }
}

/// Picks a rep's own events when it has its own model, else its scheme's:
/// (rate, take the scheme's samples).
fn pick<T>(own: bool, mine: &Events<T>, theirs: &Events<T>) -> (f64, bool) {
    if own {
        (mine.rate, mine.samples.is_empty())
    } else {
        (theirs.rate, true)
    }
}

/// One rep's model.
#[derive(Debug, Clone)]
pub struct RepModel {
    /// Where the distribution came from.
    pub source: Source,
    /// Own observed periods.
    pub observed: usize,
    /// Period bookings before scaling.
    pub dist: Dist,
    /// Per plan period: capacity × seasonality.
    pub scale: Vec<f64>,
    /// Bookings mix by key (sorted by key; shares sum to 1).
    pub mix: Vec<(u32, f64)>,
    /// Cancellations.
    pub cancels: Events<CancelSample>,
    /// Won deal rows (for SPIFFs).
    pub won: Events<WonSample>,
    /// Own normalised observations (cents), for the fit check.
    pub obs: Vec<f64>,
}

/// An open opportunity that may be won.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PipeOpp {
    /// Owner.
    pub rep: usize,
    /// The team's win rate from its stage.
    pub p_win: f64,
    /// Bookings if won (cents).
    pub cents: i64,
    /// Created (day number).
    pub created: i32,
}

/// The fitted model of a team.
#[derive(Debug, Clone)]
pub struct Model {
    /// The periods of the plan's kind.
    pub timeline: Timeline,
    /// Plan periods.
    pub periods: usize,
    /// Product names by id (0: none).
    pub products: Vec<String>,
    /// One per rep, roster order.
    pub reps: Vec<RepModel>,
    /// Seasonality factor per position of the year.
    pub season: Vec<f64>,
    /// Open opportunities with a win rate.
    pub pipeline: Vec<PipeOpp>,
    /// Won sales cycles (days from created to closed).
    pub cycles: Vec<i32>,
    /// The last date in the data (day number).
    pub as_of: i32,
    /// Days added to a pipeline close date to place it in the forecast year.
    pub shift: i32,
    /// First and last plan day (day numbers).
    pub year: (i32, i32),
    /// History periods used (first, last), when any.
    pub window: Option<(i64, i64)>,
    /// Facts about the fit, for people.
    pub notes: Vec<String>,
}

fn cents(x: Decimal) -> f64 {
    decimal_f64(x * Decimal::ONE_HUNDRED)
}

fn cents_i64(x: Decimal) -> i64 {
    (x * Decimal::ONE_HUNDRED).round().to_i64().unwrap_or(0)
}

/// The history periods the data covers at least half of.
fn window(t: &Timeline, first: i32, last: i32) -> Option<(i64, i64)> {
    let (k0, k1) = (t.period_of(first), t.period_of(last));
    let covered = |k: i64| {
        let (a, b) = (t.period_start(k), t.period_start(k + 1) - 1);
        let days = (b.min(last) - a.max(first) + 1).max(0);
        2 * i64::from(days) >= i64::from(t.period_days(k))
    };
    let lo = (k0..=k1).find(|&k| covered(k));
    let hi = (k0..=k1).rev().find(|&k| covered(k));
    match (lo, hi) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => Some((k0, k1)),
    }
}

/// Fits the model. `plan` supplies ramps (the first plan of a comparison).
pub fn fit(plan: &Plan, roster: &Roster, cal: &Calendar, history: &History, opps: &[Opp]) -> Model {
    let t = Timeline::new(cal);
    let n = cal.periods();
    let nr = roster.reps.len();
    let mut notes = Vec::new();
    let year = (day_number(cal.start()), day_number(cal.end()));
    let win = match (history.first, history.last) {
        (Some(f), Some(l)) => window(&t, f, l),
        _ => None,
    };
    // Bookings (cents) and capacity per rep and window period.
    let ks: Vec<i64> = win.map(|(a, b)| (a..=b).collect()).unwrap_or_default();
    let mut book = vec![vec![0.0f64; ks.len()]; nr];
    let mut cap = vec![vec![0.0f64; ks.len()]; nr];
    for (r, rep) in roster.reps.iter().enumerate() {
        let scheme = &plan.schemes[rep.scheme];
        let mut sums = vec![Decimal::ZERO; ks.len()];
        for d in &history.deals[r] {
            let k = t.period_of(d.day);
            if let Some(i) = ks.first().and_then(|k0| usize::try_from(k - k0).ok()) {
                if i < ks.len() {
                    sums[i] += d.bookings();
                }
            }
        }
        for (i, &k) in ks.iter().enumerate() {
            book[r][i] = cents(sums[i]);
            cap[r][i] = t.capacity(rep, scheme, k);
        }
    }
    // Seasonality: the team's mean normalised bookings per position of the year.
    let mut season = vec![1.0; n];
    {
        let mut sum = vec![0.0; n];
        let mut count = vec![0usize; n];
        for r in 0..nr {
            for (i, &k) in ks.iter().enumerate() {
                if cap[r][i] >= MIN_CAPACITY {
                    sum[t.slot(k)] += book[r][i] / cap[r][i];
                    count[t.slot(k)] += 1;
                }
            }
        }
        if t.mpp.is_none() {
            if !ks.is_empty() {
                notes.push("weekly periods: no seasonality is learnt (53 positions of the year from this history would fit noise)".into());
            }
        } else if count.iter().all(|&c| c > 0) {
            let means: Vec<f64> = (0..n).map(|j| sum[j] / count[j] as f64).collect();
            let overall = means.iter().sum::<f64>() / n as f64;
            if overall > 0.0 && means.iter().all(|&m| m >= 0.05 * overall) {
                season = means.iter().map(|m| m / overall).collect();
            }
        } else if n > 1 && !ks.is_empty() {
            notes.push("history does not cover every period of the year: no seasonality is learnt".into());
        }
    }
    // Observations per rep.
    let obs: Vec<Vec<f64>> = (0..nr)
        .map(|r| {
            ks.iter()
                .enumerate()
                .filter(|(i, _)| cap[r][*i] >= MIN_CAPACITY)
                .map(|(i, &k)| book[r][i] / (cap[r][i] * season[t.slot(k)]))
                .collect()
        })
        .collect();
    // Per scheme: pooled observations, mixes, event rows.
    let ns = plan.schemes.len();
    let mut pool: Vec<Vec<f64>> = vec![Vec::new(); ns];
    let mut sigmas: Vec<Vec<f64>> = vec![Vec::new(); ns];
    for (r, rep) in roster.reps.iter().enumerate() {
        pool[rep.scheme].extend(&obs[r]);
        if let Body::LogNormal { sigma, .. } = Dist::fit(&obs[r], 0.0).body {
            if obs[r].iter().filter(|&&x| x >= 0.5).count() >= 2 {
                sigmas[rep.scheme].push(sigma);
            }
        }
    }
    let all_sigmas: Vec<f64> = sigmas.iter().flatten().copied().collect();
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let fallback: Vec<f64> = sigmas
        .iter()
        .map(|s| if s.is_empty() { mean(&all_sigmas) } else { mean(s) })
        .collect();
    let peer: Vec<Dist> = (0..ns).map(|s| Dist::fit(&pool[s], fallback[s])).collect();

    // Mix by key, own then scheme's.
    let mut own_mix: Vec<BTreeMap<u32, Decimal>> = vec![BTreeMap::new(); nr];
    let mut scheme_mix: Vec<BTreeMap<u32, Decimal>> = vec![BTreeMap::new(); ns];
    for (r, rep) in roster.reps.iter().enumerate() {
        for d in &history.deals[r] {
            let b = d.bookings();
            *own_mix[r].entry(d.key).or_default() += b;
            *scheme_mix[rep.scheme].entry(d.key).or_default() += b;
        }
    }
    let shares = |m: &BTreeMap<u32, Decimal>| -> Vec<(u32, f64)> {
        let total: Decimal = m.values().copied().filter(|v| *v > Decimal::ZERO).sum();
        if total <= Decimal::ZERO {
            return Vec::new();
        }
        m.iter()
            .filter(|(_, v)| **v > Decimal::ZERO)
            .map(|(k, v)| (*k, decimal_f64(*v / total)))
            .collect()
    };
    // Deal-row events in observed periods.
    let in_obs = |r: usize, day: i32| -> Option<f64> {
        let k = t.period_of(day);
        let i = usize::try_from(k - ks.first().copied()?).ok()?;
        (i < ks.len() && cap[r][i] >= MIN_CAPACITY).then(|| cap[r][i] * season[t.slot(k)])
    };
    let mut cancels: Vec<Events<CancelSample>> = vec![Events::default(); nr];
    let mut won: Vec<Events<WonSample>> = vec![Events::default(); nr];
    let mut exposure = vec![0.0f64; nr];
    for r in 0..nr {
        exposure[r] = ks
            .iter()
            .enumerate()
            .filter(|(i, _)| cap[r][*i] >= MIN_CAPACITY)
            .map(|(i, &k)| cap[r][i] * season[t.slot(k)])
            .sum();
        let (mut nc, mut nw) = (0usize, 0usize);
        for d in &history.deals[r] {
            let counted = in_obs(r, d.day).is_some();
            match d.cancel {
                Some(c) => {
                    nc += usize::from(counted);
                    cancels[r].samples.push(CancelSample {
                        cents: cents_i64(d.bookings()),
                        key: d.key,
                        lag: c - d.day,
                    });
                }
                None => {
                    nw += usize::from(counted);
                    won[r].samples.push(WonSample {
                        amount: d.amount,
                        value: d.value,
                        split: d.split,
                        key: d.key,
                    });
                }
            }
        }
        if exposure[r] > 0.0 {
            cancels[r].rate = nc as f64 / exposure[r];
            won[r].rate = nw as f64 / exposure[r];
        }
    }
    let mut scheme_cancels: Vec<Events<CancelSample>> = vec![Events::default(); ns];
    let mut scheme_won: Vec<Events<WonSample>> = vec![Events::default(); ns];
    {
        let mut exp_s = vec![0.0; ns];
        let mut nc_s = vec![0.0; ns];
        let mut nw_s = vec![0.0; ns];
        for (r, rep) in roster.reps.iter().enumerate() {
            let s = rep.scheme;
            exp_s[s] += exposure[r];
            nc_s[s] += cancels[r].rate * exposure[r];
            nw_s[s] += won[r].rate * exposure[r];
            scheme_cancels[s].samples.extend(&cancels[r].samples);
            scheme_won[s].samples.extend(&won[r].samples);
        }
        for s in 0..ns {
            if exp_s[s] > 0.0 {
                scheme_cancels[s].rate = nc_s[s] / exp_s[s];
                scheme_won[s].rate = nw_s[s] / exp_s[s];
            }
        }
    }

    let mut reps = Vec::with_capacity(nr);
    let mut borrowed = 0usize;
    for (r, rep) in roster.reps.iter().enumerate() {
        let s = rep.scheme;
        let scheme = &plan.schemes[s];
        let own = obs[r].len() >= MIN_PERIODS;
        let (source, dist) = if own {
            (Source::Own, Dist::fit(&obs[r], fallback[s]))
        } else if !pool[s].is_empty() {
            borrowed += 1;
            (Source::Peers, peer[s])
        } else {
            (Source::Nothing, Dist::ZERO)
        };
        let scale = (0..n).map(|p| t.capacity(rep, scheme, p as i64) * season[p]).collect();
        let mut mix = shares(&own_mix[r]);
        if mix.is_empty() {
            mix = shares(&scheme_mix[s]);
        }
        if mix.is_empty() {
            mix = vec![(0, 1.0)];
        }
        let (c_rate, use_scheme_c) = pick(own, &cancels[r], &scheme_cancels[s]);
        let c = Events {
            rate: c_rate,
            samples: if use_scheme_c {
                scheme_cancels[s].samples.clone()
            } else {
                cancels[r].samples.clone()
            },
        };
        let (wrate, use_scheme_w) = pick(own, &won[r], &scheme_won[s]);
        let w = Events {
            rate: wrate,
            samples: if use_scheme_w {
                scheme_won[s].samples.clone()
            } else {
                won[r].samples.clone()
            },
        };
        reps.push(RepModel {
            source,
            observed: obs[r].len(),
            dist,
            scale,
            mix,
            cancels: c,
            won: w,
            obs: obs[r].clone(),
        });
    }
    if let Some((a, b)) = win {
        notes.push(format!(
            "history: {} period(s) of deals, {} to {}; {} rep(s) fitted on their own history, {} borrow from their scheme's peers",
            b - a + 1,
            period_name(&t, a),
            period_name(&t, b),
            reps.iter().filter(|m| m.source == Source::Own).count(),
            borrowed
        ));
    } else {
        notes.push("deals.csv has no rows: every rep books nothing except pipeline wins".into());
    }

    // Pipeline.
    let mut as_of = history.last.unwrap_or(year.0 - 1);
    for o in opps {
        for d in [o.created, o.closed].into_iter().flatten() {
            as_of = as_of.max(day_number(d));
        }
    }
    let stages = plan.process.stages.len();
    let (mut won_at, mut closed_at) = (vec![0u64; stages], vec![0u64; stages]);
    let mut won_amounts = (Decimal::ZERO, 0u64);
    let mut cycles = Vec::new();
    for o in opps {
        if o.status == OppStatus::Open {
            continue;
        }
        for s in 0..=o.stage.min(stages.saturating_sub(1)) {
            closed_at[s] += 1;
            if o.status == OppStatus::Won {
                won_at[s] += 1;
            }
        }
        if o.status == OppStatus::Won {
            if let Some(a) = o.amount {
                won_amounts.0 += a;
                won_amounts.1 += 1;
            }
            if let (Some(c), Some(d)) = (o.created, o.closed) {
                cycles.push(day_number(d) - day_number(c));
            }
        }
    }
    let mean_won = (won_amounts.1 > 0).then(|| won_amounts.0 / Decimal::from(won_amounts.1));
    let mut pipeline = Vec::new();
    let mut open_no_rate = 0usize;
    for o in opps.iter().filter(|o| o.status == OppStatus::Open) {
        let s = o.stage.min(stages.saturating_sub(1));
        let Some(amount) = o.amount.or(mean_won) else {
            open_no_rate += 1;
            continue;
        };
        if closed_at.get(s).copied().unwrap_or(0) == 0 {
            open_no_rate += 1;
            continue;
        }
        pipeline.push(PipeOpp {
            rep: o.rep,
            p_win: won_at[s] as f64 / closed_at[s] as f64,
            cents: cents_i64(amount),
            created: o.created.map(day_number).unwrap_or(as_of),
        });
    }
    if !pipeline.is_empty() || open_no_rate > 0 {
        let expected: f64 = pipeline.iter().map(|o| o.p_win * o.cents as f64 / 100.0).sum();
        notes.push(format!(
            "pipeline: {} open opportunit(ies) with a win rate, expected wins worth {:.0}{}",
            pipeline.len(),
            expected,
            if open_no_rate > 0 {
                format!("; {open_no_rate} left out (no amount, or no closed opportunity reached their stage)")
            } else {
                String::new()
            }
        ));
    }
    let shift = if as_of >= year.1 { year.0 - (as_of + 1) } else { 0 };
    Model {
        timeline: t,
        periods: n,
        products: history.products.clone(),
        reps,
        season,
        pipeline,
        cycles,
        as_of,
        shift,
        year,
        window: win,
        notes,
    }
}

/// A history period's name: the plan label with the year of its first day.
pub fn period_name(t: &Timeline, k: i64) -> String {
    let year = chrono::NaiveDate::from_num_days_from_ce_opt(t.period_start(k))
        .map(|d| chrono::Datelike::year(&d))
        .unwrap_or(0);
    format!("{year}-{}", t.kind.label(t.slot(k)))
}

/// The deal type of a mix key (for the ledger).
pub fn mix_type(key: u32) -> crate::units::DealType {
    key_type(key)
}

/// What the plans see of a bookings key: per plan its weight and its commission filters' answers.
type Sign = Vec<(Decimal, Vec<bool>)>;

impl Model {
    /// Merges each rep's bookings keys (deal type × product) that none of
    /// `plans` tells apart — the same credit weight under the rep's scheme and
    /// the same answer from every commission filter, in every plan — into one
    /// key (the first of them) with their summed share. Trials then draw and
    /// pay one cell per kind of credit the plans need, whatever the number of
    /// products and deal types in the data. Cancelled and won rows keep their
    /// own keys; a rep no plan claws back from draws no cancellations.
    pub fn merge_keys(&mut self, plans: &[(&Plan, &Roster)]) {
        // Cancellations only where some plan claws back: the others would be drawn for nothing.
        for (r, m) in self.reps.iter_mut().enumerate() {
            let clawed = plans.iter().any(|(plan, roster)| {
                roster
                    .reps
                    .get(r)
                    .is_some_and(|rep| plan.schemes[rep.scheme].clawback_days.is_some())
            });
            if !clawed {
                m.cancels = Events::default();
            }
        }
        let product = |key: u32| -> Option<&str> {
            match key_product(key) {
                0 => None,
                i => self.products.get(i).map(String::as_str),
            }
        };
        let filters: Vec<Vec<&crate::plan::DealFilter>> = plans
            .iter()
            .map(|(plan, _)| {
                plan.schemes
                    .iter()
                    .flat_map(|s| &s.components)
                    .filter_map(|c| match &c.kind {
                        crate::plan::ComponentKind::Commission { filter, .. } if !filter.is_all() => Some(filter),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let merged: Vec<Vec<(u32, f64)>> = self
            .reps
            .iter()
            .enumerate()
            .map(|(r, m)| {
                // What the plans see of a key: its weight and its filters' answers.
                let sign = |key: u32| -> Sign {
                    plans
                        .iter()
                        .zip(&filters)
                        .map(|((plan, roster), fs)| {
                            let weight = roster.reps.get(r).map_or(Decimal::ZERO, |rep| {
                                let s = &plan.schemes[rep.scheme];
                                s.weights[key_type(key).index()] * s.multiplier(product(key))
                            });
                            (
                                weight,
                                fs.iter().map(|f| f.passes(key_type(key), product(key))).collect(),
                            )
                        })
                        .collect()
                };
                let mut groups: Vec<(Sign, u32, f64)> = Vec::new();
                for &(key, share) in &m.mix {
                    let sg = sign(key);
                    match groups.iter_mut().find(|g| g.0 == sg) {
                        Some(g) => g.2 += share,
                        None => groups.push((sg, key, share)),
                    }
                }
                groups.into_iter().map(|g| (g.1, g.2)).collect()
            })
            .collect();
        for (m, mix) in self.reps.iter_mut().zip(merged) {
            m.mix = mix;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_observations_fit_a_point_mass_at_the_exact_amount() {
        let d = Dist::fit(&[12_345_600.0, 12_345_600.0, 12_345_600.0, 0.0], 0.3);
        assert_eq!(d.p_zero, 0.25);
        assert_eq!(d.body, Body::Point(12_345_600.0));
    }

    #[test]
    fn lognormal_fit_recovers_log_mean_and_spread() {
        let obs = [100.0f64, 1000.0, 10_000.0];
        let d = Dist::fit(&obs, 0.0);
        let Body::LogNormal { mu, sigma } = d.body else {
            panic!("expected a lognormal")
        };
        assert!((mu - 1000f64.ln()).abs() < 1e-12);
        assert!((sigma - 10f64.ln()).abs() < 1e-12);
        assert_eq!(d.p_zero, 0.0);
    }
}
