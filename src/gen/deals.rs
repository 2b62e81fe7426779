//! `deals.csv`, streamed day by day: nothing grows with the number of rows
//! except each seller's list of customer numbers.
//!
//! Days carry a share of the rows (seasonality, a push at each quarter's end,
//! quiet weekends, and a thin tail in the last weeks before the plan year).
//! Each deal goes to a seller active that day, in proportion to their ramp,
//! and is sized so that the seller's year lands near their `skill`
//! attainment of quota.

use super::num::{between, cents_text, chance, index, lognormal, pick_cumulative, to_cents, weighted, GenRng};
use super::roster::{GenRep, Role};
use super::setup::{SchemeSpec, Setup, PRODUCTS};
use crate::units::DealType;
use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};
use std::io::{self, Write};

/// Counts of what was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DealStats {
    /// Data rows.
    pub rows: u64,
    /// Distinct deal ids.
    pub deals: u64,
    /// Deals split over two or three rows.
    pub split_deals: u64,
    /// Cancelled deals.
    pub cancelled: u64,
    /// Of those, cancelled within 90 days of closing.
    pub cancelled_within_90: u64,
    /// Rows closed before the plan year.
    pub before_year_rows: u64,
    /// Distinct customers that bought.
    pub customers: u64,
}

/// Days before the plan year that still get a few deals (counted, not paid).
const TAIL_DAYS: i64 = 45;
/// Share of rows closed in that tail.
const TAIL_SHARE: f64 = 0.01;
/// Probability that a deal is split.
const SPLIT: f64 = 0.06;
/// Probability that a deal is cancelled later.
const CANCEL: f64 = 0.025;
/// Log-scale spread of deal sizes.
const SIGMA: f64 = 0.75;
/// Relative size of a deal by type (new, expansion, renewal).
const TYPE_SIZE: [f64; 3] = [1.0, 0.6, 1.0];
/// Pre-existing customers in each AE's book at the start.
const BOOK: usize = 8;
/// Splits of two- and three-way deals (their shares sum to exactly 1).
const TWO_WAY: [(&str, &str); 4] = [("0.5", "0.5"), ("0.6", "0.4"), ("0.7", "0.3"), ("0.75", "0.25")];
const THREE_WAY: [(&str, &str, &str); 3] = [("0.5", "0.3", "0.2"), ("0.4", "0.3", "0.3"), ("0.6", "0.2", "0.2")];

/// The deal-type mix of a role: (new, expansion, renewal).
fn type_mix(role: Role) -> [f64; 3] {
    match role {
        Role::Sdr => [0.85, 0.15, 0.0],
        _ => [0.50, 0.25, 0.25],
    }
}

/// How often a role closes a deal, relative to an AE.
fn deal_rate(role: Role) -> f64 {
    match role {
        Role::Ae => 1.0,
        Role::Sdr => 0.5,
        _ => 0.0,
    }
}

/// Mean size factor over the product and type mix (so sizes average 1).
fn size_norm(mix: &[f64; 3]) -> f64 {
    let mut s = 0.0;
    for (t, pt) in mix.iter().enumerate() {
        for (_, pp, size) in PRODUCTS {
            s += pt * pp * size * TYPE_SIZE[t];
        }
    }
    s
}

/// Expected credit of a deal of mean size 1 under the scheme's weights and multipliers.
fn unit_credit(mix: &[f64; 3], scheme: &SchemeSpec) -> f64 {
    let norm = size_norm(mix);
    let mut s = 0.0;
    for (t, pt) in mix.iter().enumerate() {
        for (name, pp, size) in PRODUCTS {
            s += pt * pp * size * TYPE_SIZE[t] / norm * scheme.weights[t] * scheme.multiplier(name);
        }
    }
    s
}

