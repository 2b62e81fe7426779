//! History for the forecast: every deal row of any year, kept compactly per rep,
//! and the timeline that cuts any date into periods of the plan's kind.
//!
//! The ledger books only the plan year; the simulation learns from all of
//! deals.csv, so the loader hands each good row to a [`History`] as well.
//! Bookings are `amount × split`, before any scheme's weights: the weights
//! are the plan's, applied when a scenario is paid, so that plans compared on
//! the same scenario may weight deal types differently.

use crate::calendar::{day_number, Calendar, WEEK_DAYS};
use crate::data::{DealRow, Rep};
use crate::plan::Scheme;
use crate::units::DealType;
use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// One deal row as the forecast keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistDeal {
    /// Close date as a day number.
    pub day: i32,
    /// Deal amount before split (what SPIFF minimums compare).
    pub amount: Decimal,
    /// What the rep's scheme credits, before split: the amount, margin or quantity.
    pub value: Decimal,
    /// The rep's split.
    pub split: Decimal,
    /// Product id × 3 + deal type index (product id 0: no product).
    pub key: u32,
    /// Cancel date as a day number, when cancelled.
    pub cancel: Option<i32>,
}

impl HistDeal {
    /// The rep's bookings from this row: the measured value × split.
    pub fn bookings(&self) -> Decimal {
        self.value * self.split
    }

    /// The deal type of the key.
    pub fn deal_type(&self) -> DealType {
        key_type(self.key)
    }
}

/// The deal type of a key.
pub fn key_type(key: u32) -> DealType {
    DealType::ALL[(key % 3) as usize]
}

/// The product id of a key (0: no product).
pub fn key_product(key: u32) -> usize {
    (key / 3) as usize
}

/// The deal rows of every rep, any year.
#[derive(Debug, Clone)]
pub struct History {
    /// Product names by id; id 0 is "no product".
    pub products: Vec<String>,
    ids: HashMap<String, u32>,
    /// Deal rows per rep (roster order).
    pub deals: Vec<Vec<HistDeal>>,
    /// First close date seen.
    pub first: Option<i32>,
    /// Last close (or cancel) date seen.
    pub last: Option<i32>,
}

impl History {
    /// An empty history for `reps` reps (it grows to the largest rep index seen).
    pub fn new(reps: usize) -> Self {
        Self {
            products: vec![String::new()],
            ids: HashMap::new(),
            deals: vec![Vec::new(); reps],
            first: None,
            last: None,
        }
    }

    /// The key of a deal type and product, registering the product.
    pub fn key(&mut self, deal_type: DealType, product: Option<&str>) -> u32 {
        let pid = match product {
            None => 0,
            Some(p) => match self.ids.get(p) {
                Some(&id) => id,
                None => {
                    let id = self.products.len() as u32;
                    self.ids.insert(p.to_string(), id);
                    self.products.push(p.to_string());
                    id
                }
            },
        };
        pid * 3 + deal_type.index() as u32
    }

    /// The product name of a key, `None` for no product.
    pub fn product(&self, key: u32) -> Option<&str> {
        match key_product(key) {
            0 => None,
            i => self.products.get(i).map(String::as_str),
        }
    }

    /// Keeps one good deal row.
    /// `value`: what the rep's scheme measures of the row (its amount, margin or quantity).
    pub fn add(&mut self, row: &DealRow, value: Decimal) {
        let day = day_number(row.close);
        let key = self.key(row.deal_type, row.product);
        let cancel = row.cancelled.map(day_number);
        self.first = Some(self.first.map_or(day, |f| f.min(day)));
        self.last = Some(self.last.map_or(day, |l| l.max(day)));
        if row.rep >= self.deals.len() {
            self.deals.resize(row.rep + 1, Vec::new());
        }
        self.deals[row.rep].push(HistDeal {
            day,
            amount: row.amount,
            value,
            split: row.split,
            key,
            cancel,
        });
    }

    /// Forgets every row (the loader books again after dropping bad split deals).
    pub fn clear(&mut self) {
        let n = self.deals.len();
        *self = Self::new(n);
    }

    /// Makes room for `reps` reps (reps with no deal have none).
    pub fn fit_roster(&mut self, reps: usize) {
        self.deals.resize(reps.max(self.deals.len()), Vec::new());
    }
}

/// Months and periods of the plan's kind, on both sides of the plan year.
///
/// Month `m` is the plan month offset (0 = the first plan month, negative before
/// the year); period `k` = ⌊m ÷ months per period⌋, so periods 0..n are the plan year's.
/// With weeks, each plan year (12 plan months from a year start) has its own 53
/// weeks: period `k` is week `k mod 53` of year `⌊k ÷ 53⌋`.
#[derive(Debug, Clone)]
pub struct Timeline {
    start: NaiveDate,
    /// The plan's period kind.
    pub kind: crate::calendar::PeriodKind,
    /// Months per period (`None`: weeks).
    pub mpp: Option<i64>,
    /// Periods in the plan year.
    pub periods: usize,
    /// First days of the plan months 0..=12 (day numbers), for fast lookups in the year.
    months: [i32; 13],
}

impl Timeline {
    /// The timeline of a plan calendar.
    pub fn new(cal: &Calendar) -> Self {
        let mut t = Self {
            start: cal.start(),
            kind: cal.kind,
            mpp: cal.kind.months().map(|n| n as i64),
            periods: cal.periods(),
            months: [0; 13],
        };
        for m in 0..13 {
            t.months[m] = t.month_start_slow(m as i64);
        }
        t
    }

