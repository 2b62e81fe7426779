//! The plan year: its months and periods, and how many days of each a rep worked.
//!
//! A plan year starts at `year_start` and is cut into 12 plan months. Periods are
//! runs of consecutive plan months (month, quarter, half, year) or 7-day weeks
//! from `year_start` (W01…W52 and a short W53 with the year's last one or two
//! days). The year is also cut into *units*: the parts of one period within one
//! plan month (a plan month for the month-based kinds; a week, or the two parts
//! of a week that straddles a month boundary). Amounts that follow tenure (ramp,
//! draws) are counted per unit, by the unit's plan month. Dates are mapped by
//! binary search over the boundaries.

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;

/// How a plan year is cut into periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodKind {
    /// 53 periods `W01`–`W53`: 7 days each from the year start, W53 the last 1–2 days.
    Week,
    /// 12 periods `M01`–`M12`.
    Month,
    /// 4 periods `Q1`–`Q4` (the default).
    #[default]
    Quarter,
    /// 2 periods `H1`, `H2`.
    Half,
    /// 1 period `FY`.
    Year,
}

/// Days in a week period.
pub const WEEK_DAYS: i32 = 7;

impl PeriodKind {
    /// Parses `week`, `month`, `quarter`, `half` or `year`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "week" => Some(Self::Week),
            "month" => Some(Self::Month),
            "quarter" => Some(Self::Quarter),
            "half" => Some(Self::Half),
            "year" => Some(Self::Year),
            _ => None,
        }
    }

    /// The plan-file name of the kind (the inverse of [`PeriodKind::parse`]).
    pub fn name(self) -> &'static str {
        match self {
            Self::Week => "week",
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Half => "half",
            Self::Year => "year",
        }
    }

    /// Number of periods in the year (a year of 365 or 366 days has 52 whole
    /// weeks and a short 53rd).
    pub fn count(self) -> usize {
        match self {
            Self::Week => 53,
            Self::Month => 12,
            Self::Quarter => 4,
            Self::Half => 2,
            Self::Year => 1,
        }
    }

    /// Plan months in one period, for the month-based kinds (`None` for weeks).
    pub fn months(self) -> Option<usize> {
        match self {
            Self::Week => None,
            k => Some(12 / k.count()),
        }
    }

    /// The label of period `i` (0-based).
    pub fn label(self, i: usize) -> String {
        match self {
            Self::Week => format!("W{:02}", i + 1),
            Self::Month => format!("M{:02}", i + 1),
            Self::Quarter => format!("Q{}", i + 1),
            Self::Half => format!("H{}", i + 1),
            Self::Year => "FY".to_string(),
        }
    }

    /// First days of the periods of a year whose plan months start on
    /// `months` (13 day numbers, the last the day after the year), followed by
    /// the day after the year: `count() + 1` day numbers.
    pub fn period_bounds(self, months: &[i32; 13]) -> Vec<i32> {
        match self.months() {
            Some(n) => (0..=self.count()).map(|p| months[p * n]).collect(),
            None => (0..=self.count() as i32)
                .map(|w| (months[0] + w * WEEK_DAYS).min(months[12]))
                .collect(),
        }
    }
}

/// The calendar of one plan year.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Period kind.
    pub kind: PeriodKind,
    /// Month boundaries: `bounds[i]` is the first day of plan month i; `bounds[12]` is the day after the year.
    bounds: [NaiveDate; 13],
    /// Day numbers (days since CE) of the bounds, for fast lookup.
    bound_days: [i32; 13],
    /// First day of each period, then the day after the year.
    period_bounds: Vec<i32>,
    /// First day of each unit, then the day after the year.
    unit_bounds: Vec<i32>,
    /// The plan month of each unit.
    unit_month: Vec<usize>,
    /// The first unit of each period, then the number of units.
    period_units: Vec<usize>,
    /// Period labels.
    labels: Vec<String>,
}

