//! The plan year: its months and periods, and how many days of each a rep worked.
//!
//! A plan year starts at `year_start` and is cut into 12 plan months; periods
//! (month, quarter, half, year) are runs of consecutive plan months. Dates are
//! mapped to plan months by binary search over the 13 month boundaries.

use chrono::{Datelike, Months, NaiveDate};

/// How a plan year is cut into periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodKind {
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

impl PeriodKind {
    /// Parses `month`, `quarter`, `half` or `year`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "month" => Some(Self::Month),
            "quarter" => Some(Self::Quarter),
            "half" => Some(Self::Half),
            "year" => Some(Self::Year),
            _ => None,
        }
    }

    /// Number of periods in the year.
    pub fn count(self) -> usize {
        match self {
            Self::Month => 12,
            Self::Quarter => 4,
            Self::Half => 2,
            Self::Year => 1,
        }
    }

    /// Months in one period.
    pub fn months(self) -> usize {
        12 / self.count()
    }

    /// The label of period `i` (0-based).
    pub fn label(self, i: usize) -> String {
        match self {
            Self::Month => format!("M{:02}", i + 1),
            Self::Quarter => format!("Q{}", i + 1),
            Self::Half => format!("H{}", i + 1),
            Self::Year => "FY".to_string(),
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
        let labels = (0..kind.count()).map(|i| kind.label(i)).collect();
        Some(Self {
            kind,
            bounds,
            bound_days,
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
        self.month_of_day(day).map(|m| m / self.kind.months())
    }

    /// The period that plan month `m` belongs to.
    pub fn period_of_month(&self, m: usize) -> usize {
        m / self.kind.months()
    }

    /// The plan months of period `p`.
    pub fn months_of(&self, p: usize) -> std::ops::Range<usize> {
        let n = self.kind.months();
        p * n..(p + 1) * n
    }

    /// Number of days in plan month `m`.
    pub fn month_days(&self, m: usize) -> i64 {
        i64::from(self.bound_days[m + 1] - self.bound_days[m])
    }

    /// The last day of period `p`.
    pub fn period_end(&self, p: usize) -> NaiveDate {
        let b = self.bounds[self.months_of(p).end];
        b.pred_opt().unwrap_or(b)
    }

    /// Number of days in period `p`.
    pub fn period_days(&self, p: usize) -> i64 {
        let r = self.months_of(p);
        i64::from(self.bound_days[r.end] - self.bound_days[r.start])
    }

    /// Days of plan month `m` within the inclusive span `[from, to]` (day numbers).
    pub fn month_overlap(&self, m: usize, from: i32, to: i32) -> i64 {
        let lo = from.max(self.bound_days[m]);
        let hi = to.min(self.bound_days[m + 1] - 1);
        i64::from((hi - lo + 1).max(0))
    }

    /// Days of period `p` within the inclusive span `[from, to]`.
    pub fn period_overlap(&self, p: usize, from: i32, to: i32) -> i64 {
        self.months_of(p).map(|m| self.month_overlap(m, from, to)).sum()
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