/// The share of rows each day gets, from `year_start − TAIL_DAYS` to the year's end.
fn day_masses(setup: &Setup, rows: u64) -> Vec<(NaiveDate, f64)> {
    let start = setup.year_start;
    let end = setup.year_end();
    let tail = if rows >= 100 { TAIL_SHARE } else { 0.0 };
    let weekday = |d: NaiveDate| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
    let mut out = Vec::new();
    let mut d = start - TimeDelta::days(TAIL_DAYS);
    while d < start {
        out.push((d, if weekday(d) { 1.0 } else { 0.1 }));
        d += TimeDelta::days(1);
    }
    let tail_total: f64 = out.iter().map(|x| x.1).sum();
    for x in &mut out {
        x.1 *= tail / tail_total;
    }
    // Months inside a quarter: the last one books the most.
    const IN_QUARTER: [f64; 3] = [0.85, 0.95, 1.20];
    let mut month_start = start;
    for m in 0..12usize {
        let next = month_start
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(end + TimeDelta::days(1));
        let last_days = next - TimeDelta::days(7);
        let mut days = Vec::new();
        let mut d = month_start;
        while d < next && d <= end {
            let mut w = if weekday(d) { 1.0 } else { 0.1 };
            if m % 3 == 2 && d >= last_days && weekday(d) {
                w *= 1.8; // the end-of-quarter push
            }
            days.push((d, w));
            d += TimeDelta::days(1);
        }
        let total: f64 = days.iter().map(|x| x.1).sum();
        let mass = (1.0 - tail) * setup.month_shares[m] * IN_QUARTER[m % 3];
        out.extend(days.into_iter().map(|(d, w)| (d, w * mass / total)));
        month_start = next;
    }
    let sum: f64 = out.iter().map(|x| x.1).sum();
    for x in &mut out {
        x.1 /= sum;
    }
    out
}

/// Gross margin as a percent of the amount, by product (for plans that credit margin).
const MARGIN_PERCENT: [i64; 3] = [70, 55, 30];