    fn month_start_slow(&self, m: i64) -> i32 {
        let d = if m >= 0 {
            self.start.checked_add_months(Months::new(m as u32))
        } else {
            self.start.checked_sub_months(Months::new((-m) as u32))
        };
        d.map(day_number).unwrap_or(if m >= 0 { i32::MAX } else { i32::MIN })
    }

    /// The first day of month `m`, as a day number.
    pub fn month_start(&self, m: i64) -> i32 {
        match usize::try_from(m) {
            Ok(i) if i <= 12 => self.months[i],
            _ => self.month_start_slow(m),
        }
    }

    /// The month of a day number.
    pub fn month_of(&self, day: i32) -> i64 {
        if day >= self.months[0] && day < self.months[12] {
            return self.months.partition_point(|&b| b <= day) as i64 - 1;
        }
        let Some(d) = NaiveDate::from_num_days_from_ce_opt(day) else {
            return 0;
        };
        // The calendar's rule, without building a calendar per year.
        let mut k = (i64::from(chrono::Datelike::year(&d)) - i64::from(chrono::Datelike::year(&self.start))) * 12
            + i64::from(chrono::Datelike::month(&d))
            - i64::from(chrono::Datelike::month(&self.start));
        while self.month_start(k) > day {
            k -= 1;
        }
        while self.month_start(k + 1) <= day {
            k += 1;
        }
        k
    }

    /// The period of a day number.
    pub fn period_of(&self, day: i32) -> i64 {
        let m = self.month_of(day);
        match self.mpp {
            Some(n) => m.div_euclid(n),
            None => {
                let y = m.div_euclid(12);
                let week = (i64::from(day) - i64::from(self.month_start(12 * y))) / i64::from(WEEK_DAYS);
                y * self.periods as i64 + week.min(self.periods as i64 - 1)
            }
        }
    }

    /// First day of period `k`.
    pub fn period_start(&self, k: i64) -> i32 {
        match self.mpp {
            Some(n) => self.month_start(k * n),
            None => {
                let n = self.periods as i64;
                let (y, w) = (k.div_euclid(n), k.rem_euclid(n));
                let (ys, next) = (self.month_start(12 * y), self.month_start(12 * (y + 1)));
                ys.saturating_add(WEEK_DAYS * w as i32).min(next)
            }
        }
    }

    /// Days in period `k`.
    pub fn period_days(&self, k: i64) -> i32 {
        self.period_start(k + 1) - self.period_start(k)
    }

    /// The position of period `k` in the year (0..periods).
    pub fn slot(&self, k: i64) -> usize {
        k.rem_euclid(self.periods as i64) as usize
    }

    /// How much of a fully ramped, full-time rep's selling time `rep` had in
    /// period `k`: the mean over its months of ramp × active days ÷ days (0..1);
    /// for a week, Σ over its parts in each month of ramp × active days ÷ 7
    /// (so the short W53 has the capacity of its one or two days).
    pub fn capacity(&self, rep: &Rep, scheme: &Scheme, k: i64) -> f64 {
        let from = rep.hire.map(day_number).unwrap_or(i32::MIN);
        let to = rep.end.map(day_number).unwrap_or(i32::MAX);
        let hire_month = rep.hire.map(|h| self.month_of(day_number(h)));
        let (ps, pe) = (self.period_start(k), self.period_start(k + 1));
        if pe <= ps {
            return 0.0;
        }
        let mut sum = 0.0;
        for m in self.month_of(ps)..=self.month_of(pe - 1) {
            let (a, b) = (self.month_start(m).max(ps), self.month_start(m + 1).min(pe));
            let days = match self.mpp {
                Some(_) => f64::from(b - a),
                None => f64::from(WEEK_DAYS),
            };
            let active = f64::from((to.min(b - 1) - from.max(a) + 1).max(0));
            if active <= 0.0 {
                continue;
            }
            let ramp = match hire_month {
                Some(h) => decimal_f64(scheme.ramp_factor(m - h + 1)),
                None => 1.0,
            };
            sum += ramp * active / days;
        }
        sum / self.mpp.unwrap_or(1) as f64
    }
}

/// A decimal as the nearest float (0 when out of range).
pub fn decimal_f64(x: Decimal) -> f64 {
    rust_decimal::prelude::ToPrimitive::to_f64(&x).unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{parse_date, PeriodKind};

    #[test]
    fn periods_extend_before_and_after_the_plan_year() {
        let cal = Calendar::new(parse_date("2026-02-01").unwrap(), PeriodKind::Quarter).unwrap();
        let t = Timeline::new(&cal);
        let day = |s: &str| day_number(parse_date(s).unwrap());
        assert_eq!(t.period_of(day("2026-02-01")), 0);
        assert_eq!(t.period_of(day("2026-04-30")), 0);
        assert_eq!(t.period_of(day("2026-05-01")), 1);
        assert_eq!(t.period_of(day("2026-01-31")), -1);
        assert_eq!(t.period_of(day("2025-02-01")), -4);
        assert_eq!(t.period_of(day("2025-01-31")), -5);
        assert_eq!(t.period_of(day("2027-02-01")), 4);
        assert_eq!(t.slot(-1), 3);
        assert_eq!(t.period_days(0), 89);
    }
}