/// A day number: days since 0001-01-01 (chrono's CE count).
pub fn day_number(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

impl Calendar {
    /// Builds the calendar of the year starting at `start`; `None` when the year
    /// would run past the dates chrono can represent.
    pub fn new(start: NaiveDate, kind: PeriodKind) -> Option<Self> {
        let mut bounds = [start; 13];
        for (i, b) in bounds.iter_mut().enumerate() {
            *b = start.checked_add_months(Months::new(i as u32))?;
        }
        let bound_days = bounds.map(day_number);
        let period_bounds = kind.period_bounds(&bound_days);
        // Units: every period bound and every month bound, in order.
        let mut unit_bounds: Vec<i32> = period_bounds.iter().chain(&bound_days).copied().collect();
        unit_bounds.sort_unstable();
        unit_bounds.dedup();
        let units = unit_bounds.len() - 1;
        let unit_month = (0..units)
            .map(|u| bound_days.partition_point(|&b| b <= unit_bounds[u]) - 1)
            .collect();
        let period_units = period_bounds
            .iter()
            .map(|b| unit_bounds.partition_point(|u| u < b))
            .collect();
        let labels = (0..kind.count()).map(|i| kind.label(i)).collect();
        Some(Self {
            kind,
            bounds,
            bound_days,
            period_bounds,
            unit_bounds,
            unit_month,
            period_units,
            labels,
        })
    }

    /// First day of the plan year.
    pub fn start(&self) -> NaiveDate {
        self.bounds[0]
    }

    /// First day of the year before the plan year (the start less 12 months).
    pub fn prior_start(&self) -> NaiveDate {
        self.bounds[0]
            .checked_sub_months(Months::new(12))
            .unwrap_or(self.bounds[0])
    }

    /// Last day of the plan year.
    pub fn end(&self) -> NaiveDate {
        self.bounds[12].pred_opt().unwrap_or(self.bounds[12])
    }

    /// Days in the plan year (365 or 366).
    pub fn year_days(&self) -> i64 {
        i64::from(self.bound_days[12] - self.bound_days[0])
    }

    /// Number of periods.
    pub fn periods(&self) -> usize {
        self.kind.count()
    }

    /// The label of period `p`.
    pub fn label(&self, p: usize) -> &str {
        &self.labels[p]
    }

    /// The index of a period label, if it is one of this year's.
    pub fn period_index(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == label)
    }

    /// The plan month (0..12) of a day number, or `None` outside the year.
    pub fn month_of_day(&self, day: i32) -> Option<usize> {
        if day < self.bound_days[0] || day >= self.bound_days[12] {
            return None;
        }
        // partition_point: first bound greater than day, minus one.
        Some(self.bound_days.partition_point(|&b| b <= day) - 1)
    }

    /// The period of a date, or `None` outside the year.
    pub fn period_of(&self, d: NaiveDate) -> Option<usize> {
        self.period_of_day(day_number(d))
    }

    /// The period of a day number, or `None` outside the year.
    pub fn period_of_day(&self, day: i32) -> Option<usize> {
        if day < self.bound_days[0] || day >= self.bound_days[12] {
            return None;
        }
        Some(self.period_bounds.partition_point(|&b| b <= day) - 1)
    }

    /// The units of period `p`.
    pub fn units_of(&self, p: usize) -> std::ops::Range<usize> {
        self.period_units[p]..self.period_units[p + 1]
    }

    /// Number of units in the year.
    pub fn units(&self) -> usize {
        self.unit_month.len()
    }

    /// The plan month of unit `u`.
    pub fn unit_month(&self, u: usize) -> usize {
        self.unit_month[u]
    }

    /// Number of days in unit `u`.
    pub fn unit_days(&self, u: usize) -> i64 {
        i64::from(self.unit_bounds[u + 1] - self.unit_bounds[u])
    }

    /// Days of unit `u` within the inclusive span `[from, to]` (day numbers).
    pub fn unit_overlap(&self, u: usize, from: i32, to: i32) -> i64 {
        overlap(self.unit_bounds[u], self.unit_bounds[u + 1], from, to)
    }

    /// Unit `u`'s share of its period's quota, as `(numerator, denominator)`:
    /// each plan month an equal share of its period; a week's parts by days.
    pub fn unit_weight(&self, u: usize) -> (Decimal, Decimal) {
        match self.kind.months() {
            Some(n) => (Decimal::ONE, Decimal::from(n as u64)),
            None => {
                let p = self.period_units.partition_point(|&f| f <= u) - 1;
                (Decimal::from(self.unit_days(u)), Decimal::from(self.period_days(p)))
            }
        }
    }

    /// Period `p`'s share of a yearly amount (base salary, targets, an
    /// unseasoned quota), as `(numerator, denominator)`: an equal share for the
    /// month-based kinds, days ÷ days in the year for weeks.
    pub fn year_share(&self, p: usize) -> (Decimal, Decimal) {
        match self.kind {
            PeriodKind::Week => (Decimal::from(self.period_days(p)), Decimal::from(self.year_days())),
            k => (Decimal::ONE, Decimal::from(k.count() as u64)),
        }
    }

    /// Number of days in plan month `m`.
    pub fn month_days(&self, m: usize) -> i64 {
        i64::from(self.bound_days[m + 1] - self.bound_days[m])
    }

    /// The last day of period `p`.
    pub fn period_end(&self, p: usize) -> NaiveDate {
        let b = self.period_bounds[p + 1];
        NaiveDate::from_num_days_from_ce_opt(b - 1).unwrap_or(self.bounds[12])
    }

    /// Number of days in period `p`.
    pub fn period_days(&self, p: usize) -> i64 {
        i64::from(self.period_bounds[p + 1] - self.period_bounds[p])
    }

    /// Days of plan month `m` within the inclusive span `[from, to]` (day numbers).
    pub fn month_overlap(&self, m: usize, from: i32, to: i32) -> i64 {
        overlap(self.bound_days[m], self.bound_days[m + 1], from, to)
    }

    /// Days of period `p` within the inclusive span `[from, to]`.
    pub fn period_overlap(&self, p: usize, from: i32, to: i32) -> i64 {
        overlap(self.period_bounds[p], self.period_bounds[p + 1], from, to)
    }

    /// The plan-month offset of any date relative to the year start (negative
    /// before it): the month index `k` with `start + k months <= d < start + (k+1) months`.
    pub fn month_offset(&self, d: NaiveDate) -> i64 {
        let s = self.start();
        let mut k = (i64::from(d.year()) - i64::from(s.year())) * 12 + i64::from(d.month()) - i64::from(s.month());
        // Adjust for a start day other than the 1st.
        let shifted = |k: i64| -> Option<NaiveDate> {
            if k >= 0 {
                s.checked_add_months(Months::new(k as u32))
            } else {
                s.checked_sub_months(Months::new((-k) as u32))
            }
        };
        while shifted(k).is_some_and(|b| b > d) {
            k -= 1;
        }
        while shifted(k + 1).is_some_and(|b| b <= d) {
            k += 1;
        }
        k
    }
}