/// Writes `rows` deal rows for the sellers of `reps`.
pub fn write<W: Write>(setup: &Setup, reps: &[GenRep], rows: u64, rng: &mut GenRng, out: W) -> io::Result<DealStats> {
    let mut w = csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(out);
    // Every deals.csv column; the measured ones (margin, quantity) only for a plan that credits them.
    // Then the columns the plan's multipliers read, a listed value in turn.
    let header: Vec<&str> = crate::plan::load::FILE_COLUMNS[1]
        .1
        .iter()
        .copied()
        .filter(|c| setup.measured || !crate::data::deals::MEASURED.contains(c))
        .chain(setup.attrs.iter().map(|(c, _)| c.as_str()))
        .collect();
    w.write_record(&header)?;
    let mut stats = DealStats::default();
    let sellers: Vec<usize> = (0..reps.len()).filter(|&i| reps[i].sells()).collect();
    if sellers.is_empty() || rows == 0 {
        w.flush()?;
        return Ok(stats);
    }
    let days = day_masses(setup, rows);
    // Cumulative row targets: day i ends with `targets[i]` rows written.
    let mut targets = Vec::with_capacity(days.len());
    let mut cum = 0.0;
    for (_, m) in &days {
        cum += m;
        targets.push(((rows as f64) * cum).round().min(rows as f64) as u64);
    }
    if let Some(t) = targets.last_mut() {
        *t = rows;
    }
    let rate = |r: &GenRep, d: NaiveDate| {
        if r.active_on(d) {
            deal_rate(r.role) * r.ramp(r.scheme(setup), d)
        } else {
            0.0
        }
    };

    // Size each seller's deals so that their plan-year credit lands near skill × quota.
    let rows_per_deal = 1.0 + SPLIT * (0.7 + 2.0 * 0.3);
    let mut expected = vec![0.0; reps.len()];
    let mut prev = 0;
    for ((d, _), &t) in days.iter().zip(&targets) {
        let n = (t - prev) as f64;
        prev = t;
        if *d < setup.year_start {
            continue;
        }
        let total: f64 = sellers.iter().map(|&i| rate(&reps[i], *d)).sum();
        if total > 0.0 {
            for &i in &sellers {
                expected[i] += n * rate(&reps[i], *d) / total / rows_per_deal;
            }
        }
    }
    let mut scale = vec![0.0; reps.len()];
    for &i in &sellers {
        let r = &reps[i];
        let scheme = r.scheme(setup);
        let quota = quota_share(setup, r) * scheme.quota;
        let per_deal = unit_credit(&type_mix(r.role), scheme);
        if expected[i] > 0.0 && per_deal > 0.0 {
            scale[i] = r.skill * quota / (expected[i] * per_deal);
        }
    }
    let norms: Vec<f64> = reps.iter().map(|r| size_norm(&type_mix(r.role))).collect();

    // Customer books: every AE starts with a few existing accounts.
    let mut customers: u64 = 0;
    let mut books: Vec<Vec<u64>> = vec![Vec::new(); reps.len()];
    for &i in &sellers {
        if reps[i].role == Role::Ae {
            for _ in 0..BOOK {
                customers += 1;
                books[i].push(customers);
            }
        }
    }
    let mut bought = vec![false; customers as usize + 1];

    let product_shares: Vec<f64> = PRODUCTS.iter().map(|p| p.1).collect();
    let mut text = Texts::default();
    let mut written = 0u64;
    let mut deal_no = 0u64;
    let mut cumulative = vec![0.0; sellers.len()];
    let regions = setup.regions.len().max(1);
    let mut by_region: Vec<Vec<usize>> = vec![Vec::new(); regions];
    for ((d, _), &target) in days.iter().zip(&targets) {
        if written >= target {
            continue;
        }
        let mut acc = 0.0;
        for region in &mut by_region {
            region.clear();
        }
        for (k, &i) in sellers.iter().enumerate() {
            let x = rate(&reps[i], *d);
            acc += x;
            cumulative[k] = acc;
            if x > 0.0 {
                by_region[reps[i].region % regions].push(i);
            }
        }
        if acc <= 0.0 {
            // Nobody sells today (an odd roster): spread evenly so the row count holds.
            for (k, c) in cumulative.iter_mut().enumerate() {
                *c = (k + 1) as f64;
            }
        }
        date_text(*d, &mut text.close);
        while written < target {
            let k = pick_cumulative(rng, &cumulative).unwrap_or(0);
            let r = sellers[k];
            let rep = &reps[r];
            deal_no += 1;
            stats.deals += 1;
            // Type, customer and product.
            let mix = type_mix(rep.role);
            let mut t = weighted(rng, &mix).unwrap_or(0);
            if t > 0 && books[r].is_empty() {
                t = 0;
            }
            let customer = if t == 0 && (books[r].is_empty() || !chance(rng, 0.2)) {
                customers += 1;
                books[r].push(customers);
                bought.push(false);
                customers
            } else {
                books[r][index(rng, books[r].len())]
            };
            if let Some(b) = bought.get_mut(customer as usize) {
                if !*b {
                    *b = true;
                    stats.customers += 1;
                }
            }
            let p = weighted(rng, &product_shares).unwrap_or(0);
            let size = PRODUCTS[p].2 * TYPE_SIZE[t] / norms[r];
            let amount = to_cents(scale[r] * size * lognormal(rng, SIGMA));
            cents_text(amount, &mut text.amount);
            if setup.measured {
                // Margin: a share of the amount by product; quantity: one unit per 1,000 started.
                cents_text(amount * MARGIN_PERCENT[p] / 100, &mut text.margin);
                text.quantity.clear();
                use std::fmt::Write as _;
                let _ = write!(text.quantity, "{}", (amount + 99_999) / 100_000);
            }
            // Cancellation: most within the clawback window, some later.
            let cancel = if chance(rng, CANCEL) {
                stats.cancelled += 1;
                let days = if chance(rng, 0.6) {
                    stats.cancelled_within_90 += 1;
                    between(rng, 5, 85)
                } else {
                    between(rng, 100, 270)
                };
                Some(*d + TimeDelta::days(days))
            } else {
                None
            };
            match cancel {
                Some(c) => date_text(c, &mut text.cancel),
                None => text.cancel.clear(),
            }
            // Splits with colleagues of the same region, active today.
            let left = rows - written;
            let mates: &[usize] = &by_region[rep.region % regions];
            let mut owners: Vec<(usize, &str)> = vec![(r, "")];
            if left >= 2 && mates.len() >= 2 && chance(rng, SPLIT) {
                let three = left >= 3 && mates.len() >= 3 && chance(rng, 0.3);
                let mut partner = || loop {
                    let m = mates[index(rng, mates.len())];
                    if m != r {
                        break m;
                    }
                };
                let a = partner();
                if three {
                    let mut b = partner();
                    while b == a {
                        b = partner();
                    }
                    let s = THREE_WAY[index(rng, THREE_WAY.len())];
                    owners = vec![(r, s.0), (a, s.1), (b, s.2)];
                } else {
                    let s = TWO_WAY[index(rng, TWO_WAY.len())];
                    owners = vec![(r, s.0), (a, s.1)];
                }
                stats.split_deals += 1;
            }
            text.deal.clear();
            {
                use std::fmt::Write as _;
                let _ = write!(text.deal, "D{deal_no:07}");
                text.customer.clear();
                let _ = write!(text.customer, "C{customer:06}");
            }
            let status = if cancel.is_some() { "cancelled" } else { "won" };
            for (o, split) in owners {
                let row = [
                    text.deal.as_str(),
                    reps[o].id.as_str(),
                    text.customer.as_str(),
                    PRODUCTS[p].0,
                    DealType::ALL[t].as_str(),
                    text.close.as_str(),
                    text.amount.as_str(),
                    split,
                    status,
                    text.cancel.as_str(),
                    text.margin.as_str(),
                    text.quantity.as_str(),
                ];
                let row = if setup.measured { &row[..] } else { &row[..10] };
                if setup.attrs.is_empty() {
                    w.write_record(row)?;
                } else {
                    let attrs = setup.attrs.iter().map(|(_, vs)| match vs.len() {
                        0 => "",
                        n => vs[(deal_no % n as u64) as usize].as_str(),
                    });
                    w.write_record(row.iter().copied().chain(attrs))?;
                }
                written += 1;
                if *d < setup.year_start {
                    stats.before_year_rows += 1;
                }
            }
        }
    }
    stats.rows = written;
    w.flush()?;
    Ok(stats)
}

/// Reusable text buffers for one row.
#[derive(Default)]
struct Texts {
    deal: String,
    customer: String,
    close: String,
    amount: String,
    cancel: String,
    margin: String,
    quantity: String,
}

/// An ISO date into a reused buffer.
pub fn date_text(d: NaiveDate, out: &mut String) {
    use std::fmt::Write as _;
    out.clear();
    let _ = write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
}

/// The seller's quota for the year as a fraction of the scheme's annual
/// quota: Σ over months of share × ramp × active fraction (SPEC §4).
pub fn quota_share(setup: &Setup, r: &GenRep) -> f64 {
    let scheme = r.scheme(setup);
    let mut month = setup.year_start;
    let mut total = 0.0;
    for share in setup.month_shares {
        let next = month.checked_add_months(chrono::Months::new(1)).unwrap_or(month);
        let days = (next - month).num_days().max(1);
        let mut active = 0;
        let mut d = month;
        while d < next {
            if r.active_on(d) {
                active += 1;
            }
            d += TimeDelta::days(1);
        }
        total += share * r.ramp(scheme, month) * active as f64 / days as f64;
        month = next;
    }
    total
}