/// Days of the half-open span `[lo, hi)` within the inclusive span `[from, to]`.
fn overlap(lo: i32, hi: i32, from: i32, to: i32) -> i64 {
    let lo = from.max(lo);
    let hi = to.min(hi - 1);
    i64::from((hi - lo + 1).max(0))
}

/// Parses an ISO `YYYY-MM-DD` date (exactly that shape).
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err("not a date in the form YYYY-MM-DD".into());
    }
    let num = |r: std::ops::Range<usize>| -> u32 { b[r].iter().fold(0u32, |a, c| a * 10 + u32::from(c - b'0')) };
    NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10)).ok_or_else(|| "no such date".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn quarters_of_a_calendar_year() {
        let c = Calendar::new(d("2026-01-01"), PeriodKind::Quarter).unwrap();
        assert_eq!(c.period_of(d("2026-03-31")), Some(0));
        assert_eq!(c.period_of(d("2026-04-01")), Some(1));
        assert_eq!(c.period_of(d("2026-12-31")), Some(3));
        assert_eq!(c.period_of(d("2027-01-01")), None);
        assert_eq!(c.period_of(d("2025-12-31")), None);
        assert_eq!(c.period_days(0), 90);
        assert_eq!(c.end(), d("2026-12-31"));
    }

    #[test]
    fn fiscal_year_starting_mid_month() {
        let c = Calendar::new(d("2026-02-15"), PeriodKind::Month).unwrap();
        assert_eq!(c.month_of_day(day_number(d("2026-03-14"))), Some(0));
        assert_eq!(c.month_of_day(day_number(d("2026-03-15"))), Some(1));
        assert_eq!(c.month_offset(d("2026-02-14")), -1);
        assert_eq!(c.month_offset(d("2026-02-15")), 0);
        assert_eq!(c.month_offset(d("2025-11-20")), -3);
        assert_eq!(c.end(), d("2027-02-14"));
    }

    #[test]
    fn overlap_counts_inclusive_days() {
        let c = Calendar::new(d("2026-01-01"), PeriodKind::Quarter).unwrap();
        let hire = day_number(d("2026-02-16"));
        let end = day_number(d("2026-12-31"));
        assert_eq!(c.period_overlap(0, hire, end), 44);
        assert_eq!(c.month_overlap(1, hire, end), 13);
    }

    #[test]
    fn dates_are_strict_iso() {
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("2026-2-3").is_err());
        assert!(parse_date("03/02/2026").is_err());
        assert_eq!(parse_date("2024-02-29").unwrap(), d("2024-02-29"));
    }
}
